"""Legacy password hashes, stored only in a strong form: never the weak digest, not even for a moment.

The old shop's export holds weak hashes (salted SHA-1, MD5, unsalted digests). As Django's docs
describe for upgrading hashes without a login, we wrap them, in layers (password → legacy digest →
HMAC → argon2), each layer replacing the previous one in the database:

1. **At import, keyed** (`legacy_<digest>_hmac$<salt>$<hex>`): HMAC-SHA256 of the legacy digest
   with a key derived from `SECRET_KEY` (a pepper). Microseconds per row, so `import_legacy`
   stores no weak digest and stays within 60 s for 60,000 rows; argon2 at Django's cost (~20 ms per
   hash per core) would take ~10 minutes on 2 cores, and argon2 cut down far enough to fit would be
   barely stronger than the key. A database or a backup alone gives nothing to crack: without the
   key (outside the database) the value cannot be tested against a guess.
2. **Background, argon2** (`legacy_<digest>_hmac_argon2$<salt>$<argon2id>`): `wrap_legacy_hashes`
   (inline after the import, or Celery) replaces layer 1 by argon2id (OWASP: 12 MiB, 3 passes) over
   the HMAC; from then on even the key and a backup together need an argon2 run per guess.
3. **At the first gate login**: the password itself is rehashed with Django's argon2 (the
   `setter` of `legacy_check_password`, as Django's `check_password` does for an outdated hasher),
   so the account no longer depends on the key or the legacy digest at all.

Rotating `SECRET_KEY`: keep the old key in `SECRET_KEY_FALLBACKS` while legacy accounts of
layers 1 and 2 remain (verification tries every key). Accounts wrapped before the keyed layer
existed (`legacy_<digest>_argon2$…`, argon2 directly over the digest) still verify.

These hashers are for LEGACY passwords only; they are not in settings.PASSWORD_HASHERS. Use
`legacy_wrap_keyed()` at import, `legacy_hash_strengthen()` in the background step, and
`legacy_check_password()` at the legacy gate. Strong formats (bcrypt, Django's pbkdf2/argon2/scrypt)
are stored as they are.
"""

import functools
import hashlib
import hmac
import re

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from django.conf import settings
from django.contrib.auth import hashers as django_hashers
from django.utils.crypto import constant_time_compare

# OWASP's argon2id minimum (12 MiB, 3 passes, 1 lane): about 20 ms per hash on one core.
_ARGON2 = PasswordHasher(time_cost=3, memory_cost=12288, parallelism=1, type=Type.ID)
_KEY_SALT = "migration.hashers.legacy"

HEX = re.compile(r"^[0-9a-fA-F]+$")
BCRYPT = re.compile(r"^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$")


class UnknownHashFormat(ValueError):
    """The export's hash is in no format we know (the message never holds the hash)."""


@functools.lru_cache(maxsize=8)
def _derived_key(secret: str) -> bytes:
    return hashlib.sha256((_KEY_SALT + secret).encode()).digest()


def _keyed(digest: str, secret=None) -> str:
    """Django's `salted_hmac(_KEY_SALT, digest, secret, algorithm="sha256")`, same value, with the key
    derivation cached: it would otherwise be half the cost of 60,000 rows."""
    key = _derived_key(settings.SECRET_KEY if secret is None else secret)
    return hmac.new(key, digest.lower().encode(), hashlib.sha256).hexdigest()


def _keys():
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


