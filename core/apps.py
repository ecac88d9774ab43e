import logging

from django.apps import AppConfig
from django.conf import settings


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Drift"

    def ready(self):
        # The deploy checks; provider webhooks (django-anymail's tracking signal) become bounces.
        from . import (
            checks,  # noqa: F401
            webhooks,  # noqa: F401
        )

        # LOG_FORMAT=json promises JSON on every line: Python warnings go through logging too.
        if settings.LOG_FORMAT == "json":
            logging.captureWarnings(True)
