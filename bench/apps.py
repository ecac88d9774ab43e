from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmarks' own app: `manage.py seed_bench`. Installed only by `bench.settings`."""

    name = "bench"
    verbose_name = "Benchmarks"