class LegacyWrappedHasher(django_hashers.BasePasswordHasher):
    """A weak legacy digest in one of the wrapped forms: `<algorithm>$<salt>$<inner>`.

    `keyed`: the digest goes through HMAC-SHA256 with the key first; `argon2`: the result is
    argon2id-hashed. Subclasses name the legacy digest; the table below builds every combination
    but plain (neither), which is never stored.
    """

    digest_name = ""
    digest_length = 40
    salted = True
    keyed = False
    argon2 = True
    base = ""

    @property
    def algorithm(self):
        return f"legacy_{self.base}" + ("_hmac" if self.keyed else "") + ("_argon2" if self.argon2 else "")

    def legacy_digest(self, password: str, salt: str) -> str:
        data = ((salt if self.salted else "") + password).encode("utf-8")
        return hashlib.new(self.digest_name, data).hexdigest()

    def wrap(self, salt: str, digest: str) -> str:
        inner = _keyed(digest) if self.keyed else digest.lower()
        if self.argon2:
            inner = _ARGON2.hash(inner)
        return f"{self.algorithm}${salt}${inner}"

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
        return self._verify_inner(self.legacy_digest(password, decoded["salt"]), decoded["hash"])

    def _verify_inner(self, digest: str, inner: str) -> bool:
        candidates = [_keyed(digest, key) for key in _keys()] if self.keyed else [digest.lower()]
        if not self.argon2:
            _ARGON2_DUMMY()  # as slow as an argon2 account: the layer is not told by the timing
            return any(constant_time_compare(c, inner) for c in candidates)
        for candidate in candidates:
            try:
                if _ARGON2.verify(inner, candidate):
                    return True
            except (VerificationError, InvalidHashError):
                continue
        return False

    def verify_digest(self, digest: str, encoded: str) -> bool:
        """Does `encoded` wrap this legacy digest? (Used to see if a re-import changed anything.)"""
        try:
            inner = self.decode(encoded)["hash"]
        except (ValueError, AssertionError):
            return False
        if self.argon2:
            return self._verify_inner(digest, inner)
        return constant_time_compare(_keyed(digest), inner)  # cheap: no dummy run on re-import

    def safe_summary(self, encoded):
        decoded = self.decode(encoded)
        return {"algorithm": decoded["algorithm"], "salt": django_hashers.mask_hash(decoded["salt"])}

    def must_update(self, encoded):
        return True

    def harden_runtime(self, password, encoded):
        pass


class LegacySHA1WrappedHasher(LegacyWrappedHasher):
    """The legacy shop's own `sha1$<salt>$<hex(sha1(salt + password))>` (also Django's old SHA-1)."""

    base = "sha1"
    digest_name = "sha1"


class LegacyMD5WrappedHasher(LegacyWrappedHasher):
    """Django's `md5$<salt>$<hex>`."""

    base = "md5"
    digest_name = "md5"
    digest_length = 32


class LegacyUnsaltedSHA1WrappedHasher(LegacyWrappedHasher):
    """Django's old `sha1$$<hex>` / `unsalted_sha1$$<hex>`."""

    base = "unsalted_sha1"
    digest_name = "sha1"
    salted = False


class LegacyUnsaltedMD5WrappedHasher(LegacyWrappedHasher):
    """A bare 32-hex MD5, or Django's `unsalted_md5$$<hex>` / `md5$$<hex>`."""

    base = "unsalted_md5"
    digest_name = "md5"
    digest_length = 32
    salted = False


_DIGESTS = (
    LegacySHA1WrappedHasher,
    LegacyMD5WrappedHasher,
    LegacyUnsaltedSHA1WrappedHasher,
    LegacyUnsaltedMD5WrappedHasher,
)
# Every stored layer: keyed (import), keyed + argon2 (background step), argon2 only (before the
# keyed layer existed). Keyed-only forms are the ones the background step still has to strengthen.
WRAPPED = {
    h.algorithm: h
    for cls in _DIGESTS
    for keyed, argon2 in ((True, False), (True, True), (False, True))
    for h in [type(cls.__name__, (cls,), {"keyed": keyed, "argon2": argon2})()]
}
KEYED_ONLY = tuple(a for a, h in WRAPPED.items() if h.keyed and not h.argon2)


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


def _layer(base: str, *, keyed: bool, argon2: bool) -> LegacyWrappedHasher:
    return WRAPPED[f"legacy_{base}" + ("_hmac" if keyed else "") + ("_argon2" if argon2 else "")]


def _parse_weak(legacy: str):
    """(digest name as in `base`, salt, digest) for a weak legacy hash, or None if it is not one."""
    if HEX.match(legacy) and len(legacy) == 32:
        return "unsalted_md5", "", legacy
    parts = legacy.split("$")
    if len(parts) != 3:
        return None
    algorithm, salt, digest = parts
    if not HEX.match(digest or "x"):
        return None
    if algorithm == "sha1" and len(digest) == 40:
        return ("sha1" if salt else "unsalted_sha1"), salt, digest
    if algorithm == "unsalted_sha1" and not salt and len(digest) == 40:
        return "unsalted_sha1", "", digest
    if algorithm == "md5" and len(digest) == 32:
        return ("md5" if salt else "unsalted_md5"), salt, digest
    if algorithm == "unsalted_md5" and not salt and len(digest) == 32:
        return "unsalted_md5", "", digest
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


