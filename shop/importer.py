"""Catalogue import from the CSV format in PRODUCT.md, in bulk.

`sku;el_number;ean;name;description;manufacturer;manufacturer_sku;unit;list_price;category_path;discount_group`

Idempotent: products are matched by SKU and updated, never duplicated; unchanged rows are not
written. Bad rows are reported with their line number and reason; good rows still load.
"""

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.text import slugify

from .caching import catalogue_changed
from .models import Category, Product, gtin_is_valid

COLUMNS = [
    "sku",
    "el_number",
    "ean",
    "name",
    "description",
    "manufacturer",
    "manufacturer_sku",
    "unit",
    "list_price",
    "category_path",
    "discount_group",
]
REQUIRED = ["sku", "name", "list_price", "category_path"]
FIELDS = [
    "el_number",
    "ean",
    "name",
    "description",
    "manufacturer",
    "manufacturer_sku",
    "unit",
    "list_price",
    "discount_group",
    "category_id",
    "is_active",
    "search_document",
]
BATCH = 1000
# bulk_update writes one CASE WHEN per field with a branch per row: its cost grows with the batch
# size squared, so updates go in smaller batches than inserts (10k changed prices: 45 s → a few s).
UPDATE_BATCH = 100
MAX_LENGTHS = {f.name: f.max_length for f in Product._meta.fields if getattr(f, "max_length", None)}


@dataclass
class ImportProblem:
    line: int
    reason: str

    def __str__(self):
        return f"linje {self.line}: {self.reason}"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def parse_price(text: str) -> Decimal:
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    if "," in cleaned and "." in cleaned:  # 1.234,50 → 1234.50
        cleaned = cleaned.replace(".", "").replace(",", ".")
    else:
        cleaned = cleaned.replace(",", ".")
    value = Decimal(cleaned)
    if not value.is_finite() or value < 0 or value >= Decimal("1e10"):
        raise InvalidOperation
    return value.quantize(Decimal("0.01"))


class CategoryResolver:
    """Category paths like `Kabel/Installasjonskabel` to categories, created as needed (cached)."""

    def __init__(self, *, dry_run: bool = False):
        self.dry_run = dry_run
        self.by_key = {}  # (parent_id, name lower) → Category
        self.names = {}  # category id → [names from the root]
        self.slugs = set()
        for category in Category.objects.all():
            self.by_key[(category.parent_id, category.name.lower())] = category
            self.slugs.add(category.slug)
        self._fake_id = -1

    def resolve(self, path: str):
        parts = [part.strip()[:120] for part in path.split("/") if part.strip()]
        parent, names = None, []
        for position, name in enumerate(parts):
            names.append(name)
            key = (parent.pk if parent else None, name.lower())
            category = self.by_key.get(key)
            if category is None:
                category = Category(
                    name=name, parent=parent, position=position, slug=self._slug(parent, name)
                )
                if self.dry_run:
                    category.pk = self._fake_id
                    self._fake_id -= 1
                else:
                    category.save()
                self.by_key[key] = category
            self.names[category.pk] = list(names)
            parent = category
        return parent

    def _slug(self, parent, name):
        base = slugify(f"{parent.slug}-{name}" if parent else name)[:130] or "kategori"
        slug, n = base, 2
        while slug in self.slugs:
            slug, n = f"{base}-{n}", n + 1
        self.slugs.add(slug)
        return slug


def _row_problem(row: dict) -> str | None:
    for name in REQUIRED:
        if not row.get(name):
            return f"{name} mangler"
    for name, value in row.items():
        limit = MAX_LENGTHS.get(name)
        if limit and value and len(value) > limit:
            return f"{name} er for lang (høyst {limit} tegn)"
    if row["el_number"] and not (row["el_number"].isdigit() and len(row["el_number"]) == 7):
        return f"ugyldig EL-nummer «{row['el_number']}» (må ha 7 sifre)"
    if row["ean"] and not gtin_is_valid(row["ean"]):
        return f"ugyldig EAN «{row['ean']}» (feil lengde eller kontrollsiffer)"
    return None


