"""A few hundred realistic electrical products in categories, with stock per branch, a few pictures
and a datasheet (idempotent)."""

import random
from decimal import Decimal

from django.utils.text import slugify

from accounts.models import Branch, Customer

from .demo_media import seed_media
from .models import Address, Category, CustomerDiscount, CustomerNetPrice, Product, Stock


def ean13(body12: str) -> str:
    """Append the GTIN-13 check digit to a 12-digit body."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


# (category path, manufacturer(s), unit, discount group, [(name template, base price)], variants)
CATALOGUE = [
    (
        "Kabel/Installasjonskabel",
        ["Nexans", "Draka"],
        "m",
        "K10",
        [("PFSP {v} 500V installasjonskabel", 14.9), ("PFXP {v} halogenfri installasjonskabel", 19.5)],
        ["2x1,5 mm²", "3G1,5 mm²", "3G2,5 mm²", "4G2,5 mm²", "5G1,5 mm²", "5G2,5 mm²", "3G4 mm²", "5G6 mm²"],
    ),
    (
        "Kabel/Jordkabel",
        ["Nexans", "Draka"],
        "m",
        "K10",
        [("TFXP {v} 1 kV jordkabel", 39.0)],
        ["4x10/10 mm²", "4x16/16 mm²", "4x25/16 mm²", "4x50/25 mm²", "4x95/35 mm²"],
    ),
    (
        "Kabel/Fleksibel ledning",
        ["Nexans"],
        "m",
        "K10",
        [("H07RN-F {v} gummikabel", 24.0), ("RKUB {v} skjøteledning", 11.5)],
        ["3G1,5 mm²", "3G2,5 mm²", "5G2,5 mm²", "5G4 mm²"],
    ),
    (
        "Installasjonsmateriell/Stikkontakter",
        ["Elko", "Schneider Electric"],
        "stk",
        "I20",
        [("Stikkontakt {v} hvit", 89.0), ("Stikkontakt {v} med jord, antrasitt", 119.0)],
        ["1-veis", "2-veis", "3-veis", "1-veis IP44", "2-veis IP44"],
    ),
    (
        "Installasjonsmateriell/Brytere",
        ["Elko", "Schneider Electric"],
        "stk",
        "I20",
        [("Bryter {v} hvit", 79.0), ("Lysdimmer {v} LED", 549.0)],
        ["1-pol", "2-pol", "trapp", "kryss", "1-pol IP44"],
    ),
    (
        "Installasjonsmateriell/Koblingsbokser",
        ["Wiska", "Hensel"],
        "stk",
        "I20",
        [("Koblingsboks {v} grå", 49.0)],
        ["IP55 75x75", "IP55 100x100", "IP66 150x110", "IP66 190x150", "IP67 250x200"],
    ),
    (
        "Sikringer og vern/Automatsikringer",
        ["ABB", "Hager", "Eaton"],
        "stk",
        "S30",
        [("Automatsikring {v}", 129.0)],
        ["1P C10", "1P C16", "1P C20", "2P C16", "2P C32", "3P C16", "3P C25", "3P C40"],
    ),
    (
        "Sikringer og vern/Jordfeilbrytere",
        ["ABB", "Hager", "Eaton"],
        "stk",
        "S30",
        [("Jordfeilbryter {v}", 1290.0), ("Jordfeilautomat {v}", 990.0)],
        ["2P 25A 30mA type A", "4P 40A 30mA type A", "2P C16 30mA type A"],
    ),
    (
        "Sikringer og vern/Overspenningsvern",
        ["ABB", "Hager"],
        "stk",
        "S30",
        [("Overspenningsvern {v}", 2190.0)],
        ["type 2 1P+N", "type 2 3P+N", "type 1+2 3P+N"],
    ),
    (
        "Belysning/Downlights",
        ["Glamox", "Malmbergs", "Philips"],
        "stk",
        "B40",
        [("LED downlight {v} 2700K", 349.0), ("LED downlight {v} 3000K IP44", 399.0)],
        ["6W hvit", "8W hvit", "10W børstet stål", "12W svart"],
    ),
    (
        "Belysning/Armaturer",
        ["Glamox", "Philips"],
        "stk",
        "B40",
        [("LED armatur {v}", 1190.0)],
        ["takarmatur 20W IP54", "lysrørarmatur 1x36W IP65", "panel 60x60 35W", "nødlys 3W"],
    ),
    (
        "Belysning/Lyspærer",
        ["Philips", "Malmbergs"],
        "stk",
        "B40",
        [("LED-pære {v}", 69.0)],
        ["E27 8W 806lm", "E27 11W 1055lm", "E14 4W 470lm", "GU10 5W 350lm", "E27 dimbar 9W"],
    ),
    (
        "Rør og kanaler/Installasjonsrør",
        ["Wiska", "Hensel"],
        "m",
        "R50",
        [("Installasjonsrør {v} grå", 9.9), ("Fleksibelt rør {v} halogenfritt", 12.5)],
        ["16 mm", "20 mm", "25 mm", "32 mm"],
    ),
    (
        "Rør og kanaler/Kabelkanaler",
        ["Schneider Electric"],
        "m",
        "R50",
        [("Kabelkanal {v} hvit", 59.0)],
        ["15x15", "20x40", "40x60", "60x110"],
    ),
    (
        "Verktøy/Håndverktøy",
        ["Knipex", "Wera"],
        "stk",
        "V60",
        [("Avisoleringstang {v}", 449.0), ("Skrutrekker VDE {v}", 99.0)],
        ["160 mm", "180 mm", "PZ1", "PZ2", "flat 3,5 mm"],
    ),
    (
        "Verktøy/Måleinstrumenter",
        ["Fluke"],
        "stk",
        "V60",
        [("Installasjonstester {v}", 8990.0), ("Multimeter {v}", 2490.0), ("Spenningstester {v}", 890.0)],
        ["basis", "pro", "med Bluetooth"],
    ),
]


def _category(path: str) -> Category:
    parent = None
    for position, name in enumerate(path.split("/")):
        slug = slugify(f"{parent.slug}-{name}" if parent else name)
        parent, _ = Category.objects.get_or_create(
            slug=slug, defaults={"name": name, "parent": parent, "position": position}
        )
    return parent


def seed(stdout=None):
    rng = random.Random(2026)
    branches = list(Branch.objects.all())
    sequence = 0
    for path, manufacturers, unit, group, templates, variants in CATALOGUE:
        category = _category(path)
        for template, base_price in templates:
            for manufacturer in manufacturers:
                for variant_index, variant in enumerate(variants):
                    sequence += 1
                    price = Decimal(
                        str(round(base_price * (1 + variant_index * 0.35) * rng.uniform(0.9, 1.15), 2))
                    )
                    name = template.format(v=variant)
                    product, _ = Product.objects.update_or_create(
                        sku=f"{100000 + sequence}",
                        defaults={
                            "el_number": f"{1000000 + sequence * 37:07d}",
                            "ean": ean13(f"70{sequence:010d}"),
                            "name": f"{manufacturer} {name}",
                            "description": (
                                f"{name} fra {manufacturer}. Godkjent for norske installasjoner; "
                                f"selges per {unit}."
                            ),
                            "manufacturer": manufacturer,
                            "manufacturer_sku": f"{manufacturer[:3].upper()}-{sequence:05d}",
                            "unit": unit,
                            "list_price": price,
                            "discount_group": group,
                            "category": category,
                            "is_active": True,
                        },
                    )
                    for branch in branches:
                        Stock.objects.update_or_create(
                            product=product,
                            branch=branch,
                            defaults={"quantity": rng.choice([0, 0, 3, 12, 40, 150, 500])},
                        )
    _seed_pricing(rng)
    seed_media()
    return []


# Discount per discount group for every demo customer, a few net prices, one delivery address.
DISCOUNTS = {"K10": 32, "I20": 25, "S30": 28, "B40": 35, "R50": 20, "V60": 15}


def _seed_pricing(rng):
    products = list(Product.objects.order_by("sku")[:400])
    for index, customer in enumerate(Customer.objects.order_by("number")):
        for group, percent in DISCOUNTS.items():
            CustomerDiscount.objects.update_or_create(
                customer=customer,
                discount_group=group,
                defaults={"percent": Decimal(percent - index % 3 * 5)},
            )
        for product in products[index::25][:12]:
            CustomerNetPrice.objects.update_or_create(
                customer=customer,
                product=product,
                defaults={"price": (product.list_price * Decimal("0.55")).quantize(Decimal("0.01"))},
            )
        Address.objects.get_or_create(
            customer=customer,
            name=f"{customer.name}, lager",
            defaults={"street": "Industriveien 12", "postal_code": "0580", "city": "Oslo"},
        )
