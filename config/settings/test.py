"""Tests: the same settings, with a fast password hasher first so suites stay quick.

Argon2 stays in the list, so tests that check hashing at rest can still ask for it.
"""

from .base import *  # noqa: F403
from .base import PASSWORD_HASHERS, env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]

# Tasks run in-process unless a test starts a real worker (the `celery_worker` fixture switches the
# app to the broker for that test).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Pictures and documents written by tests go to a folder of this test run, removed at exit.
import atexit  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402

MEDIA_ROOT = tempfile.mkdtemp(prefix="shop-test-media-")
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
