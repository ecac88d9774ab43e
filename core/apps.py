from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Drift"

    def ready(self):
        # Provider webhooks (django-anymail's tracking signal) become bounces.
        from . import webhooks  # noqa: F401
