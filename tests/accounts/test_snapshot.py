"""A deactivation, a role change, a new password or a closed customer takes effect on the very next request.

Who is looking (the user and their memberships) is cached (accounts/snapshot.py) and whole pages are
cached per user (shop.caching.cached_page). Each test logs a customer user in, fetches a page until it
comes from the cache, makes the change through the door a person uses («Brukere», Django admin,
«Min konto», the password pages, the legacy import), and looks at the very next request of the
person it concerns.

The cache is the real one: local memory in the quick run, Redis in the PostgreSQL run (REDIS_URL), as
in production; sessions are cached_db, as in production.

Over 450 lines because every write path is held here, one test each, as accounts/snapshot.py promises.
"""

import threading

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection, transaction
from django.urls import reverse

from accounts import services
from accounts.models import Membership, Role, User
from accounts.snapshot import SNAPSHOT_KEY
from tests.accounts.admin_forms import admin_save, staff_post
from tests.factories import BranchFactory, CustomerFactory, MembershipFactory
from tests.fixtures.data import PASSWORD
from tests.fixtures.mfa import SecondFactorClient
from tests.shop.factories import CategoryFactory, ProductFactory, StockFactory

pytestmark = pytest.mark.django_db

PRODUCTION_SESSIONS = "accounts.sessions"  # the production default (config/settings/production.py)
BUY = "Legg i handlekurv"
PRICE = "14,90 kr"
USERS_LINK = 'href="/konto/brukere/"'


@pytest.fixture(autouse=True)
def _as_in_production(settings):
    """Sessions read from the cache, written through to the database; the cache is Redis when the
    run has one (a test that passed against local memory only would prove little)."""
    settings.SESSION_ENGINE = PRODUCTION_SESSIONS
    if settings.REDIS_URL:
        from core.cache import RedisCache

        assert isinstance(caches["default"], RedisCache), "REDIS_URL is set but the cache is not Redis"


@pytest.fixture
def product(db, branch):
    parent = CategoryFactory(name="Kabel", slug="kabel")
    category = CategoryFactory(name="Installasjonskabel", slug="kabel-installasjonskabel", parent=parent)
    product = ProductFactory(
        sku="100001", name="Nexans PFSP 3G1,5 mm² installasjonskabel", category=category, unit="m",
        list_price="14.90",
    )
    StockFactory(product=product, branch=branch, quantity=40)
    return product


LIST = "/sortiment/kabel/"


def browser(user, **kwargs) -> SecondFactorClient:
    """A browser in which `user` is logged in: through the login page for a customer user (allauth,
    as in the shop), by `force_login` for staff (whose login has a code step, tests/fixtures/mfa.py)."""
    client = SecondFactorClient(**kwargs)
    if user.is_staff:
        client.force_login(user)
        return client
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, html_of(response)[:2000]
    return client


def warm(client, path, user) -> str:
    """Fetch `path` until the snapshot of `user` and the page are cached; the page as shown."""
    for _ in range(2):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    assert cache.get(SNAPSHOT_KEY.format(user.pk)) is not None, "the snapshot was not cached"
    return response.content.decode()


def html_of(response) -> str:
    return response.content.decode()


def header(html: str) -> str:
    return html.split("<header", 1)[1].split("</header>", 1)[0]


def is_anonymous(client) -> bool:
    response = client.get(LIST)
    return not response.wsgi_request.user.is_authenticated and "Logg inn" in html_of(response)


@pytest.fixture
def staff(staff_user):
    return browser(staff_user)


@pytest.fixture
def kari(customer):
    """The customer's administrator."""
    return MembershipFactory(customer=customer, role=Role.ADMINISTRATOR, user__name="Kari Nordmann",
                             user__password=PASSWORD)


@pytest.fixture
def other_customer_member(branch):
    return MembershipFactory(customer=CustomerFactory(branch=branch, name="Annen Kunde AS"), role=Role.BUYER,
                             user__name="Per Olsen", user__password=PASSWORD)


@pytest.fixture
def ola(customer):
    """Kari's colleague, a buyer («Innkjøper»)."""
    return MembershipFactory(customer=customer, role=Role.BUYER, user__name="Ola Hansen", user__password=PASSWORD)


# --- «Brukere»: the customer's administrator ---------------------------------------------------------


