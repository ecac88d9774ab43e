"""Front page, catalogue, category pages, search and the product page (open to visitors)."""

from functools import cached_property

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ..caching import (
    cached,
    cached_fragment,
    cached_page,
    categories_all,
    orders_version,
    popular_product_ids,
    query_key,
)
from ..catalogue import category_ancestors, category_descendant_ids, number_compact, query_clean
from ..forms import SORT_CHOICES, ProductFilterForm, QuantityForm
from ..media import main_images_prefetch
from ..models import Category
from ..pricing import pricing_for_request
from ..selectors import (
    order_recent_for_customer,
    product_get_active,
    product_get_by_number,
    product_ids_most_ordered,
    product_list,
    product_list_by_ids,
    product_list_well_stocked,
    product_media,
    product_stock_by_branch,
)


def _branch(request):
    return request.tenant.branch if request.user.is_authenticated else None


def _attach_prices(pricing, products):
    prices = pricing.prices(products)
    for product in products:
        product.price = prices.get(product.pk)
    return products


class CachedCountPaginator(Paginator):
    """A paginator whose total comes from the cache: the same filters give the same count for everyone."""

    @cached_property
    def count(self):
        queryset = self.object_list.order_by()
        return cached("count", query_key(queryset), queryset.count)


def _product_list(request, *, template, query="", category=None, all_categories=None, extra=None):
    """The shared list behind catalogue, category and search pages: filters, sorting, paging.

    The filters and results are one cached fragment, shared by a customer's users, and the whole
    page is cached per user: a repeated view costs no query and no rendering until the catalogue,
    its prices or the user change.
    """
    if all_categories is None:
        all_categories = categories_all()

    def context():
        listing = cached_fragment(
            request,
            "listing",
            "shop/_listing.html",
            lambda: _listing_context(request, query=query, category=category, all_categories=all_categories),
        )
        return {
            "listing": listing,
            "query": query,
            "category": category,
            "categories": [c for c in all_categories if c.parent_id is None],
            **(extra or {}),
        }

    return cached_page(request, template, context)


def _listing_context(request, *, query, category, all_categories) -> dict:
    pricing = pricing_for_request(request)
    branch = _branch(request)
    form = ProductFilterForm(request.GET or None)
    data = {}
    if form.is_bound:
        form.is_valid()  # cleaned_data keeps the valid fields: one bad parameter drops only itself
        data = form.cleaned_data

    products = product_list(
        branch=branch,
        query=query,
        category_ids=category_descendant_ids(category, all_categories) if category is not None else None,
    )

    # Category facet on search pages: top-level categories and their children the user can narrow to.
    chosen_category = None
    if data.get("kategori") and category is None:
        chosen_category = next((c for c in all_categories if c.slug == data["kategori"]), None)
        if chosen_category is not None:
            products = products.in_categories(category_descendant_ids(chosen_category, all_categories))

    facet = products.exclude(manufacturer="").order_by().values_list("manufacturer", flat=True).distinct()
    manufacturers = cached("manufacturers", query_key(facet), lambda: sorted(facet, key=str.lower))
    manufacturer = data.get("produsent") or ""
    if manufacturer:
        products = products.filter(manufacturer=manufacturer)
    in_stock = bool(data.get("lager")) and branch is not None
    if in_stock:
        products = products.in_stock_at(branch)

    sort_choices = [
        (value, label)
        for value, label in SORT_CHOICES
        if (value != "relevance" or query) and (not value.startswith("price") or pricing.shows_prices)
    ]
    sort = data.get("sort") or ("relevance" if query else "name")
    if sort not in dict(sort_choices):
        sort = "relevance" if query else "name"
    if sort.startswith("price"):
        products = pricing.annotate_for_sorting(products)
        products = products.order_by("price_sort" if sort == "price" else "-price_sort", "name", "pk")
    else:
        products = products.sorted_by(sort)

    # Page through ids only (an index-only scan for category lists), then fetch the page's rows.
    page = CachedCountPaginator(products.values_list("pk", flat=True), settings.SHOP_PAGE_SIZE).get_page(
        request.GET.get("side")
    )
    # The page's ids are the same for every customer with the same filters: cached per catalogue version.
    ids = cached("page", query_key(page.object_list), lambda: list(page.object_list))
    page.object_list = ids
    items = _attach_prices(pricing, product_list_by_ids(ids=ids, branch=branch))
    params = request.GET.copy()
    params.pop("side", None)
    return {
        "page": page,
        "products": items,
        "query": query,
        "category": category,
        "all_categories": all_categories,
        "chosen_category": chosen_category,
        "manufacturers": manufacturers,
        "manufacturer": manufacturer,
        "in_stock": in_stock,
        "sort": sort,
        "sort_choices": sort_choices,
        "page_query": params.urlencode(),
        "branch": branch,
        "pricing": pricing,
        "quantity_form": QuantityForm(),
    }


