"""seed_bench at tiny sizes: the data it writes is consistent, so the benchmarks cannot rot."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.test import Client

from accounts.models import Branch, Customer, Membership, User
from bench.seed import BENCH_CUSTOMER, BENCH_LOGIN, BENCH_PASSWORD, CART_LINES, LEGACY_PASSWORD
from migration.hashers import legacy_check_password
from migration.models import EventKind, LegacyAccount, MigrationEvent
from shop.models import CartLine, CustomerDiscount, CustomerNetPrice, Order, OrderLine, Product, Stock
from tests.migration.conftest import is_weak_stored

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SIZES = ["--products", "200", "--customers", "20", "--orders", "50", "--legacy-accounts", "60", "--seed", "7"]


@pytest.fixture
def seeded():
    call_command("seed_bench", *SIZES, stdout=io.StringIO())


def test_every_product_has_a_stock_row_per_branch(seeded):
    branches = Branch.objects.filter(code__startswith="B-").count()
    assert Product.objects.count() == 200
    assert branches > 1
    assert Stock.objects.count() == 200 * branches
    assert not Product.objects.annotate(n=Count("stock")).exclude(n=branches).exists()


def test_prices_point_at_existing_products_and_customers(seeded):
    assert CustomerNetPrice.objects.exists() and CustomerDiscount.objects.exists()
    assert CustomerNetPrice.objects.filter(product__isnull=True).count() == 0
    assert not CustomerNetPrice.objects.exclude(product_id__in=Product.objects.values("pk")).exists()
    groups = set(Product.objects.values_list("discount_group", flat=True))
    assert set(CustomerDiscount.objects.values_list("discount_group", flat=True)) <= groups
    # Net prices are below list price, discounts are sensible percentages.
    assert all(np.price < np.product.list_price for np in CustomerNetPrice.objects.select_related("product"))
    assert not CustomerDiscount.objects.filter(percent__gt=100).exists()


def test_orders_have_lines_and_totals_equal_the_sum_of_lines(seeded):
    orders = Order.objects.annotate(line_sum=Sum("lines__line_total"), n=Count("lines"))
    assert orders.count() == 50
    for order in orders:
        assert order.n > 0
        assert order.line_sum == order.total_excl_vat
        assert order.total_incl_vat == order.total_excl_vat + order.vat
        assert order.user.memberships.filter(customer=order.customer).exists()
    for line in OrderLine.objects.select_related("product")[:100]:
        assert line.line_total == line.unit_price * line.quantity
        assert line.sku == line.product.sku


def test_every_customer_has_users_with_memberships_and_products_are_valid(seeded):
    assert Customer.objects.count() == 20
    has_member = Membership.objects.filter(customer=OuterRef("pk"))
    assert not Customer.objects.exclude(Exists(has_member)).exists()
    for product in Product.objects.all():
        product.full_clean(exclude=["category"])  # EL-nummer 7 digits, EAN-13 with a valid check digit
        assert product.search_document


def test_the_bench_customer_logs_in_and_sees_its_cart_and_orders(seeded):
    user = User.objects.get(email=BENCH_LOGIN)
    assert user.check_password(BENCH_PASSWORD)
    assert CartLine.objects.filter(cart__user=user).count() == min(CART_LINES, 200)
    client = Client()
    assert client.login(email=BENCH_LOGIN, password=BENCH_PASSWORD)
    cart = client.get("/handlekurv/")
    assert cart.status_code == 200
    orders = client.get("/ordre/")
    assert orders.status_code == 200 and orders.context["page"].paginator.count == Order.objects.filter(
        customer__number=BENCH_CUSTOMER
    ).count()


def test_legacy_accounts_three_per_customer_mostly_with_email_and_no_weak_hash_at_rest(seeded):
    accounts = LegacyAccount.objects.select_related("customer")
    assert accounts.count() == 60
    per_customer = Customer.objects.annotate(
        n=Count("legacy_accounts"), mains=Count("legacy_accounts", filter=Q(legacy_accounts__is_main_user=True))
    )
    assert {c.n for c in per_customer} == {3}
    assert {c.mains for c in per_customer} == {1}
    with_email = accounts.exclude(email="")
    assert with_email.count() >= 45
    assert all(a.email.endswith("@bench.example.no") for a in with_email)
    assert len({a.email.lower() for a in with_email}) == with_email.count()
    # What import_legacy leaves once its wrap step has run: argon2 over the keyed legacy digest, never
    # the export's weak hash; the legacy gate accepts the old password.
    passwords = set(accounts.values_list("password", flat=True))
    assert len(passwords) == 1
    stored = passwords.pop()
    assert stored.startswith("legacy_sha1_hmac_argon2$") and not is_weak_stored(stored)
    assert legacy_check_password(LEGACY_PASSWORD, stored)
    assert not legacy_check_password("feil", stored)
    assert set(accounts.values_list("state", flat=True)) == {"imported"}
    imported = MigrationEvent.objects.filter(kind=EventKind.IMPORTED)
    assert imported.count() == 60
    assert not imported.exclude(customer_id=F("account__customer_id")).exists()


def test_reset_removes_the_legacy_accounts_and_their_events(seeded):
    from bench.seed import bench_data_counts, bench_reset

    assert bench_data_counts()["brukere i dagens nettbutikk"] == 60
    bench_reset()
    assert not any(bench_data_counts().values())
    assert not LegacyAccount.objects.exists() and not MigrationEvent.objects.exists()


def test_same_seed_gives_the_same_data_and_a_second_run_refuses_until_reset(seeded):
    first = list(Product.objects.order_by("sku").values_list("sku", "name", "ean", "list_price")[:50])
    with pytest.raises(CommandError, match="--reset"):
        call_command("seed_bench", *SIZES)
    call_command("seed_bench", *SIZES, "--reset", stdout=io.StringIO())
    assert list(Product.objects.order_by("sku").values_list("sku", "name", "ean", "list_price")[:50]) == first
    assert Order.objects.count() == 50