def test_a_colleague_deactivated_in_brukere_is_shut_out_at_the_next_request(kari, ola, product):
    olas = browser(ola.user)
    assert BUY in warm(olas, LIST, ola.user) and PRICE in olas.get(LIST).content.decode()
    warm(olas, reverse("shop:cart"), ola.user)

    response = browser(kari.user).post(reverse("accounts:membership_deactivate", args=[ola.pk]), follow=True)
    assert "har ikke lenger tilgang" in html_of(response)

    assert olas.get(reverse("shop:cart")).status_code == 403
    html = html_of(olas.get(LIST))
    assert BUY not in html and PRICE not in html and ola.customer.name not in header(html)

    # …and back in at the next request once Kari restores the access.
    browser(kari.user).post(reverse("accounts:membership_reactivate", args=[ola.pk]))
    assert olas.get(reverse("shop:cart")).status_code == 200
    assert BUY in html_of(olas.get(LIST))


def test_a_buyer_made_read_only_in_brukere_loses_the_buy_buttons_at_the_next_request(kari, ola, product):
    olas = browser(ola.user)
    olas.post(reverse("shop:cart_add"), {"product": product.pk, "quantity": 2})
    assert BUY in warm(olas, LIST, ola.user)
    assert BUY in warm(olas, reverse("shop:product", args=[product.sku]), ola.user)
    assert "Til kassen" in warm(olas, reverse("shop:cart"), ola.user)

    browser(kari.user).post(reverse("accounts:membership_role", args=[ola.pk]), {"role": Role.READ_ONLY})

    assert BUY not in html_of(olas.get(LIST))
    html = html_of(olas.get(reverse("shop:cart")))
    assert "Til kassen" not in html and "Du har lesetilgang og kan ikke bestille" in html
    html = html_of(olas.get(reverse("shop:product", args=[product.sku])))
    assert BUY not in html and "Du har lesetilgang" in html
    assert olas.post(reverse("shop:cart_add"), {"product": product.pk, "quantity": 1}).status_code == 403


def test_brukere_menu_item_comes_and_goes_with_the_administrator_role(kari, ola, product):
    olas = browser(ola.user)
    assert USERS_LINK not in header(warm(olas, LIST, ola.user))
    karis = browser(kari.user)

    karis.post(reverse("accounts:membership_role", args=[ola.pk]), {"role": Role.ADMINISTRATOR})
    assert USERS_LINK in header(html_of(olas.get(LIST)))
    assert olas.get(reverse("accounts:users")).status_code == 200

    # Ola takes Kari's role away: Kari's very next page has no «Brukere» and the list is a 403.
    assert USERS_LINK in header(warm(karis, LIST, kari.user))
    olas.post(reverse("accounts:membership_role", args=[kari.pk]), {"role": Role.BUYER})
    assert USERS_LINK not in header(html_of(karis.get(LIST)))
    assert karis.get(reverse("accounts:users")).status_code == 403


def test_price_right_switched_off_in_brukere_hides_prices_on_the_next_page(kari, ola, product):
    olas = browser(ola.user)
    pages = [LIST, reverse("shop:product", args=[product.sku]), reverse("shop:search") + "?q=installasjonskabel"]
    for path in pages:
        assert PRICE in warm(olas, path, ola.user)

    response = browser(kari.user).post(
        reverse("accounts:membership_buying", args=[ola.pk]), {"order_limit": "", "can_see_prices": ""}
    )
    assert response.status_code == 302
    ola.refresh_from_db()
    assert not ola.can_see_prices

    for path in pages:
        html = html_of(olas.get(path))
        assert PRICE not in html and "Vis priser inkl. mva" not in html, path
        assert BUY in html, path  # ordering still works without prices


def test_a_membership_taken_up_through_bli_med_shows_at_the_next_request(kari, other_customer_member, product):
    """Kari invites someone who already works for another customer; they accept «Bli med» and their
    next page has both customers in the switcher."""
    karis = browser(kari.user)
    newcomer = other_customer_member.user
    theirs = browser(newcomer)
    assert kari.customer.name not in warm(theirs, LIST, newcomer)
    response = karis.post(reverse("accounts:user_add"), {"email": newcomer.email, "name": "Per Olsen",
                                                          "role": Role.BUYER, "can_see_prices": "on"})
    assert response.status_code == 302
    [offer] = services.membership_offers_for(newcomer)
    theirs.post(reverse("accounts:offers"), {"offer": offer.pk, "action": "accept"})
    html = header(html_of(theirs.get(LIST)))
    assert f"{kari.customer.number} {kari.customer.name}" in html and "Bytt kunde" in html


def test_vat_choice_in_the_header_shows_on_the_next_cached_page(ola, product):
    olas = browser(ola.user)
    assert PRICE in warm(olas, LIST, ola.user)
    olas.post(reverse("shop:vat_preference"), {"incl_vat": "1", "next": LIST})
    html = html_of(olas.get(LIST))
    assert "18,63 kr" in html and "inkl. mva" in html and PRICE not in html


