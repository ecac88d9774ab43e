"""Demo legacy accounts for `manage.py seed_demo` (idempotent; after accounts.demo).

Every legacy login has the password LEGACY_DEMO_PASSWORD, stored in one of the export's formats
(salted SHA-1, MD5, bcrypt, pbkdf2) and wrapped like the real import does. Customer 10003 is
flagged for the move (deadline in 21 days); 10007 is not (shows «Meld interesse»); 10006's main user
has the email of an existing new-shop user of another customer (kari@nordlys.example).
"""

import hashlib

import bcrypt
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import Customer

from .hashers import legacy_wrap
from .models import CustomerMove, LegacyAccount
from .services import customer_flag_for_move, deadline_bounds

LEGACY_DEMO_PASSWORD = "gammelt-passord"


def _sha1(password, salt="demo1"):
    return f"sha1${salt}${hashlib.sha1((salt + password).encode()).hexdigest()}"  # noqa: S324 (legacy format)


def _md5(password, salt="demo2"):
    return f"md5${salt}${hashlib.md5((salt + password).encode()).hexdigest()}"  # noqa: S324 (legacy format)


def _bcrypt(password):
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=10)).decode()


def _pbkdf2(password):
    return make_password(password, hasher="pbkdf2_sha256")


# (username, customer number, name, email, phone, hash function, main user, what to try)
ACCOUNTS = [
    (
        "fjellstrom",
        "10003",
        "Per Fjellstrøm",
        "per@fjellstrom.example",
        "900 11 001",
        _sha1,
        True,
        "hovedbruker, kunden er flyttet: flytteskjema",
    ),
    (
        "fjellstrom.anne",
        "10003",
        "Anne Fjellstrøm",
        "anne@fjellstrom.example",
        "900 11 002",
        _bcrypt,
        False,
        "innkjøper, kunden er flyttet",
    ),
    (
        "fjellstrom.lager",
        "10003",
        "Lageret Fjellstrøm",
        "",
        "900 11 003",
        _md5,
        False,
        "uten e-post: vises for ansatte",
    ),
    (
        "asane",
        "10006",
        "Kari Nordmann",
        "kari@nordlys.example",
        "900 22 001",
        _pbkdf2,
        True,
        "samme e-post som eksisterende bruker (10001)",
    ),
    (
        "nidaros",
        "10007",
        "Nils Nidaros",
        "nils@nidaros.example",
        "900 33 001",
        _sha1,
        True,
        "kunden er ikke flyttet: «Meld interesse»",
    ),
    (
        "vestkyst",
        "10005",
        "Vera Vestkyst",
        "vera@vestkyst.example",
        "900 44 001",
        _sha1,
        True,
        "kunden er ikke flyttet",
    ),
]
FLAGGED = ["10003", "10006"]


def seed(stdout=None):
    customers = {c.number: c for c in Customer.objects.filter(number__in={a[1] for a in ACCOUNTS})}
    logins = []
    for username, number, name, email, phone, hasher, main, what in ACCOUNTS:
        customer = customers.get(number)
        if customer is None:
            continue
        if not LegacyAccount.objects.filter(username=username).exists():
            LegacyAccount.objects.create(
                username=username,
                customer=customer,
                name=name,
                email=email,
                phone=phone,
                password=legacy_wrap(hasher(LEGACY_DEMO_PASSWORD)),
                is_main_user=main,
            )
        logins.append((f"{username} (/flytt/)", LEGACY_DEMO_PASSWORD, f"dagens nettbutikk, {number}: {what}"))
    _earliest, default, _latest = deadline_bounds(timezone.localdate())
    for number in FLAGGED:
        customer = customers.get(number)
        if customer and not CustomerMove.objects.flagged().filter(customer=customer).exists():
            customer_flag_for_move(customer=customer, deadline=default)
    return logins