def home(request):
    """The shop's face: search, categories, popular products and shortcuts for customers."""
    pricing = pricing_for_request(request)
    customer = pricing.customer
    # Categories, latest orders and popular products are one cached fragment within the cached page.
    # The customer's orders version is part of both keys (read before the rows it stands for): a new
    # order or a changed status shows at once.
    parts = ("orders", orders_version(customer.pk) if customer is not None else None)

    def context():
        recent_orders = order_recent_for_customer(customer=customer) if customer is not None else []
        latest_order = recent_orders[0].pk if recent_orders else None
        showcase = cached_fragment(
            request,
            "home",
            "shop/_home_showcase.html",
            lambda: {"recent_orders": recent_orders, **_showcase_context(request, pricing, latest_order)},
            parts=parts,
        )
        return {"showcase": showcase}

    return cached_page(request, "shop/home.html", context, parts=parts)


# What a customer buys most is theirs until their next order (the latest order is in the key); the
# time bounds how long it lingers (everyone's most ordered: shop.caching.popular_product_ids).
POPULAR_SECONDS = 15 * 60


def _showcase_context(request, pricing, latest_order) -> dict:
    all_categories = categories_all()
    top = [c for c in all_categories if c.parent_id is None]
    children = {}
    for node in all_categories:
        if node.parent_id:
            children.setdefault(node.parent_id, []).append(node)
    for node in top:
        node.child_list = children.get(node.pk, [])[:6]
    customer = pricing.customer
    popular_ids = []
    if latest_order is not None:
        # What this customer buys again and again beats what everybody buys.
        popular_ids = cached(
            "popular-customer",
            (customer.pk, latest_order),
            lambda: product_ids_most_ordered(customer=customer),
            timeout=POPULAR_SECONDS,
            catalogue=False,
        )
        popular_title = _("Ofte kjøpt av dere")
    if not popular_ids:
        popular_ids = popular_product_ids()
        popular_title = _("Populære varer")
    branch = _branch(request)
    if popular_ids:
        ranked = {pk: i for i, pk in enumerate(popular_ids)}
        popular = sorted(
            product_list(branch=branch).prefetch_related(main_images_prefetch()).filter(pk__in=popular_ids),
            key=lambda p: ranked[p.pk],
        )
    else:
        # No orders yet: show well-stocked products so the page is never empty.
        popular = product_list_well_stocked(branch=branch)
    return {
        "categories": top,
        "popular": _attach_prices(pricing, popular),
        "popular_title": popular_title,
        "pricing": pricing,
        "branch": branch,
        "quantity_form": QuantityForm(),
    }


def catalogue(request):
    return _product_list(request, template="shop/catalogue.html")


def category_detail(request, slug):
    all_categories = categories_all()
    category = next((c for c in all_categories if c.slug == slug), None)
    if category is None:
        raise Http404
    subcategories = [c for c in all_categories if c.parent_id == category.pk]
    return _product_list(
        request,
        template="shop/catalogue.html",
        category=category,
        all_categories=all_categories,
        extra={"breadcrumbs": category_ancestors(category, all_categories), "subcategories": subcategories},
    )


def search(request):
    """GET `q`: an exact varenummer, EL-nummer or EAN goes straight to the product page."""
    query = query_clean(request.GET.get("q"))
    number = number_compact(query)
    if number and " " not in number:
        # Which product a number names is the same for everyone until the catalogue changes.
        sku = cached("number", (number,), lambda: getattr(product_get_by_number(number=number), "sku", ""))
        if sku:
            return redirect("shop:product", sku=sku)
    if not query:
        return render(
            request,
            "shop/search.html",
            {"query": "", "categories": Category.objects.top_level(), "empty": True},
        )
    return _product_list(request, template="shop/search.html", query=query)


def product_detail(request, sku):
    """The product page. Its body is a cached fragment: an unknown or inactive SKU is a 404 (never
    cached), and any change to the product, its stock or the customer's prices moves the version."""
    fetched = {}

    def product():  # one query on a miss, whether the name or the body (or both) needs it
        if "product" not in fetched:
            fetched["product"] = _product(request, sku)
        return fetched["product"]

    def context():
        name = cached("product-name", (sku,), lambda: product().name)
        body = cached_fragment(
            request, "product", "shop/_product_detail.html", lambda: _product_context(request, product())
        )
        return {"name": name, "body": body}

    return cached_page(request, "shop/product.html", context, parts=(sku,))


def _product(request, sku):
    return product_get_active(sku=sku, branch=_branch(request))


def _product_context(request, product) -> dict:
    pricing = pricing_for_request(request)
    stock = product_stock_by_branch(product=product)
    images, documents = product_media(product=product)
    main_image = next((i for i in images if i.is_main), images[0] if images else None)
    product.main_images = [main_image] if main_image else []  # what the picture tag reads
    return {
        "product": product,
        "more_images": [i for i in images if i is not main_image],
        "documents": documents,
        "price": pricing.price(product),
        "pricing": pricing,
        "branch": _branch(request),
        "stock": stock,
        "breadcrumbs": category_ancestors(product.category, categories_all()),
        "quantity_form": QuantityForm(),
    }