# --- Django admin: staff ----------------------------------------------------------------------------


def test_user_deactivated_by_staff_in_admin_is_logged_out_at_the_next_request(staff, ola, product):
    olas = browser(ola.user)
    warm(olas, LIST, ola.user)
    warm(olas, reverse("shop:cart"), ola.user)

    admin_save(staff, reverse("admin:accounts_user_change", args=[ola.user.pk]), "user_form", is_active=False)
    ola.user.refresh_from_db()
    assert not ola.user.is_active

    assert is_anonymous(olas)
    response = olas.get(reverse("shop:cart"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_customer_closed_by_staff_in_admin_is_gone_from_its_members_next_request(staff, ola, product, branch):
    # Ola also works for a second customer: the next request acts for that one.
    second = MembershipFactory(user=ola.user, customer=CustomerFactory(branch=branch, name="Andre Elektro AS"))
    olas = browser(ola.user)
    assert ola.customer.name in header(warm(olas, LIST, ola.user))
    warm(olas, reverse("shop:cart"), ola.user)

    admin_save(
        staff, reverse("admin:accounts_customer_change", args=[ola.customer.pk]), "customer_form", is_active=False
    )
    ola.customer.refresh_from_db()
    assert not ola.customer.is_active

    html = html_of(olas.get(LIST))
    assert ola.customer.name not in html and second.customer.name in header(html)
    response = olas.get(reverse("shop:cart"))
    assert response.wsgi_request.tenant.customer == second.customer
    assert [m.customer for m in response.wsgi_request.tenant.memberships] == [second.customer]

    # A member of only the closed customer has no customer at all.
    only = MembershipFactory(customer=ola.customer, user__password=PASSWORD).user
    assert browser(only).get(reverse("shop:cart")).status_code == 403


def test_customer_moved_to_another_branch_in_admin_shows_that_branchs_stock_next(staff, ola, product):
    olas = browser(ola.user)
    assert "40 m på lager i" in warm(olas, LIST, ola.user)
    elsewhere = BranchFactory(name="Avdeling Tromsø")
    admin_save(
        staff, reverse("admin:accounts_customer_change", args=[ola.customer.pk]), "customer_form",
        branch=str(elsewhere.pk),
    )
    html = html_of(olas.get(LIST))
    assert "40 m på lager i" not in html and "Ikke i din avdeling" in html


def test_branch_renamed_in_admin_shows_in_its_customers_stock_lines_next(staff, ola, product, branch):
    olas = browser(ola.user)
    assert f"40 m på lager i {branch.name}" in warm(olas, LIST, ola.user)
    admin_save(staff, reverse("admin:accounts_branch_change", args=[branch.pk]), "branch_form", name="Elektro Sentrum")
    assert "40 m på lager i Elektro Sentrum" in html_of(olas.get(LIST))


def test_role_changed_on_the_membership_admin_page_shows_at_the_next_request(staff, ola, product):
    olas = browser(ola.user)
    assert BUY in warm(olas, LIST, ola.user)
    admin_save(staff, reverse("admin:accounts_membership_change", args=[ola.pk]), "membership_form",
               role=Role.READ_ONLY)
    assert BUY not in html_of(olas.get(LIST))
    admin_save(staff, reverse("admin:accounts_membership_change", args=[ola.pk]), "membership_form",
               is_active=False)
    assert olas.get(reverse("shop:cart")).status_code == 403


def test_user_deleted_in_admin_is_logged_out_at_the_next_request(staff, ola, product):
    olas = browser(ola.user)
    warm(olas, LIST, ola.user)
    staff_post(staff, reverse("admin:accounts_user_delete", args=[ola.user.pk]), {"post": "yes"})
    assert not User.objects.filter(pk=ola.user.pk).exists()
    assert is_anonymous(olas)


def test_membership_deleted_in_admin_is_gone_at_the_next_request(staff, ola, product):
    olas = browser(ola.user)
    warm(olas, reverse("shop:cart"), ola.user)
    staff_post(staff, reverse("admin:accounts_membership_delete", args=[ola.pk]), {"post": "yes"})
    assert not Membership.objects.filter(pk=ola.pk).exists()
    assert olas.get(reverse("shop:cart")).status_code == 403
    assert BUY not in html_of(olas.get(LIST))


# --- Passwords: every other session ends at its next request -----------------------------------------


def test_password_changed_in_one_browser_logs_the_other_out_at_its_next_request(ola, product):
    laptop, phone = browser(ola.user), browser(ola.user)
    warm(laptop, LIST, ola.user)
    warm(phone, LIST, ola.user)
    new = "Et-helt-nytt-passord-77"
    response = laptop.post(
        reverse("account_change_password"), {"oldpassword": PASSWORD, "password1": new, "password2": new}
    )
    assert response.status_code == 302
    assert is_anonymous(phone)


def test_password_set_by_staff_in_admin_logs_the_user_out_at_the_next_request(staff, ola, product):
    olas = browser(ola.user)
    warm(olas, LIST, ola.user)
    new = "Satt-av-IT-passord-88"
    staff_post(staff, reverse("admin:auth_user_password_change", args=[ola.user.pk]), {"password1": new, "password2": new})
    assert is_anonymous(olas)


def test_password_set_in_code_as_allauth_does_ends_other_sessions(ola, product):
    """`set_password` + `save()` (allauth's reset and change flows): Django's session hash check
    sees the new password although the user comes from the cache."""
    olas = browser(ola.user)
    warm(olas, LIST, ola.user)
    user = User.objects.get(pk=ola.user.pk)
    user.set_password("Nullstilt-passord-99")
    user.save()
    assert is_anonymous(olas)
    assert olas.get(LIST).wsgi_request.session.get("_auth_user_id") is None  # the session was ended


# --- The legacy import: bulk writes, no signals -------------------------------------------------------

CUSTOMERS_HEADER = "customer_number;name;branch_code;org_number;email;phone\n"
ACCOUNTS_HEADER = "username;customer_number;name;email;phone;password_hash;is_main_user;is_active\n"


@pytest.mark.parametrize("new_branch", [False, True], ids=["known-branch", "new-branch"])
def test_legacy_import_renaming_and_moving_a_customer_shows_at_the_next_request(ola, product, tmp_path, new_branch):
    """The import upserts customers with bulk_update, which sends no signal. (A branch it creates
    is saved one by one, so the second case would pass even without the importer's own call.)"""
    from migration.importer import legacy_import

    BranchFactory(code="TRD", name="Trondheim")
    code = "BOD" if new_branch else "TRD"
    olas = browser(ola.user)
    html = warm(olas, LIST, ola.user)
    assert ola.customer.name in header(html) and "40 m på lager i" in html
    customers = tmp_path / "customers.csv"
    customers.write_text(CUSTOMERS_HEADER + f"{ola.customer.number};Omdøpt Elektro AS;{code};;;\n", encoding="utf-8")
    accounts = tmp_path / "accounts.csv"
    accounts.write_text(ACCOUNTS_HEADER, encoding="utf-8")

    report = legacy_import(customers_path=customers, accounts_path=accounts)
    assert report.customers_updated == 1 and report.branches_created == int(new_branch)

    html = html_of(olas.get(LIST))
    assert "Omdøpt Elektro AS" in header(html)
    assert "40 m på lager i" not in html and "Ikke i din avdeling" in html  # now at the new branch


def test_legacy_import_dry_run_changes_nothing_a_member_sees(ola, product, tmp_path):
    from migration.importer import legacy_import

    olas = browser(ola.user)
    warm(olas, LIST, ola.user)
    customers = tmp_path / "customers.csv"
    customers.write_text(CUSTOMERS_HEADER + f"{ola.customer.number};Omdøpt Elektro AS;{ola.customer.branch.code};;;\n",
                         encoding="utf-8")
    accounts = tmp_path / "accounts.csv"
    accounts.write_text(ACCOUNTS_HEADER, encoding="utf-8")
    legacy_import(customers_path=customers, accounts_path=accounts, dry_run=True)
    html = html_of(olas.get(LIST))
    assert ola.customer.name in header(html) and "Omdøpt" not in html


# --- «Min konto» -------------------------------------------------------------------------------------


def test_name_changed_in_min_konto_shows_in_the_header_at_the_next_request(ola, product):
    olas = browser(ola.user)
    assert "Ola" in header(warm(olas, LIST, ola.user))
    olas.post(reverse("accounts:profile"), {"name": "Åsmund Berg", "phone": ""})
    html = header(html_of(olas.get(LIST)))
    assert "Åsmund" in html and "Ola" not in html


# --- The order of events: a reader between the write and its commit ----------------------------------


@pytest.mark.postgres
def test_a_page_read_while_a_deactivation_commits_is_not_kept(transactional_db, customer, product):
    """Another process that rebuilds the snapshot after the write but before its commit reads the old
    rows; the versions move again at the commit, so the request after the commit sees the change."""
    ola = MembershipFactory(customer=customer, role=Role.BUYER, user__password=PASSWORD)
    olas = browser(ola.user)
    assert BUY in warm(olas, LIST, ola.user)
    seen = {}

    def another_process():
        try:
            seen["html"] = html_of(olas.get(LIST))
        finally:
            connection.close()

    with transaction.atomic():
        services.membership_deactivate(membership=ola)
        assert Membership.objects.get(pk=ola.pk).is_active is False  # written, not committed
        reader = threading.Thread(target=another_process)
        reader.start()
        reader.join()
    assert BUY in seen["html"], "the reader should have seen the committed (old) rows"
    assert BUY not in html_of(olas.get(LIST))
    assert olas.get(reverse("shop:cart")).status_code == 403


@pytest.mark.postgres
def test_the_snapshot_lives_in_redis_in_the_postgres_run(buyer_member, product):
    """The PostgreSQL run is the production shape: the snapshot and the pages are in Redis."""
    import redis

    if not settings.REDIS_URL:
        pytest.fail("the PostgreSQL run needs REDIS_URL (the snapshot and page cache live in Redis)")
    warm(browser(buyer_member.user), LIST, buyer_member.user)
    client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    keys = {key.decode() for key in client.keys("*auth:*")}
    assert any(key.endswith(SNAPSHOT_KEY.format(buyer_member.user.pk)) for key in keys), keys
    assert client.keys("*shop:page:*")


# --- The deploy: sessions that name the library's backends (migration 0005) --------------------------


@pytest.mark.parametrize(
    "old_path",
    ["allauth.account.auth_backends.AuthenticationBackend", "django.contrib.auth.backends.ModelBackend"],
)
def test_a_session_saved_with_an_old_backend_path_stays_logged_in_after_migration_0005(ola, product, old_path):
    import importlib

    from django.apps import apps
    from django.contrib.auth import BACKEND_SESSION_KEY

    migration = importlib.import_module("accounts.migrations.0005_sessions_name_snapshot_backends")
    olas = browser(ola.user)
    warm(olas, LIST, ola.user)
    session = olas.session
    session[BACKEND_SESSION_KEY] = old_path  # as a session made before the deploy holds it
    session.save()  # into the database and the session cache (cached_db)
    assert is_anonymous(olas)  # the code of the deploy without the migration: nobody is logged in

    migration.rename(apps, None)

    response = olas.get(LIST)
    assert response.wsgi_request.user == ola.user and BUY in html_of(response)
    assert olas.session[BACKEND_SESSION_KEY] == migration.RENAMED[old_path]


# --- accounts.sessions: the session and its user's snapshot in one round trip -------------------------


def test_a_warm_page_asks_the_cache_once_for_the_session_and_who_is_looking(ola, product, monkeypatch):
    client = browser(ola.user)
    warm(client, LIST, ola.user)
    asked, depth = [], [0]
    for name in ("get", "get_many"):
        original = getattr(cache, name)

        def spy(keys, *args, _original=original, **kwargs):
            if not depth[0]:  # one call is one round trip (local memory's get_many calls get per key)
                asked.append([keys] if isinstance(keys, str) else list(keys))
            depth[0] += 1
            try:
                return _original(keys, *args, **kwargs)
            finally:
                depth[0] -= 1

        monkeypatch.setattr(cache, name, spy)
    response = client.get(LIST)
    assert response.wsgi_request.user == ola.user
    who = [keys for keys in asked if any("sessions" in k or k.startswith("auth:") for k in keys)]
    assert len(who) == 1, asked


def test_a_wrong_guess_of_the_sessions_user_shows_the_right_user(ola, kari, product):
    from accounts import sessions

    client = browser(ola.user)
    warm(client, LIST, ola.user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    sessions._users[key] = str(kari.user.pk)  # as if the process remembered another user for this key
    response = client.get(LIST)
    assert response.wsgi_request.user == ola.user
    assert "Ola" in header(html_of(response)) and "Kari" not in header(html_of(response))


def test_a_prefetch_is_never_used_by_a_later_request(ola, product):
    from accounts import snapshot

    client = browser(ola.user)
    warm(client, LIST, ola.user)
    # A request loaded the session and its snapshot keys (still valid now) but never asked who is looking ...
    snapshot.prefetch_set(ola.user.pk, cache.get_many(snapshot.keys_of(ola.user.pk)))
    ola.is_active = False
    ola.save()  # ... and the membership is deactivated before the next request
    response = client.get("/handlekurv/")
    assert response.status_code in (302, 403)


def test_the_old_session_key_after_logout_is_anonymous(ola, product):
    client = browser(ola.user)
    warm(client, LIST, ola.user)
    old = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("account_logout"))
    stale = SecondFactorClient()
    stale.cookies[settings.SESSION_COOKIE_NAME] = old
    assert is_anonymous(stale)
