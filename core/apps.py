from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Drift"

    def ready(self):
        # The deploy checks; provider webhooks (django-anymail's tracking signal) become bounces.
        from . import (
            checks,  # noqa: F401
            webhooks,  # noqa: F401
        )
