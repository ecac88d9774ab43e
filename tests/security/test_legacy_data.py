"""Legacy data at rest: after `import_legacy` no weak legacy hash is stored anywhere.

The export holds salted SHA-1 (the legacy shop's own), Django's salted MD5, unsalted MD5 and SHA-1,
bcrypt and PBKDF2 rows. The import stores the weak ones keyed (HMAC with a key outside the database)
on the account; `wrap_legacy_hashes` (the resumable second step) strengthens them with argon2. Before
and after that step, every text column of every table in the database is scanned for the weak digests
(issue #15 item 5). The digest is also in no SQL statement sent to the database (so in no table, WAL or
backup, not even inside the import's transaction), no command output and no log record. The imported
users log in at the gate with their legacy password through every layer, and that login rehashes the
password with Django's argon2 (as Django's `check_password` upgrades an outdated hasher).
"""

import hashlib
import logging
from io import StringIO

import bcrypt
import pytest
from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from accounts.models import Branch
from migration.hashers import legacy_check_password
from migration.importer import keyed_only, legacy_hashes_wrap, legacy_import
from migration.models import LegacyAccount
from migration.services import legacy_account_authenticate
from tests.migration.conftest import is_weak_stored

pytestmark = pytest.mark.django_db

PASSWORD = "gammelt-hemmelig-1"
SALT = "s4lt"
WEAK = {  # username: (hash in the export, the digest that must never be at rest)
    "sha1salt": (f"sha1${SALT}${hashlib.sha1((SALT + PASSWORD).encode()).hexdigest()}",),
    "md5salt": (f"md5${SALT}${hashlib.md5((SALT + PASSWORD).encode()).hexdigest()}",),  # noqa: S324
    "md5bare": (hashlib.md5(PASSWORD.encode()).hexdigest(),),  # noqa: S324
    "md5unsalted": (f"md5$${hashlib.md5(PASSWORD.encode()).hexdigest()}",),  # noqa: S324
    "sha1unsalted": (f"sha1$${hashlib.sha1(PASSWORD.encode()).hexdigest()}",),
}
STRONG = {
    "bcrypt": bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode(),
    "pbkdf2": make_password(PASSWORD, hasher="pbkdf2_sha256"),
}


def _digest(encoded: str) -> str:
    return encoded.rsplit("$", 1)[-1]


@pytest.fixture
def export(tmp_path):
    Branch.objects.create(code="OSL", name="Oslo")
    customers = tmp_path / "customers.csv"
    customers.write_text(
        "customer_number;name;branch_code;org_number;email;phone\n40001;Hash AS;OSL;933333333;;\n",
        encoding="utf-8",
    )
    rows = {**{u: h for u, (h,) in WEAK.items()}, **STRONG}
    accounts = tmp_path / "accounts.csv"
    accounts.write_text(
        "username;customer_number;name;email;phone;password_hash;is_main_user;is_active\n"
        + "".join(f"{u};40001;Bruker {u};{u}@hash.example;;{h};0;1\n" for u, h in rows.items()),
        encoding="utf-8",
    )
    return customers, accounts


def _text_columns():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, (models.CharField, models.TextField, models.JSONField)):
                yield model, field


def _where_at_rest(fragment: str) -> list[str]:
    found = []
    for model, field in _text_columns():
        lookup = f"{field.attname}__contains" if not isinstance(field, models.JSONField) else None
        if lookup is None:  # JSON: compare the serialised value
            if any(fragment in str(v) for v in model._default_manager.values_list(field.attname, flat=True)):
                found.append(f"{model._meta.label}.{field.name}")
        elif model._default_manager.filter(**{lookup: fragment}).exists():
            found.append(f"{model._meta.label}.{field.name}")
    return found


def test_before_the_wrap_step_only_the_weak_hashes_wait_keyed_and_no_digest_is_stored(export):
    report = legacy_import(customers_path=export[0], accounts_path=export[1])
    assert report.hashes_pending == len(WEAK)
    pending = set(keyed_only().values_list("username", flat=True))
    assert pending == set(WEAK)  # strong hashes are stored as they came
    for username, (encoded,) in WEAK.items():
        assert _where_at_rest(_digest(encoded)) == [], f"{username}: weak digest at rest before wrapping"
    # the accounts themselves never hold a weak hash, even before wrapping
    assert not any(is_weak_stored(p) for p in LegacyAccount.objects.values_list("password", flat=True))
    assert legacy_account_authenticate(username="md5bare", password=PASSWORD) is not None  # usable meanwhile


def test_after_wrapping_no_weak_digest_is_stored_in_any_table(export):
    legacy_import(customers_path=export[0], accounts_path=export[1])
    assert legacy_hashes_wrap() == len(WEAK)
    assert not keyed_only().exists()
    for username, (encoded,) in WEAK.items():
        assert _where_at_rest(_digest(encoded)) == [], f"{username}: weak digest at rest"
    for account in LegacyAccount.objects.all():
        assert not is_weak_stored(account.password), account.username
        assert legacy_check_password(PASSWORD, account.password), account.username
        assert not legacy_check_password("feil", account.password), account.username
    stored = dict(LegacyAccount.objects.values_list("username", "password"))
    assert stored["bcrypt"] == STRONG["bcrypt"] and stored["pbkdf2"] == STRONG["pbkdf2"]
    assert all(stored[u].split("$", 1)[0].endswith("_argon2") for u in WEAK)


