import os

# Playwright's sync API runs an asyncio loop in the test thread; Django's ORM would otherwise refuse
# to run in the same thread. Tests only: the app itself never mixes the two.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402
from django.core.cache import cache  # noqa: E402

pytest_plugins = ["tests.fixtures.browser", "tests.fixtures.services", "tests.fixtures.data"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached fragments never leak from one test into the next."""
    cache.clear()
    yield
    cache.clear()
