import hashlib

import bcrypt
import pytest
from django.contrib.auth.hashers import make_password

from migration.hashers import (
    LegacySHA1WrappedHasher,
    UnknownHashFormat,
    legacy_check_password,
    legacy_hash_kind,
    legacy_hash_strengthen,
    legacy_stored_matches,
    legacy_wrap,
    legacy_wrap_keyed,
)
from tests.migration.conftest import is_weak_stored

PASSWORD = "Sommer2019!"


def sha1(pw, salt="s4lt"):
    return f"sha1${salt}${hashlib.sha1((salt + pw).encode()).hexdigest()}"


def md5(pw, salt="s4lt"):
    return f"md5${salt}${hashlib.md5((salt + pw).encode()).hexdigest()}"


WEAK = {
    "salted sha1": sha1(PASSWORD),
    "salted md5": md5(PASSWORD),
    "unsalted sha1": f"sha1$${hashlib.sha1(PASSWORD.encode()).hexdigest()}",
    "bare md5": hashlib.md5(PASSWORD.encode()).hexdigest(),
    "unsalted_md5": f"unsalted_md5$${hashlib.md5(PASSWORD.encode()).hexdigest()}",
}


@pytest.mark.parametrize("name", WEAK)
def test_weak_legacy_hash_is_stored_wrapped_and_still_verifies(name):
    stored = legacy_wrap(WEAK[name])
    assert stored.startswith("legacy_")
    assert WEAK[name].split("$")[-1] not in stored  # the weak digest itself is not stored
    assert not is_weak_stored(stored)
    assert legacy_check_password(PASSWORD, stored)
    assert not legacy_check_password("feil-passord", stored)


def test_utf8_password_with_norwegian_letters_verifies():
    stored = legacy_wrap(sha1("Blåbærsyltetøy"))
    assert legacy_check_password("Blåbærsyltetøy", stored)


@pytest.mark.parametrize("prefix", [b"$2a$", b"$2b$", b"$2y$"])
def test_bcrypt_is_stored_as_is_and_verifies(prefix):
    encoded = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)).replace(b"$2b$", prefix).decode()
    assert legacy_hash_kind(encoded) == "strong"
    assert legacy_wrap(encoded) == encoded
    assert legacy_check_password(PASSWORD, encoded)
    assert not legacy_check_password("nope", encoded)


@pytest.mark.parametrize("hasher", ["pbkdf2_sha256", "argon2"])
def test_strong_django_hashes_are_stored_as_is(hasher):
    encoded = make_password(PASSWORD, hasher=hasher)
    assert legacy_wrap(encoded) == encoded
    assert legacy_check_password(PASSWORD, encoded)


@pytest.mark.parametrize("value", ["crypt$$abc", "plaintext", "sha1$x$nothex"])
def test_unknown_hash_formats_are_refused(value):
    assert legacy_hash_kind(value) == "unknown"
    with pytest.raises(UnknownHashFormat):
        legacy_wrap(value)
    assert not legacy_check_password(value, value)


def test_empty_hash_never_matches():
    assert legacy_hash_kind("") == "empty"
    assert not legacy_check_password("", "")
    assert not legacy_check_password("x", "")


def test_keyed_weak_hash_verifies_before_wrapping():
    # The import's fast layer (no weak hash is ever stored, not even before the argon2 step).
    keyed = legacy_wrap_keyed(sha1(PASSWORD))
    assert keyed.startswith("legacy_sha1_hmac$") and sha1(PASSWORD).split("$")[-1] not in keyed
    assert legacy_check_password(PASSWORD, keyed)
    assert not legacy_check_password("nope", keyed)
    strong = legacy_hash_strengthen(keyed)
    assert strong.startswith("legacy_sha1_hmac_argon2$")
    assert legacy_check_password(PASSWORD, strong) and not legacy_check_password("nope", strong)


def test_the_keyed_layers_verify_with_an_old_secret_key_in_the_fallbacks(settings):
    keyed = legacy_wrap_keyed(md5(PASSWORD))
    strong = legacy_hash_strengthen(keyed)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-after-rotation-0123456789"
    assert legacy_check_password(PASSWORD, keyed) and legacy_check_password(PASSWORD, strong)
    settings.SECRET_KEY_FALLBACKS = []
    assert not legacy_check_password(PASSWORD, keyed) and not legacy_check_password(PASSWORD, strong)


def test_verified_legacy_hashes_are_handed_to_the_setter_like_djangos_check_password():
    upgraded = []
    assert legacy_check_password(PASSWORD, legacy_wrap_keyed(sha1(PASSWORD)), setter=upgraded.append)
    assert not legacy_check_password("nope", legacy_wrap_keyed(sha1(PASSWORD)), setter=upgraded.append)
    assert upgraded == [PASSWORD]
    current = make_password(PASSWORD, hasher="argon2")
    assert legacy_check_password(PASSWORD, current, setter=upgraded.append) and upgraded == [PASSWORD]


def test_reimport_recognises_the_same_hash_without_rewrapping():
    stored = legacy_wrap(sha1(PASSWORD))
    assert legacy_stored_matches(sha1(PASSWORD), stored)
    assert legacy_stored_matches(sha1("annet"), stored)  # same salt: taken as unchanged (cheap)
    assert not legacy_stored_matches(sha1("annet"), stored, thorough=True)
    assert not legacy_stored_matches(sha1(PASSWORD, salt="ny"), stored)


def test_hasher_encodes_from_a_raw_password_like_a_django_hasher():
    hasher = LegacySHA1WrappedHasher()
    encoded = hasher.encode(PASSWORD, "salt")
    assert hasher.verify(PASSWORD, encoded)
    assert hasher.safe_summary(encoded)["algorithm"] == "legacy_sha1_argon2"