def legacy_wrap_keyed(legacy: str) -> str:
    """The form the import stores for a hash from the export: fast (layer 1 for weak hashes)."""
    legacy = (legacy or "").strip()
    kind = legacy_hash_kind(legacy)
    if kind == "strong":
        return legacy
    if kind == "weak":
        base, salt, digest = _parse_weak(legacy)
        return _layer(base, keyed=True, argon2=False).wrap(salt, digest)
    raise UnknownHashFormat("unknown password hash format")


def legacy_hash_strengthen(stored: str) -> str:
    """Layer 1 → layer 2: argon2 over the stored HMAC (slow, ~20 ms). Other values come back as they are."""
    algorithm = (stored or "").split("$", 1)[0]
    if algorithm not in KEYED_ONLY:
        return stored
    hasher = WRAPPED[algorithm]
    decoded = hasher.decode(stored)
    strong = _layer(hasher.base, keyed=True, argon2=True)
    return f"{strong.algorithm}${decoded['salt']}${_ARGON2.hash(decoded['hash'])}"


def legacy_wrap(legacy: str) -> str:
    """The final form for a hash from the export (keyed + argon2; slow for weak hashes)."""
    return legacy_hash_strengthen(legacy_wrap_keyed(legacy))


def legacy_stored_matches(legacy: str, stored: str, *, thorough: bool = False) -> bool:
    """Is `stored` already the stored form of the export's `legacy` hash? (Re-import: change nothing.)

    A keyed form (layer 1) is compared exactly (one HMAC). For argon2 forms the check is cheap by
    default: a salted weak hash is taken as unchanged when its salt is (the legacy shop draws a new
    salt whenever a password changes), because the exact check costs one argon2 verification
    (~20 ms, 20 minutes for 60k rows). `thorough=True` (import_legacy --recheck-hashes) verifies the
    digest too. Unsalted hashes are always verified. Strong hashes compare as strings.
    """
    legacy = (legacy or "").strip()
    if not stored:
        return False
    if legacy == stored:
        return True
    parsed = _parse_weak(legacy)
    if parsed is None:
        return False
    base, salt, digest = parsed
    hasher = WRAPPED.get(stored.split("$", 1)[0])
    if hasher is None or hasher.base != base:
        return False
    if hasher.salted and hasher.decode(stored)["salt"] != salt:
        return False
    if hasher.argon2 and hasher.salted and not thorough:
        return True
    return hasher.verify_digest(digest, stored)


def _verify_bcrypt(password: str, encoded: str) -> bool:
    import bcrypt

    try:
        return bcrypt.checkpw(password.encode("utf-8")[:72], encoded.encode("ascii"))
    except ValueError:
        return False


_DJANGO_ARGON2 = django_hashers.Argon2PasswordHasher()


def legacy_needs_upgrade(encoded: str) -> bool:
    """Should a verified legacy password be rehashed with Django's argon2? (Everything else: yes.)"""
    if encoded.startswith(f"{_DJANGO_ARGON2.algorithm}$"):
        return _DJANGO_ARGON2.must_update(encoded)
    return True


def legacy_check_password(password: str, encoded: str, setter=None) -> bool:
    """Check a password against a stored legacy hash (any wrapped layer, or strong).

    Like Django's `check_password`: when the password is right and the stored form is not Django's
    current argon2, `setter(password)` is called so the caller can store the upgrade (the gate login
    does). Unknown or empty hashes never match; a dummy argon2 run keeps the timing alike.
    """
    if not password or not encoded:
        _ARGON2_DUMMY()
        return False
    if BCRYPT.match(encoded):
        ok = _verify_bcrypt(password, encoded)
    else:
        hasher = WRAPPED.get(encoded.split("$", 1)[0]) or STRONG.get(encoded.split("$", 1)[0])
        if hasher is None:
            _ARGON2_DUMMY()
            return False
        try:
            ok = hasher.verify(password, encoded)
        except (ValueError, AssertionError, TypeError):
            return False
    if ok and setter is not None and legacy_needs_upgrade(encoded):
        setter(password)
    return ok


def _ARGON2_DUMMY():  # noqa: N802
    """Spend the time of one verification so unknown users answer as slowly as known ones."""
    _ARGON2.hash("dummy-password-for-timing")
