"""The seeder: one phase per table, every random choice from one `random.Random(seed)`."""

import random
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from types import SimpleNamespace

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Branch, Customer, Membership, Role, User
from migration.models import LegacyAccount, MigrationEvent
from shop.demo import CATALOGUE, ean13
from shop.models import (
    Address,
    Cart,
    CartLine,
    Category,
    CustomerDiscount,
    CustomerNetPrice,
    Order,
    OrderLine,
    Product,
    Stock,
)

from .data import (
    BENCH_CUSTOMER_ORDERS,
    BENCH_DOMAIN,
    BENCH_LOGIN,
    BENCH_PASSWORD,
    BRANCH_PREFIX,
    BRANCHES,
    CART_LINES,
    COMPANY_FORMS,
    CUSTOMER_PREFIX,
    EXTRA_CATALOGUE,
    EXTRAS,
    FIRST_NAMES,
    LAST_NAMES,
    SEARCH_INDEXES,
    SERIES_LETTERS,
    SKU_PREFIX,
    STREETS,
    VAT_PERCENT,
    SeedReport,
    Sizes,
)
from .legacy import LegacySeeding
from .sql import _ascii, _copy, _money, _next_id, _ore, _sync_sequence


class Seeder(LegacySeeding):
    def __init__(self, sizes: Sizes, seed: int = 1, log: Callable[[str], None] = print):
        self.sizes = sizes
        self.rng = random.Random(seed)
        # A generator of its own, so adding legacy accounts leaves every other table as it was.
        self.legacy_rng = random.Random(f"legacy-{seed}")
        self.log = log
        self.report = SeedReport()
        self.now = timezone.now().replace(microsecond=0)

    def _phase(self, name: str, func: Callable[[], int]) -> None:
        started = time.perf_counter()
        count = func()
        elapsed = time.perf_counter() - started
        self.report.counts[name] = count
        self.report.timings.append((name, elapsed))
        rate = f", {count / elapsed:,.0f} rader/s" if elapsed > 0 and count else ""
        self.log(f"  {name:<22} {count:>10,} rader på {elapsed:6.1f} s{rate}")

    def run(self) -> SeedReport:
        if connection.vendor != "postgresql":
            raise RuntimeError("seed_bench trenger PostgreSQL (skriver med COPY).")
        started = time.perf_counter()
        with transaction.atomic():
            self._phase("avdelinger", self.branches)
            self._phase("kategorier", self.categories)
            self._phase("produkter", self.products)
            self._phase("lager", self.stock)
            self._phase("kunder", self.customers)
            self._phase("adresser", self.addresses)
            self._phase("brukere", self.users)
            self._phase("medlemskap", self.memberships)
            if self.sizes.legacy_accounts:
                self._phase("brukere i dagens nb.", self.legacy_accounts)
                self._phase("hendelser (import)", self.legacy_events)
            self._phase("rabatter", self.discounts)
            self._phase("nettopriser", self.net_prices)
            self._phase("ordre", self.orders)
            self._phase("ordrelinjer", self.order_lines)
            self._phase("handlekurv", self.cart)
            for model in (Product, Stock, Customer, Address, User, Membership, CustomerDiscount,
                          CustomerNetPrice, Order, OrderLine, Cart, CartLine, LegacyAccount, MigrationEvent):
                _sync_sequence(model)
            commit_started = time.perf_counter()
        # The commit checks Django's deferred foreign keys: one check per written row.
        elapsed = time.perf_counter() - commit_started
        self.report.timings.append(("commit", elapsed))
        self.log(f"  {'commit (FK-sjekk)':<22} {'':>10}      på {elapsed:6.1f} s")
        self._phase("vacuum analyze", self.analyze)
        self.report.timings.append(("totalt", time.perf_counter() - started))
        return self.report

    # Branches and categories: few rows, through the ORM.

    def branches(self) -> int:
        self.branch_list = Branch.objects.bulk_create(
            Branch(
                code=f"{BRANCH_PREFIX}{code}",
                name=name,
                email=f"{_ascii(name)}@{BENCH_DOMAIN}",
                phone=f"+47 {self.rng.randint(20, 79)} {self.rng.randint(10, 99)} {self.rng.randint(10, 99)} {self.rng.randint(10, 99)}",
                street=f"{self.rng.choice(STREETS)} {self.rng.randint(1, 80)}",
                postal_code=postal,
                city=name,
            )
            for code, name, postal in BRANCHES
        )
        return len(self.branch_list)

    def categories(self) -> int:
        existing = {c.slug: c for c in Category.objects.all()}
        self.leaves = []  # (category, path names, catalogue entry)
        created = 0
        for position, entry in enumerate([*CATALOGUE, *EXTRA_CATALOGUE]):
            parent, names = None, []
            for depth, name in enumerate(entry[0].split("/")):
                names.append(name)
                slug = slugify(f"{parent.slug}-{name}" if parent else name)
                category = existing.get(slug)
                if category is None:
                    category = Category.objects.create(
                        name=name, slug=slug, parent=parent, position=position if depth == 0 else len(existing)
                    )
                    existing[slug] = category
                    created += 1
                parent = category
            self.leaves.append((parent, list(names), entry))
        return created

    # The big tables: generated in Python, written with COPY.

    def products(self) -> int:
        rng = self.rng
        first_id = _next_id(Product)
        self.product_ids, self.product_list, self.product_group = [], [], {}
        names = ["id", "sku", "el_number", "ean", "name", "description", "manufacturer", "manufacturer_sku",
                 "unit", "list_price", "discount_group", "category_id", "is_active", "search_document"]
        el_numbers = rng.sample(range(1_000_000, 9_999_999), self.sizes.products)
        ean_bodies = rng.sample(range(0, 10_000_000_000), self.sizes.products)
        self.product_price = {}

        def rows():
            for i in range(self.sizes.products):
                pk = first_id + i
                category, path, (_p, manufacturers, unit, group, templates, variants) = self.leaves[
                    i % len(self.leaves)
                ]
                template, base = rng.choice(templates)
                manufacturer = rng.choice(manufacturers)
                series = f"{manufacturer[:2].upper()}{rng.choice(SERIES_LETTERS)}{rng.randint(10, 999)}"
                extra = rng.choice(EXTRAS[unit] if unit in EXTRAS else EXTRAS["stk"])
                name = f"{manufacturer} {template.format(v=rng.choice(variants))}"
                name = f"{name} {extra} {series}" if extra and extra not in name else f"{name} {series}"
                price = _ore(base * rng.uniform(0.6, 2.5))
                sku = f"{SKU_PREFIX}{100001 + i}"
                el = str(el_numbers[i])
                ean = ean13(f"70{ean_bodies[i]:010d}")
                description = (
                    f"{name}. {path[-1]} fra {manufacturer} til profesjonell elinstallasjon. "
                    f"Leveres som {unit}. Følger gjeldende NEK 400."
                )
                product = SimpleNamespace(
                    name=name, manufacturer=manufacturer, manufacturer_sku=series, sku=sku,
                    el_number=el, ean=ean,
                )
                document = Product.build_search_document(product, path)
                is_active = rng.random() > 0.02
                if is_active:
                    self.product_list.append(pk)
                self.product_ids.append(pk)
                self.product_price[pk] = (price, group, sku, el, name[:200], unit)
                yield (pk, sku, el, ean, name[:200], description, manufacturer, series, unit, _money(price),
                       group, category.pk, is_active, document)

        # Building the GIN search indexes once afterwards is several times faster than keeping
        # them up to date row by row (same statements as migration 0002).
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS shop_product_search_fts")
            cursor.execute("DROP INDEX IF EXISTS shop_product_search_trgm")
        count = _copy(Product, names, rows())
        with connection.cursor() as cursor:
            # Django's foreign keys are deferred; check them now so the index can be built.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for sql in SEARCH_INDEXES:
                cursor.execute(sql)
        self.groups = sorted({entry[3] for _c, _n, entry in self.leaves})
        # A skewed popularity: a few products sell far more than the rest.
        weights = [1.0 / (rank + 10) for rank in range(len(self.product_list))]
        self.rng.shuffle(self.product_list)
        self.popular_cum = list(_accumulate(weights))
        return count

    def stock(self) -> int:
        rng = self.rng
        branch_ids = [b.pk for b in self.branch_list]

        def rows():
            for pk in self.product_ids:
                for branch_id in branch_ids:
                    yield (pk, branch_id, 0 if rng.random() < 0.3 else rng.randint(1, 500))

        return _copy(Stock, ["product_id", "branch_id", "quantity"], rows())

    def customers(self) -> int:
        rng = self.rng
        first_id = _next_id(Customer)
        self.customer_ids = []
        self.customer_branch = {}

        def rows():
            for i in range(self.sizes.customers):
                pk = first_id + i
                branch = self.branch_list[0] if i == 0 else rng.choice(self.branch_list)
                self.customer_ids.append(pk)
                self.customer_branch[pk] = branch
                owner = rng.choice(LAST_NAMES) if rng.random() < 0.6 else branch.city
                name = f"{owner} {rng.choice(COMPANY_FORMS)}"
                yield (pk, f"{CUSTOMER_PREFIX}{i + 1:06d}", name, branch.pk, f"9{rng.randint(10_000_000, 99_999_999)}",
                       f"post{i + 1}@{BENCH_DOMAIN}", f"+47 {rng.randint(40_000_000, 99_999_999)}", True, self.now)

        return _copy(Customer, ["id", "number", "name", "branch_id", "org_number", "email", "phone", "is_active",
                                "created_at"], rows())

    def addresses(self) -> int:
        rng = self.rng
        first_id = _next_id(Address)
        self.customer_address = {}

        def rows():
            for i, customer_id in enumerate(self.customer_ids):
                branch = self.customer_branch[customer_id]
                street = f"{rng.choice(STREETS)} {rng.randint(1, 150)}"
                self.customer_address[customer_id] = (first_id + i, "Varemottak", street, branch.postal_code, branch.city)
                yield (first_id + i, "Varemottak", street, branch.postal_code, branch.city, True, self.now, customer_id)

        return _copy(Address, ["id", "name", "street", "postal_code", "city", "is_active", "created_at", "customer_id"],
                     rows())

    def users(self) -> int:
        rng = self.rng
        first_id = _next_id(User)
        password = make_password(BENCH_PASSWORD)
        self.customer_users: dict[int, list[int]] = {}

        def rows():
            pk = first_id
            for i, customer_id in enumerate(self.customer_ids):
                how_many = rng.choices([1, 2, 3, 5], weights=[50, 30, 15, 5])[0]
                for n in range(how_many):
                    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                    email = BENCH_LOGIN if (i == 0 and n == 0) else f"{_ascii(first)}.{_ascii(last)}.{pk}@{BENCH_DOMAIN}"
                    self.customer_users.setdefault(customer_id, []).append(pk)
                    yield (pk, password, False, email, f"{first} {last}", "", True, False, self.now, False)
                    pk += 1

        return _copy(User, ["id", "password", "is_superuser", "email", "name", "phone", "is_active", "is_staff",
                            "date_joined", "prices_incl_vat"], rows())

    def memberships(self) -> int:
        rng = self.rng

        def rows():
            for customer_id, user_ids in self.customer_users.items():
                for n, user_id in enumerate(user_ids):
                    role = Role.ADMINISTRATOR if n == 0 else rng.choice([Role.BUYER, Role.BUYER, Role.READ_ONLY])
                    yield (user_id, customer_id, role, True, self.now, True)

        return _copy(Membership, ["user_id", "customer_id", "role", "is_active", "created_at", "can_see_prices"], rows())

    def discounts(self) -> int:
        rng = self.rng
        self.customer_discount: dict[int, dict[str, int]] = {}

        def rows():
            for i, customer_id in enumerate(self.customer_ids):
                if i != 0 and rng.random() > 0.7:
                    continue
                chosen = rng.sample(self.groups, rng.randint(3, min(12, len(self.groups))))
                percents = {group: rng.randint(5, 45) for group in chosen}
                self.customer_discount[customer_id] = percents
                for group, percent in percents.items():
                    yield (customer_id, group, percent)

        return _copy(CustomerDiscount, ["customer_id", "discount_group", "percent"], rows())

    def net_prices(self) -> int:
        rng = self.rng
        self.net: dict[tuple[int, int], int] = {}

        def rows():
            for i, customer_id in enumerate(self.customer_ids):
                if i != 0 and rng.random() > 0.25:
                    continue
                how_many = min(2000 if i == 0 else rng.randint(10, 80), len(self.product_ids))
                picks = set(self._popular(how_many)) | set(rng.sample(self.product_ids, how_many // 4))
                for product_id in picks:
                    price = max(1, int(self.product_price[product_id][0] * rng.uniform(0.45, 0.9)))
                    self.net[(customer_id, product_id)] = price
                    yield (customer_id, product_id, _money(price))

        return _copy(CustomerNetPrice, ["customer_id", "product_id", "price"], rows())

    def _popular(self, k: int) -> list[int]:
        return self.rng.choices(self.product_list, cum_weights=self.popular_cum, k=k)

    def _unit_price(self, customer_id: int, product_id: int) -> int:
        net = self.net.get((customer_id, product_id))
        if net is not None:
            return net
        list_price, group = self.product_price[product_id][:2]
        percent = self.customer_discount.get(customer_id, {}).get(group)
        if percent:
            return (list_price * (100 - percent) + 50) // 100
        return list_price

    def orders(self) -> int:
        rng = self.rng
        first_id = _next_id(Order)
        total = self.sizes.orders
        own = min(BENCH_CUSTOMER_ORDERS, total, max(1, total // 20))
        # Big customers order far more often than small ones.
        weights = list(_accumulate(1.0 / (rank + 5) ** 0.7 for rank in range(len(self.customer_ids))))
        others = rng.choices(self.customer_ids, cum_weights=weights, k=total - own)
        order_customers = [self.customer_ids[0]] * own + others
        self.order_lines_plan = []
        statuses = [s for s, _label in Order.Status.choices]

        def rows():
            for i, customer_id in enumerate(order_customers):
                pk = first_id + i
                created = self.now - timedelta(seconds=rng.randint(0, 730 * 86400))
                age_days = (self.now - created).days
                status = rng.choice(statuses[:3]) if age_days < 7 else (
                    Order.Status.CANCELLED if rng.random() < 0.02 else Order.Status.DELIVERED
                )
                branch = self.customer_branch[customer_id]
                lines = []
                for product_id in set(self._popular(rng.choice([1, 1, 2, 3, 4, 5, 6, 8, 10, 12]))):
                    quantity = rng.choice([1, 1, 2, 5, 10, 25, 50, 100])
                    unit_price = self._unit_price(customer_id, product_id)
                    lines.append((product_id, quantity, unit_price))
                self.order_lines_plan.append((pk, lines))
                total_ore = sum(q * u for _p, q, u in lines)
                vat = (total_ore * VAT_PERCENT + 50) // 100
                pickup = rng.random() < 0.2
                address = self.customer_address[customer_id]
                yield (
                    pk, customer_id, branch.pk, rng.choice(self.customer_users[customer_id]),
                    uuid.UUID(int=rng.getrandbits(128), version=4), status,
                    Order.Delivery.PICKUP if pickup else Order.Delivery.DELIVERY,
                    None if pickup else address[0],
                    "" if pickup else address[1], "" if pickup else address[2],
                    "" if pickup else address[3], "" if pickup else address[4],
                    branch.pk if pickup else None,
                    rng.choice(["", "", "Prosjekt Solsiden", "Bolig 14B", f"PO-{rng.randint(1000, 9999)}"]),
                    "", _money(total_ore), _money(vat), _money(total_ore + vat), created, "",
                )

        return _copy(
            Order,
            ["id", "customer_id", "branch_id", "user_id", "idempotency_token", "status", "delivery_method",
             "address_id", "delivery_name", "delivery_street", "delivery_postal_code", "delivery_city",
             "pickup_branch_id", "reference", "comment", "total_excl_vat", "vat", "total_incl_vat",
             "created_at", "rejection_reason"],
            rows(),
        )

    def order_lines(self) -> int:
        def rows():
            for order_id, lines in self.order_lines_plan:
                for product_id, quantity, unit_price in lines:
                    list_price, _group, sku, el, name, unit = self.product_price[product_id]
                    yield (order_id, product_id, sku, el, name, unit, quantity, _money(list_price),
                           _money(unit_price), _money(unit_price * quantity))

        count = _copy(
            OrderLine,
            ["order_id", "product_id", "sku", "el_number", "name", "unit", "quantity", "list_price",
             "unit_price", "line_total"],
            rows(),
        )
        del self.order_lines_plan
        return count

    def cart(self) -> int:
        customer_id = self.customer_ids[0]
        user_id = self.customer_users[customer_id][0]
        cart = Cart.objects.create(customer_id=customer_id, user_id=user_id)
        picks = list(dict.fromkeys(self._popular(CART_LINES * 3)))[:CART_LINES]
        CartLine.objects.bulk_create(
            CartLine(cart=cart, product_id=pk, quantity=self.rng.choice([1, 2, 5, 10, 50])) for pk in picks
        )
        return len(picks)

    def analyze(self) -> int:
        # Fresh statistics and visibility maps, or the planner guesses on 10^6-row tables.
        tables = [m._meta.db_table for m in (Product, Stock, Customer, Address, User, Membership,
                                               CustomerDiscount, CustomerNetPrice, Order, OrderLine,
                                               Category, Cart, CartLine, LegacyAccount, MigrationEvent)]
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"VACUUM ANALYZE {table}")  # noqa: S608
        return len(tables)


def _accumulate(values):
    total = 0.0
    for value in values:
        total += value
        yield total
