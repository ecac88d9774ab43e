"""Caches for what does not change per request: the category tree, list counts, facets, page ids.

Everything is keyed by a catalogue version that moves on every ORM write to a product, category,
stock row, net price, discount, product picture or document (signals below) and after a catalogue import
(`catalogue_changed()`), so a cached value is never older than the data it was computed from; the
timeout only bounds how long unused keys linger. Keys are built from the SQL of the query they
stand for, so a customer-specific query (sorted by that customer's prices) gets its own key.

Rendered fragments (`cached_fragment`) are the one place prices are cached: as HTML, keyed by the
customer, branch, role, language and URL besides the catalogue version. Net prices and discounts
move that version, so a fragment is never older than the prices in it; `shop.pricing` stays the
only place that computes them.

«Mine ordre» is cached as a whole page under a per-customer orders version (`orders_version`): it
moves on every write that can change what the page shows that customer (their orders and order
lines, the people «Bestilt av» names, the history other apps keep), so the page needs no query to
know it is current. Writes through `save()` and `delete()` move it by the signals at the end of this
module; whoever writes orders in bulk (`bulk_create`, `bulk_update`, `QuerySet.update()`, COPY)
calls `orders_changed()` itself.
"""

import hashlib
import threading
import time
import zlib
from collections import OrderedDict
from datetime import timedelta

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from accounts.models import Membership, User
from accounts.snapshot import stamp_of
from core.versions import version_get, versions_move

VERSION_KEY = "shop:catalogue-version"
ORDERS_VERSION_KEY = "shop:orders-version:{}"


# The version as this process last read it, and when: one cache round trip per VERSION_MEMO_SECONDS
# instead of one per cached value. A change made in this process clears it at once; other processes
# see it within VERSION_MEMO_SECONDS.
VERSION_MEMO_SECONDS = 1.0
_memo = {"version": None, "read_at": 0.0}
# The category tree of the current catalogue version, kept in this process too: every list page
# needs it (slug lookup, breadcrumbs, facets), and unpickling ~40 categories from Redis was 7 % of
# a cached list page. A new version (any catalogue write) replaces it.
_tree = {"version": None, "categories": None}


def _fresh_version() -> int:
    # A version never used before, even after Redis lost the key (a restart or a flush): a process
    # that still remembers an old version, or holds a category tree of it, must not match it.
    return time.time_ns() // 1000


def catalogue_version() -> int:
    now = time.monotonic()
    if _memo["version"] is not None and now - _memo["read_at"] < VERSION_MEMO_SECONDS:
        return _memo["version"]
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _fresh_version(), timeout=None)
        version = cache.get(VERSION_KEY) or _fresh_version()
    _memo.update(version=version, read_at=now)
    return version


def catalogue_changed() -> None:
    """Invalidate every cached list count, facet, page of ids and category tree.

    The version that counts for everyone moves when the change is committed: bumped only inside
    the transaction, another process, which still reads the old rows until the commit, could
    cache them under the new version, where they would stay. The bump at once is for this
    process's own reads within the transaction; the one on commit (once per transaction, however
    many rows changed; never after a rollback) orphans whatever anyone cached meanwhile.
    """
    _bump_version()
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return
    if any(callback[1] is _bump_version for callback in connection.run_on_commit):
        return
    transaction.on_commit(_bump_version, robust=True)


def _bump_version() -> None:
    forget_local()
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, _fresh_version(), timeout=None)


def forget_local() -> None:
    """Drop what this process remembers (the version and the category tree); the next use reads Redis."""
    _memo["version"] = None
    _tree.update(version=None, categories=None)
    with _pages_lock:
        _pages.clear()
        _pages_size[0] = 0


def orders_version(customer_id) -> int:
    """The customer's orders version: read before the rows it stands for (core.versions)."""
    return version_get(ORDERS_VERSION_KEY.format(customer_id))


def orders_changed(customer_ids) -> None:
    """What «Mine ordre» shows these customers changed: their next view is rendered afresh."""
    versions_move(ORDERS_VERSION_KEY.format(pk) for pk in customer_ids if pk is not None)


def cache_key(kind: str, parts, *, catalogue: bool = True) -> str:
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return f"shop:{kind}:{catalogue_version()}:{digest}" if catalogue else f"shop:{kind}:{digest}"


def cached(kind: str, parts, compute, *, timeout: int | None = None, key: str | None = None, catalogue=True):
    """`compute()` cached under the catalogue version, `kind` and a digest of `parts`.

    With `catalogue=False` the value outlives catalogue changes, for `timeout` seconds: for what is
    computed from orders, not from the catalogue (what sells most), and costs too much to redo after
    every price or stock write.
    """
    key = key or cache_key(kind, parts, catalogue=catalogue)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout or settings.SHOP_LIST_CACHE_SECONDS)
    return value


