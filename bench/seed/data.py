"""The bench data set's fixed parts: sizes, the prefixes that mark bench rows, names, the assortment."""

import importlib
from dataclasses import dataclass, field

SEARCH_MIGRATION = importlib.import_module("shop.migrations.0002_search_indexes")
BENCH_DOMAIN = "bench.example.no"
BENCH_LOGIN = f"bench@{BENCH_DOMAIN}"
BENCH_PASSWORD = "Benk-passord-2026!"
BENCH_CUSTOMER = "B000001"
BRANCH_PREFIX = "B-"
CUSTOMER_PREFIX = "B"
SKU_PREFIX = "B"
CART_LINES = 50
BENCH_CUSTOMER_ORDERS = 400
VAT_PERCENT = 25
LEGACY_PREFIX = "bench-"
LEGACY_PASSWORD = "Gammelt-passord-2026"
# Share of legacy accounts without an email on file (they get no invitation) and shut out already.
LEGACY_WITHOUT_EMAIL = 0.08
LEGACY_INACTIVE = 0.02
SEARCH_INDEXES = [sql for sql in SEARCH_MIGRATION.FORWARDS if sql.startswith("CREATE INDEX")]

BRANCHES = [
    ("OSL", "Oslo", "0581"),
    ("BGO", "Bergen", "5257"),
    ("TRD", "Trondheim", "7080"),
    ("SVG", "Stavanger", "4033"),
    ("KRS", "Kristiansand", "4626"),
    ("TOS", "Tromsø", "9024"),
    ("DRM", "Drammen", "3036"),
    ("FRE", "Fredrikstad", "1605"),
    ("BOO", "Bodø", "8008"),
    ("AES", "Ålesund", "6018"),
]

# More of the assortment than the demo's, in the same shape:
# (category path, manufacturers, unit, discount group, [(name template, base price)], variants).
EXTRA_CATALOGUE = [
    (
        "Kabel/Datakabel",
        ["Nexans", "Draka", "Schneider Electric"],
        "m",
        "K11",
        [("Datakabel {v} 305 m boks", 9.5), ("Patchkabel {v}", 39.0)],
        ["Cat6 U/UTP", "Cat6A F/UTP", "Cat6A S/FTP", "Cat7 S/FTP"],
    ),
    (
        "Kabel/Varmekabel",
        ["Nexans", "Devi", "Thermofloor"],
        "stk",
        "K12",
        [("Varmekabel {v}", 1890.0), ("Varmematte {v}", 2290.0)],
        ["10 W/m 20 m", "10 W/m 40 m", "17 W/m 30 m", "100 W/m² 2 m²", "100 W/m² 5 m²"],
    ),
    (
        "Installasjonsmateriell/Koblingsmateriell",
        ["Wago", "Weidmüller", "Phoenix Contact"],
        "stk",
        "I21",
        [("Klemme {v}", 3.9), ("Rekkeklemme {v}", 8.5)],
        ["2-leder 0,5–4 mm²", "3-leder 0,2–4 mm²", "5-leder 0,2–4 mm²", "2,5 mm² grå", "4 mm² blå"],
    ),
    (
        "Installasjonsmateriell/Festemateriell",
        ["Hensel", "Wiska", "Hellermann"],
        "pk",
        "I22",
        [("Kabelklammer {v}", 49.0), ("Buntebånd {v}", 39.0)],
        ["7–12 mm 100 stk", "12–18 mm 50 stk", "200x4,8 svart 100 stk", "300x4,8 UV-bestandig 100 stk"],
    ),
    (
        "Sikringer og vern/Sikringsskap",
        ["Hager", "ABB", "Schneider Electric"],
        "stk",
        "S31",
        [("Sikringsskap {v}", 1490.0), ("Kapsling {v}", 990.0)],
        ["1x12 moduler", "2x12 moduler", "3x18 moduler", "4x18 moduler IP65"],
    ),
    (
        "Belysning/Utebelysning",
        ["Norlys", "Malmbergs", "SG Armaturen"],
        "stk",
        "B41",
        [("Vegglampe {v}", 690.0), ("Pullert {v}", 1490.0)],
        ["LED 8W antrasitt", "LED 12W galvanisert", "E27 sort", "LED 6W med sensor"],
    ),
    (
        "Belysning/Nødlys",
        ["Glamox", "Eaton"],
        "stk",
        "B42",
        [("Nødlysarmatur {v}", 1590.0), ("Ledelys {v}", 1290.0)],
        ["3 t selvtest", "1 t sentralbatteri", "piktogram ned", "piktogram høyre"],
    ),
    (
        "Varme og ventilasjon/Termostater",
        ["Thermofloor", "Devi", "Elko"],
        "stk",
        "V70",
        [("Termostat {v}", 890.0)],
        ["for gulvvarme hvit", "med Wi-Fi", "16A med gulvføler", "Zigbee"],
    ),
    (
        "Varme og ventilasjon/Panelovner",
        ["Glen Dimplex", "Adax", "Nobø"],
        "stk",
        "V71",
        [("Panelovn {v}", 2490.0)],
        ["600 W hvit", "1000 W hvit", "1200 W lav", "2000 W med Wi-Fi"],
    ),
    (
        "Elbillading/Ladebokser",
        ["Zaptec", "Easee", "ABB"],
        "stk",
        "E80",
        [("Ladeboks {v}", 9990.0), ("Ladekabel {v}", 1890.0)],
        ["22 kW type 2", "11 kW type 2", "7,4 kW 1-fas", "type 2 5 m"],
    ),
    (
        "Smarthus/Sensorer",
        ["Heatit", "Namron", "Elko"],
        "stk",
        "H90",
        [("Bevegelsessensor {v}", 590.0), ("Røykvarsler {v}", 490.0)],
        ["Z-Wave", "Zigbee", "230 V med batteribackup", "trådløs"],
    ),
]

# Lengths, packs and colours make one catalogue line into many articles.
EXTRAS = {
    "m": ["", "50 m ring", "100 m ring", "500 m trommel", "1000 m trommel", "kappet"],
    "stk": ["", "hvit", "sort", "grå", "antrasitt", "10-pk", "20-pk", "uten ramme", "komplett"],
    "pk": ["", "storpakning", "hvit", "sort"],
}
SERIES_LETTERS = "ABCDEFGHJKLMNPRSTUVXZ"

FIRST_NAMES = [
    "Ole", "Kari", "Lars", "Ingrid", "Per", "Anne", "Jon", "Marit", "Knut", "Silje", "Erik", "Nina",
    "Håkon", "Sigrid", "Øyvind", "Astrid", "Bjørn", "Ragnhild", "Terje", "Hilde", "Magnus", "Åse",
]
LAST_NAMES = [
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen",
    "Jensen", "Karlsen", "Berg", "Haugen", "Hagen", "Johnsen", "Bakken", "Lunde", "Strand", "Dahl",
    "Solberg", "Moen", "Sæther", "Økland", "Løken", "Aas",
]
COMPANY_FORMS = ["Elektro AS", "Elektriske AS", "Elinstallasjon AS", "El-service AS", "Bygg og El AS"]
STREETS = ["Storgata", "Industriveien", "Kirkeveien", "Sjøgata", "Fjordveien", "Parkveien", "Elveveien"]


@dataclass
class Sizes:
    products: int = 100_000
    customers: int = 20_000
    orders: int = 200_000
    legacy_accounts: int = 0


@dataclass
class SeedReport:
    counts: dict[str, int] = field(default_factory=dict)
    timings: list[tuple[str, float]] = field(default_factory=list)


class BenchDataExists(Exception):
    pass
