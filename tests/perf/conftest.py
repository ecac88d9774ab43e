"""The benchmark tests run with the `bench` app installed, as `bench.settings` does.

The shop's settings (and so every other test) never install it: seed_bench is not part of the product.
"""

import pytest


@pytest.fixture(autouse=True)
def _bench_app_installed(settings):
    # Changing INSTALLED_APPS through the settings fixture re-populates the app registry and clears
    # the management command cache (django.test.signals), so `call_command("seed_bench")` finds it.
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "bench"]