def catalogue_import(
    lines,
    *,
    dry_run: bool = False,
    deactivate_missing: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import catalogue CSV text lines (an open file); returns what happened, row by row problems.

    With `deactivate_missing`, active products whose SKU is not in the file stop being sold (they
    stay in the database for order history and «Bestill på nytt» to report them).
    """
    report = ImportReport()
    reader = csv.DictReader(lines, delimiter=";")
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        report.problems.append(ImportProblem(1, f"mangler kolonner: {', '.join(missing)}"))
        return report
    reader.fieldnames = header

    existing = {p.sku: p for p in Product.objects.all()}
    el_owner = {p.el_number: p.sku for p in existing.values() if p.el_number}
    ean_owner = {p.ean: p.sku for p in existing.values() if p.ean}
    categories = CategoryResolver(dry_run=dry_run)
    seen: set[str] = set()
    mentioned: set[str] = set()  # SKUs of every row, good or bad
    to_create, to_update = [], []
    changed_fields: set[str] = set()  # only these are written for updated products

    for count, row in enumerate(reader, start=1):
        line = reader.line_num
        if progress and count % 500 == 0:
            progress(count)
        if None in row:  # more cells than columns
            report.problems.append(ImportProblem(line, "for mange felt (sjekk skilletegn ;)"))
            continue
        row = {k: (v or "").strip() for k, v in row.items() if k in COLUMNS}
        if not any(row.values()):
            continue
        problem = _row_problem(row)
        sku = row["sku"]
        mentioned.add(sku)
        if problem is None and sku in seen:
            problem = f"varenummer {sku} står flere ganger i filen"
        price = None
        if problem is None:
            try:
                price = parse_price(row["list_price"])
            except (InvalidOperation, ValueError):
                problem = f"ugyldig pris «{row['list_price']}»"
        if problem is None and row["el_number"] and el_owner.get(row["el_number"], sku) != sku:
            problem = f"EL-nummer {row['el_number']} tilhører allerede vare {el_owner[row['el_number']]}"
        if problem is None and row["ean"] and ean_owner.get(row["ean"], sku) != sku:
            problem = f"EAN {row['ean']} tilhører allerede vare {ean_owner[row['ean']]}"
        if problem is not None:
            report.problems.append(ImportProblem(line, problem))
            continue
        seen.add(sku)
        category = categories.resolve(row["category_path"])
        product = existing.get(sku) or Product(sku=sku)
        is_new = product.pk is None
        old = {name: getattr(product, name) for name in FIELDS} if not is_new else None
        # Numbers that this product gives up become free for later rows.
        if not is_new:
            if product.el_number and product.el_number != row["el_number"]:
                el_owner.pop(product.el_number, None)
            if product.ean and product.ean != row["ean"]:
                ean_owner.pop(product.ean, None)
        product.el_number = row["el_number"]
        product.ean = row["ean"]
        product.name = row["name"]
        product.description = row["description"]
        product.manufacturer = row["manufacturer"]
        product.manufacturer_sku = row["manufacturer_sku"]
        product.unit = row["unit"] or "stk"
        product.list_price = price
        product.discount_group = row["discount_group"]
        product.category_id = category.pk
        product.is_active = True
        product.search_document = product.build_search_document(categories.names[category.pk])
        if product.el_number:
            el_owner[product.el_number] = sku
        if product.ean:
            ean_owner[product.ean] = sku
        if is_new:
            to_create.append(product)
            existing[sku] = product
            report.created += 1
        elif old != (new := {name: getattr(product, name) for name in FIELDS}):
            changed_fields.update(name for name in FIELDS if old[name] != new[name])
            to_update.append(product)
            report.updated += 1
        else:
            report.unchanged += 1
    if progress:
        progress(report.total + len(report.problems))

    missing = []
    if deactivate_missing:
        # A product whose row was bad is kept as it is; a file with no good row deactivates nothing.
        missing = [
            p.pk for sku, p in existing.items() if seen and sku not in mentioned and p.pk and p.is_active
        ]
        report.deactivated = len(missing)
    if not dry_run:
        with transaction.atomic():
            # Updates first: a product giving up an EL-nummer or EAN frees it for a new one.
            if to_update:
                fields = [name for name in FIELDS if name in changed_fields]
                Product.objects.bulk_update(to_update, fields, batch_size=UPDATE_BATCH)
            Product.objects.bulk_create(to_create, batch_size=BATCH)
            for start in range(0, len(missing), BATCH):
                Product.objects.filter(pk__in=missing[start : start + BATCH]).update(is_active=False)
        if to_update or to_create or missing:
            # Bulk writes send no signals: cached list counts and facets must go explicitly.
            catalogue_changed()
    return report
