"""Signing keys for the OpenID Connect provider, read from the environment.

Settings import this module, so it must not import Django models (only `cryptography`).

- `IDP_OIDC_PRIVATE_KEY`: the RSA private key (PEM) that signs ID tokens. Newlines may be written
  as a literal `\\n` so the key fits on one line of a `.env` file or a compose file.
- `IDP_OIDC_VERIFY_ONLY_KEYS`: zero or more further PEM keys, concatenated. They are published in
  the JWKS (so relying parties can verify tokens signed with them) but never sign. This is what
  makes the key rotatable without a window in which relying parties reject tokens; see
  docs/OIDC.md, "Rotating the signing key".

Without `IDP_OIDC_PRIVATE_KEY` (development, tests) a key is generated once and cached in a
git-ignored file next to manage.py. Production settings require the environment variable.
"""

import os
import re
import tempfile
from pathlib import Path

_PEM_RE = re.compile(
    r"-----BEGIN (?:RSA )?PRIVATE KEY-----.+?-----END (?:RSA )?PRIVATE KEY-----", re.DOTALL
)


def split_pems(value: str) -> list[str]:
    """Every PEM private key found in `value`, normalised (real newlines, trailing newline)."""
    value = (value or "").replace("\\n", "\n").replace("\r\n", "\n")
    return [match.group(0).strip() + "\n" for match in _PEM_RE.finditer(value)]


def generate_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    ).decode("ascii")


def dev_private_key(path: Path) -> str:
    """The development signing key cached at `path`, generated on first use.

    Written atomically, so two processes starting at once (runserver's reloader, a Celery worker)
    end up with one key between them.
    """
    try:
        pems = split_pems(path.read_text())
    except FileNotFoundError:
        pems = []
    if pems:
        return pems[0]
    pem = generate_pem()
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".oidc-key-")
    except OSError:
        # Read-only checkout (a production image): production settings require the env variable.
        return ""
    with os.fdopen(fd, "w") as fh:
        fh.write(pem)
    try:
        # Never replace a key another process has just written: tokens it signed must still verify.
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(tmp)
    return split_pems(path.read_text())[0]


def private_key_setting(value: str, *, dev_key_path: Path | None) -> str:
    """The signing key: the first PEM in `value`, else the cached development key.

    With `dev_key_path=None` (production) the key must be in `value`.
    """
    from django.core.exceptions import ImproperlyConfigured

    pems = split_pems(value)
    if pems:
        return pems[0]
    if (value or "").strip() or dev_key_path is None:
        raise ImproperlyConfigured(
            "IDP_OIDC_PRIVATE_KEY must hold an RSA private key in PEM form (see docs/OIDC.md)"
        )
    return dev_private_key(dev_key_path)
