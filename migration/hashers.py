"""Legacy password hashes, stored only in a strong form.

The old shop's export holds weak hashes (salted SHA-1, MD5, unsalted digests). As Django's docs
describe for upgrading hashes without a login, we wrap them: argon2 over the legacy digest. To verify a
password we compute the legacy digest from it and argon2-verify that digest. Strong formats (bcrypt,
Django's pbkdf2/argon2/scrypt) are stored as they are.

These hashers are for LEGACY passwords only; they are not in settings.PASSWORD_HASHERS. Use
`legacy_wrap()` at import and `legacy_check_password()` at the legacy gate.
"""

import hashlib
import re

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from django.contrib.auth import hashers as django_hashers
from django.utils.crypto import constant_time_compare

# OWASP's argon2id minimum (12 MiB, 3 passes, 1 lane): about 20 ms per hash on one core.
_ARGON2 = PasswordHasher(time_cost=3, memory_cost=12288, parallelism=1, type=Type.ID)

HEX = re.compile(r"^[0-9a-fA-F]+$")
BCRYPT = re.compile(r"^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$")


class UnknownHashFormat(ValueError):
    pass


class LegacyWrappedHasher(django_hashers.BasePasswordHasher):
    """argon2 over a weak legacy digest: `<algorithm>$<salt>$<argon2 encoded>`."""

    digest_name = ""
    digest_length = 40
    salted = True

    def legacy_digest(self, password: str, salt: str) -> str:
        data = ((salt if self.salted else "") + password).encode("utf-8")
        return hashlib.new(self.digest_name, data).hexdigest()

    def wrap(self, salt: str, digest: str) -> str:
        return f"{self.algorithm}${salt}${_ARGON2.hash(digest.lower())}"

    def encode(self, password, salt):
        salt = salt if self.salted else ""
        return self.wrap(salt, self.legacy_digest(password, salt))

    def salt(self):
        return super().salt() if self.salted else ""

    def decode(self, encoded):
        algorithm, salt, inner = encoded.split("$", 2)
        assert algorithm == self.algorithm
        return {"algorithm": algorithm, "salt": salt, "hash": inner}

    def verify(self, password, encoded):
        decoded = self.decode(encoded)
        try:
            return _ARGON2.verify(decoded["hash"], self.legacy_digest(password, decoded["salt"]))
        except (VerificationError, InvalidHashError):
            return False

    def verify_digest(self, digest: str, encoded: str) -> bool:
        """Does `encoded` wrap this legacy digest? (Used to see if a re-import changed anything.)"""
        try:
            return _ARGON2.verify(self.decode(encoded)["hash"], digest.lower())
        except (VerificationError, InvalidHashError, ValueError, AssertionError):
            return False

    def safe_summary(self, encoded):
        decoded = self.decode(encoded)
        return {"algorithm": decoded["algorithm"], "salt": django_hashers.mask_hash(decoded["salt"])}

    def must_update(self, encoded):
        return True

    def harden_runtime(self, password, encoded):
        pass


class LegacySHA1WrappedHasher(LegacyWrappedHasher):
    """The legacy shop's own `sha1$<salt>$<hex(sha1(salt + password))>` (also Django's old SHA-1)."""

    algorithm = "legacy_sha1_argon2"
    digest_name = "sha1"


class LegacyMD5WrappedHasher(LegacyWrappedHasher):
    """Django's `md5$<salt>$<hex>`."""

    algorithm = "legacy_md5_argon2"
    digest_name = "md5"
    digest_length = 32


class LegacyUnsaltedSHA1WrappedHasher(LegacyWrappedHasher):
    """Django's old `sha1$$<hex>` / `unsalted_sha1$$<hex>`."""

    algorithm = "legacy_unsalted_sha1_argon2"
    digest_name = "sha1"
    salted = False


class LegacyUnsaltedMD5WrappedHasher(LegacyWrappedHasher):
    """A bare 32-hex MD5, or Django's `unsalted_md5$$<hex>` / `md5$$<hex>`."""

    algorithm = "legacy_unsalted_md5_argon2"
    digest_name = "md5"
    digest_length = 32
    salted = False


WRAPPED = {
    h.algorithm: h
    for h in (
        LegacySHA1WrappedHasher(),
        LegacyMD5WrappedHasher(),
        LegacyUnsaltedSHA1WrappedHasher(),
        LegacyUnsaltedMD5WrappedHasher(),
    )
}
# Strong hashes kept as they are, verified by Django's own hashers.
STRONG = {
    h.algorithm: h
    for h in (
        django_hashers.Argon2PasswordHasher(),
        django_hashers.PBKDF2PasswordHasher(),
        django_hashers.PBKDF2SHA1PasswordHasher(),
        django_hashers.ScryptPasswordHasher(),
        django_hashers.BCryptSHA256PasswordHasher(),
    )
}