def test_the_import_command_wraps_inline_and_leaves_nothing_weak(export):
    call_command("import_legacy", str(export[0]), str(export[1]), "--jobs", "1", stdout=StringIO(), stderr=StringIO())
    assert not keyed_only().exists()
    for username, (encoded,) in WEAK.items():
        assert _where_at_rest(_digest(encoded)) == [], username
    assert not any(is_weak_stored(p) for p in LegacyAccount.objects.values_list("password", flat=True))


def test_reimport_of_the_same_export_stores_no_weak_hash_again(export):
    call_command("import_legacy", str(export[0]), str(export[1]), "--jobs", "1", stdout=StringIO(), stderr=StringIO())
    before = dict(LegacyAccount.objects.values_list("username", "password"))
    report = legacy_import(customers_path=export[0], accounts_path=export[1])
    assert report.hashes_pending == 0 and not keyed_only().exists()
    assert dict(LegacyAccount.objects.values_list("username", "password")) == before


# --- issue #15 item 5: wrapped before anything is written ---------------------------------------


def _forms(encoded: str) -> list[str]:
    """Every form of a weak digest that would let someone test guesses at MD5/SHA-1 speed."""
    digest = _digest(encoded)
    return [encoded, digest.lower(), digest.upper()]


def _import(export, *args):
    out, err = StringIO(), StringIO()
    with CaptureQueriesContext(connection) as queries:
        call_command("import_legacy", str(export[0]), str(export[1]), "--jobs", "1", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue(), " ".join(q["sql"] for q in queries.captured_queries)


def test_import_sends_no_weak_digest_to_the_database_output_or_logs(export, caplog):
    caplog.set_level(logging.DEBUG)
    output, sql = _import(export, "--skip-wrap")
    logs = "\n".join(f"{r.getMessage()} {r.args!r}" for r in caplog.records)
    for username, (encoded,) in WEAK.items():
        for form in _forms(encoded):
            assert form not in sql, f"{username}: weak digest sent to the database"
            assert form not in output, f"{username}: weak digest in the command output"
            assert form not in logs, f"{username}: weak digest in a log record"
            assert _where_at_rest(form) == [], f"{username}: weak digest at rest"
    stored = dict(LegacyAccount.objects.values_list("username", "password"))
    assert all(stored[u].startswith("legacy_") and "_hmac$" in stored[u] for u in WEAK)
    assert stored["bcrypt"] == STRONG["bcrypt"] and stored["pbkdf2"] == STRONG["pbkdf2"]
    assert not any(is_weak_stored(p) for p in stored.values())


def test_after_the_argon2_step_no_table_holds_any_weak_form(export):
    _import(export, "--skip-wrap")
    with CaptureQueriesContext(connection) as queries:
        assert legacy_hashes_wrap() == len(WEAK)
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert not keyed_only().exists()
    for username, (encoded,) in WEAK.items():
        for form in _forms(encoded):
            assert form not in sql and _where_at_rest(form) == [], username
    for username in WEAK:
        assert LegacyAccount.objects.get(username=username).password.split("$", 1)[0].endswith("_hmac_argon2")


@pytest.mark.parametrize("wrap", [False, True], ids=["keyed (right after the import)", "after the argon2 step"])
def test_imported_users_log_in_at_the_gate_with_their_legacy_password(export, wrap):
    _import(export, "--skip-wrap")
    if wrap:
        legacy_hashes_wrap()
    for username in [*WEAK, *STRONG]:
        assert legacy_account_authenticate(username=username, password="feil-passord") is None, username
        before = LegacyAccount.objects.get(username=username).password
        assert legacy_account_authenticate(username=username, password=PASSWORD) is not None, username
        after = LegacyAccount.objects.get(username=username).password
        # The login upgraded the stored form to Django's argon2 of the password itself.
        assert after != before and after.startswith("argon2$"), username
        assert legacy_check_password(PASSWORD, after) and not legacy_check_password("feil", after)
        assert legacy_account_authenticate(username=username, password=PASSWORD) is not None, username
        assert LegacyAccount.objects.get(username=username).password == after  # no rehash every time
    for username, (encoded,) in WEAK.items():
        for form in _forms(encoded):
            assert _where_at_rest(form) == [], username


def test_a_wrong_password_or_a_shut_out_account_is_not_upgraded(export):
    _import(export, "--skip-wrap")
    LegacyAccount.objects.filter(username="sha1salt").update(is_active=False)
    before = dict(LegacyAccount.objects.values_list("username", "password"))
    assert legacy_account_authenticate(username="md5salt", password="feil-passord") is None
    assert legacy_account_authenticate(username="sha1salt", password=PASSWORD) is None
    assert dict(LegacyAccount.objects.values_list("username", "password")) == before
