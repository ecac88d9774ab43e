from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MigrationConfig(AppConfig):
    name = "migration"
    verbose_name = _("Flytting fra dagens nettbutikk")

    def ready(self):
        # Register the Celery tasks in every process: services queue the wave's task by name
        # (`services.move.FLAG_CUSTOMERS_TASK`) rather than importing tasks, which import services.
        from core.signals import email_bounced

        from . import (
            links,  # noqa: F401
            tasks,  # noqa: F401
        )
        from .services.bounce import on_email_bounced

        # «E-post i retur»: core's outbox tells us a row bounced; core never imports this app.
        email_bounced.connect(on_email_bounced, dispatch_uid="migration.email_bounced")