def _parse_weak(legacy: str):
    """(wrapping hasher, salt, digest) for a weak legacy hash, or None if it is not one."""
    if HEX.match(legacy) and len(legacy) == 32:
        return WRAPPED["legacy_unsalted_md5_argon2"], "", legacy
    parts = legacy.split("$")
    if len(parts) != 3:
        return None
    algorithm, salt, digest = parts
    if not HEX.match(digest or "x"):
        return None
    if algorithm == "sha1" and len(digest) == 40:
        return WRAPPED["legacy_sha1_argon2" if salt else "legacy_unsalted_sha1_argon2"], salt, digest
    if algorithm == "unsalted_sha1" and not salt and len(digest) == 40:
        return WRAPPED["legacy_unsalted_sha1_argon2"], "", digest
    if algorithm == "md5" and len(digest) == 32:
        return WRAPPED["legacy_md5_argon2" if salt else "legacy_unsalted_md5_argon2"], salt, digest
    if algorithm == "unsalted_md5" and not salt and len(digest) == 32:
        return WRAPPED["legacy_unsalted_md5_argon2"], "", digest
    return None


def legacy_hash_kind(legacy: str) -> str:
    """ "empty", "weak", "strong" or "unknown" for a hash from the export."""
    legacy = (legacy or "").strip()
    if not legacy:
        return "empty"
    if _parse_weak(legacy):
        return "weak"
    if BCRYPT.match(legacy):
        return "strong"
    algorithm = legacy.split("$", 1)[0]
    if algorithm in STRONG and len(legacy.split("$")) >= 3:
        return "strong"
    return "unknown"


def legacy_wrap(legacy: str) -> str:
    """The form we store for a hash from the export (slow for weak hashes: argon2)."""
    legacy = (legacy or "").strip()
    kind = legacy_hash_kind(legacy)
    if kind == "strong":
        return legacy
    if kind == "weak":
        hasher, salt, digest = _parse_weak(legacy)
        return hasher.wrap(salt, digest)
    raise UnknownHashFormat(legacy[:20])


def legacy_stored_matches(legacy: str, stored: str, *, thorough: bool = False) -> bool:
    """Is `stored` already the stored form of the export's `legacy` hash? (Re-import: change nothing.)

    Cheap by default: strong hashes compare as strings, and a salted weak hash is taken as unchanged
    when its salt is (the legacy shop draws a new salt whenever a password changes), because the
    exact check costs one argon2 verification (~20 ms, 20 minutes for 60k rows). `thorough=True`
    (import_legacy --recheck-hashes) verifies the digest too. Unsalted hashes are always verified.
    """
    legacy = (legacy or "").strip()
    if not stored:
        return False
    if legacy == stored:
        return True
    parsed = _parse_weak(legacy)
    if parsed is None:
        return False
    hasher, salt, digest = parsed
    if not stored.startswith(f"{hasher.algorithm}$"):
        return False
    if hasher.salted and hasher.decode(stored)["salt"] != salt:
        return False
    if hasher.salted and not thorough:
        return True
    return hasher.verify_digest(digest, stored)


def _verify_weak_raw(password: str, legacy: str) -> bool:
    parsed = _parse_weak(legacy)
    if parsed is None:
        return False
    hasher, salt, digest = parsed
    return constant_time_compare(hasher.legacy_digest(password, salt), digest.lower())


def _verify_bcrypt(password: str, encoded: str) -> bool:
    import bcrypt

    try:
        return bcrypt.checkpw(password.encode("utf-8")[:72], encoded.encode("ascii"))
    except ValueError:
        return False


def legacy_check_password(password: str, encoded: str, *, pending_legacy: str = "") -> bool:
    """Check a password against a stored legacy hash (wrapped or strong).

    `pending_legacy` is the export's hash for an account whose wrapping step has not run yet.
    Unknown or empty hashes never match; a dummy argon2 run keeps the timing alike.
    """
    if not password:
        return False
    if not encoded and pending_legacy:
        if legacy_hash_kind(pending_legacy) == "weak":
            _ARGON2_DUMMY()
            return _verify_weak_raw(password, pending_legacy)
        encoded = pending_legacy
    if not encoded:
        _ARGON2_DUMMY()
        return False
    if BCRYPT.match(encoded):
        return _verify_bcrypt(password, encoded)
    algorithm = encoded.split("$", 1)[0]
    hasher = WRAPPED.get(algorithm) or STRONG.get(algorithm)
    if hasher is None:
        _ARGON2_DUMMY()
        return False
    try:
        return hasher.verify(password, encoded)
    except (ValueError, AssertionError, TypeError):
        return False


def _ARGON2_DUMMY():  # noqa: N802
    """Spend the time of one verification so unknown users answer as slowly as known ones."""
    _ARGON2.hash("dummy-password-for-timing")
