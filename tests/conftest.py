import os

# Playwright's sync API runs an asyncio loop in the test thread; Django's ORM would otherwise refuse
# to run in the same thread. Tests only: the app itself never mixes the two.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402
from django.core.cache import cache  # noqa: E402

pytest_plugins = [
    "tests.fixtures.browser",
    "tests.fixtures.services",
    "tests.fixtures.data",
    "tests.fixtures.mfa",
]


@pytest.fixture
def client():
    """pytest-django's `client`, whose `force_login` of a staff user with a second factor stands
    for a login that passed the code step (tests/fixtures/mfa.py)."""
    from tests.fixtures.mfa import SecondFactorClient

    return SecondFactorClient()


@pytest.fixture
def admin_user(admin_user):
    """pytest-django's superuser, with a TOTP app like every staff user."""
    from tests.fixtures.mfa import give_totp

    give_totp(admin_user)
    return admin_user


@pytest.fixture
def admin_client(admin_user):
    from tests.fixtures.mfa import SecondFactorClient

    client = SecondFactorClient()
    client.force_login(admin_user)
    return client


@pytest.fixture(autouse=True)
def _fresh_content_types():
    """Transactional tests flush the database and post_migrate recreates the content types with new
    ids; Django's in-process ContentType cache would still hand out the old ones (admin log rows)."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached fragments never leak from one test into the next."""
    from shop.caching import forget_local

    cache.clear()
    forget_local()
    yield
    cache.clear()
    forget_local()


def pytest_collection_modifyitems(config, items):
    """Without PostgreSQL/Redis configured, say clearly which tests could not run here.

    In CI (CI=true) nothing is skipped: a test whose services are missing fails.
    """
    if os.environ.get("CI"):
        return
    from django.conf import settings

    reasons = {}
    if not settings.IS_POSTGRES:
        reasons["postgres"] = reasons["worker"] = "needs PostgreSQL: set DATABASE_URL=postgres://…"
    if not settings.REDIS_URL:
        reasons.setdefault("worker", "needs Redis and a Celery worker: set REDIS_URL=redis://…")
    for item in items:
        for marker, reason in reasons.items():
            if item.get_closest_marker(marker):
                item.add_marker(pytest.mark.skip(reason=reason))
                break
