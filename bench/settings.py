"""Benchmark settings: the shop's settings plus the `bench` app (`seed_bench`) and the bench URL conf.

The shop's own settings (base, production, test) never install `bench`, so the product neither
runs nor tests any benchmark code. Underneath lie the shop settings named by `BENCH_SETTINGS_BASE`:
`config.settings.base` by default (for `manage.py seed_bench --settings=bench.settings`), the
production settings for the page benchmarks (`bench/run.py` sets it, see `bench_env`).
"""

import os
from importlib import import_module

_base = import_module(os.environ.get("BENCH_SETTINGS_BASE", "config.settings.base"))
globals().update({name: value for name, value in vars(_base).items() if name.isupper()})

INSTALLED_APPS = [*_base.INSTALLED_APPS, "bench"]
ROOT_URLCONF = "bench.urls"