# Fragments are shared by every user of a customer, but each form in them must carry the user's own
# CSRF token. They are rendered with this placeholder, which escaped text can never contain (every
# "<" in it becomes "&lt;"), and the request's token is put in when the fragment is served.
CSRF_PLACEHOLDER = "<csrf-token>"
FRAGMENT_FORMAT = "zlib-1"


def viewer(request) -> tuple:
    """What a shop fragment shows besides catalogue data: the URL, the language and who looks.

    The URL covers filters, page and the `next` fields of the forms; the customer covers prices;
    branch and role cover stock lines and the buy buttons; the price right («Kan se priser») and the
    VAT choice («Vis priser inkl. mva») decide whether and how prices show, so two colleagues of one
    customer with different rights never share a fragment.
    """
    user = request.user
    membership = request.tenant.membership if user.is_authenticated else None
    branch = membership.customer.branch if membership else None
    return (
        request.get_full_path(),
        get_language(),
        user.is_authenticated,
        membership.customer_id if membership else None,
        (branch.pk, branch.name) if branch else None,
        membership.role if membership else None,
        membership.can_see_prices if membership else None,
        bool(getattr(user, "prices_incl_vat", False)) if membership else None,
    )


def cached_fragment(request, kind: str, template: str, context, *, parts=()) -> SafeString:
    """`template` rendered with `context()`, cached per catalogue version, viewer and `parts`.

    `context` is only called on a miss, so a hit costs no queries. `parts` must name anything else
    the fragment shows that the catalogue version does not cover (a customer's latest orders, say).
    """

    def render() -> bytes:
        return _compressed(render_to_string(template, {**context(), "csrf_token": _csrf_placeholder()}, request))

    # FRAGMENT_FORMAT is in the key so that a deploy that changes what is stored never reads the old.
    html = zlib.decompress(cached(kind, (FRAGMENT_FORMAT, template, viewer(request), parts), render)).decode()
    return mark_safe(_csrf_fill(request, html))  # noqa: S308 - rendered by the template engine with autoescaping


# Where the messages go in a cached page (base.html): like the CSRF placeholder, text that escaped
# content can never contain.
MESSAGES_PLACEHOLDER = "<page-messages>"


def cached_page(request, template: str, context, *, parts=()) -> HttpResponse:
    """The whole page: `template` rendered with `context()`, cached for this one user.

    On top of a fragment's key (catalogue version, viewer, `parts`), the page is keyed by the user
    and the versions of their snapshot (accounts.snapshot): the frame shows their name, customers and
    menus, so a new name, membership or role renders it anew. The request's own parts are put in when
    served: its CSRF token and its messages («Lagt i handlekurven …»), which are never cached.
    A user who did not come from the snapshot (none there) gets the page rendered as usual.
    """
    user = request.user
    stamp = stamp_of(user) if user.is_authenticated else ()
    if stamp is None:
        return render(request, template, context())

    def render_page() -> bytes:
        page = {"messages": mark_safe(MESSAGES_PLACEHOLDER)}  # noqa: S308 - a constant
        request._page_rendering = True  # the fragments within keep their placeholder (_csrf_fill)
        try:
            html = render_to_string(
                template, {**context(), "csrf_token": _csrf_placeholder(), "page_cached": page}, request
            )
        finally:
            request._page_rendering = False
        return _compressed(html)

    key = cache_key("page", (FRAGMENT_FORMAT, template, viewer(request), user.pk, stamp, parts))
    html = _page_recall(key)
    if html is None:
        html = zlib.decompress(cached("page", None, render_page, key=key)).decode()
        _page_remember(key, html)
    html = _csrf_fill(request, html)
    shown = get_messages(request)
    messages_html = render_to_string("_messages.html", {"messages": shown}) if len(shown) else ""
    return HttpResponse(html.replace(MESSAGES_PLACEHOLDER, messages_html, 1))


# Whole pages as this process last served them, by their cache key, which holds every version they
# depend on (catalogue, the user's snapshot, `parts`): a repeated page costs no round trip to Redis
# and no decompressing. Least recently served first out, beyond PAGE_MEMO_BYTES of text.
PAGE_MEMO_BYTES = 16 * 2**20
_pages: OrderedDict[str, str] = OrderedDict()
_pages_size = [0]
_pages_lock = threading.Lock()  # gunicorn's gthread workers serve requests from several threads


