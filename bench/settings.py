"""Benchmark settings: production settings, plus the bench-only URL conf (see bench/urls.py).

Only `bench/run.py` uses this module; nothing in the shop imports it.
"""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