def _page_recall(key: str) -> str | None:
    with _pages_lock:
        html = _pages.get(key)
        if html is not None:
            _pages.move_to_end(key)
        return html


def _page_remember(key: str, html: str) -> None:
    with _pages_lock:
        if key in _pages:
            return
        _pages[key] = html
        _pages_size[0] += len(html)
        while _pages_size[0] > PAGE_MEMO_BYTES and _pages:
            _old_key, old = _pages.popitem(last=False)
            _pages_size[0] -= len(old)


def _csrf_placeholder() -> SafeString:
    return mark_safe(CSRF_PLACEHOLDER)  # noqa: S308 - a constant: the tag must not escape it


def _compressed(html: str) -> bytes:
    # Stored compressed: pages of product rows shrink 8-10 times (a 37 KB list to 5 KB) for
    # 0.06 ms to compress and 0.03 ms to decompress, so the cache holds ten times more pages.
    return zlib.compress(html.encode(), 1)


def _csrf_fill(request, html: str) -> str:
    if CSRF_PLACEHOLDER not in html or getattr(request, "_page_rendering", False):
        return html
    return html.replace(CSRF_PLACEHOLDER, get_token(request))


# What sells most, counted over a million order lines (0.5 s): computed from orders, not from the
# catalogue, so it outlives catalogue changes. A periodic task (shop.tasks.popular_refresh, every
# 10 minutes: CELERY_BEAT_SCHEDULE) writes it before it expires, so no page view waits for it but
# the first after the cache lost it. A product taken out of the range drops out when the showcase is
# rendered, which reads active products only.
POPULAR_SECONDS = 60 * 60
POPULAR_DAYS = 90


def popular_product_ids(*, refresh: bool = False) -> list[int]:
    """Ids of the products in the most orders of the last POPULAR_DAYS days, everyone's."""
    from .selectors import product_ids_most_ordered

    def compute():
        return product_ids_most_ordered(since=timezone.now() - timedelta(days=POPULAR_DAYS))

    if refresh:
        ids = compute()
        cache.set(cache_key("popular", (), catalogue=False), ids, POPULAR_SECONDS)
        return ids
    return cached("popular", (), compute, timeout=POPULAR_SECONDS, catalogue=False)


def query_key(queryset) -> tuple:
    """The SQL and parameters of a queryset: two equal keys mean the same rows."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # .none() or a filter that can match nothing
        return ("empty", queryset.model._meta.label)
    return (sql, tuple(str(p) for p in params))


def categories_all() -> list:
    from .models import Category

    version = catalogue_version()
    if _tree["version"] != version:
        _tree.update(version=version, categories=cached("categories", (), lambda: list(Category.objects.all())))
    return _tree["categories"]


@receiver([post_save, post_delete], dispatch_uid="shop_catalogue_changed")
def _catalogue_model_changed(sender, **kwargs):
    from .models import (
        Category,
        CustomerDiscount,
        CustomerNetPrice,
        Product,
        ProductDocument,
        ProductImage,
        Stock,
    )

    # Prices matter too: a list sorted by price caches the customer's page ids. A new picture or
    # datasheet is a catalogue change as well: product pages and lists show it at once.
    if sender in (Category, Product, Stock, CustomerNetPrice, CustomerDiscount, ProductImage, ProductDocument):
        catalogue_changed()


@receiver([post_save, post_delete], dispatch_uid="shop_orders_changed")
def _orders_model_changed(sender, instance, raw=False, **kwargs):
    from .models import Order, OrderLine

    if sender is Order:
        orders_changed([instance.customer_id])
    elif sender is OrderLine:
        origin = kwargs.get("origin")
        if isinstance(origin, Order) or getattr(origin, "model", None) is Order:
            return  # the lines of an order deleted whole: the order's own signal moves the version
        order = instance._state.fields_cache.get("order")
        if order is not None:
            orders_changed([order.customer_id])
        else:
            orders_changed(Order.objects.filter(pk=instance.order_id).values_list("customer_id", flat=True))
    elif sender is Membership:
        # «Bestilt av» offers every member of the customer, also deactivated ones.
        orders_changed([instance.customer_id])
    elif sender is User and _shown_fields_written(kwargs.get("update_fields")):
        # Orders name who placed them: the user's name (or email) shows at each of their customers.
        orders_changed(Membership.objects.filter(user_id=instance.pk).values_list("customer_id", flat=True))


def _shown_fields_written(update_fields) -> bool:
    # A login (last_login), a new password or second factor changes nothing an order list shows.
    return update_fields is None or bool({"name", "email"} & set(update_fields))
