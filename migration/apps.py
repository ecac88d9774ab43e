from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MigrationConfig(AppConfig):
    name = "migration"
    verbose_name = _("Flytting fra dagens nettbutikk")

    def ready(self):
        from core.signals import email_bounced
        from shop.history import order_history_register

        # The Celery tasks are registered in every process: services queue the wave's task by name
        # (`services.move.FLAG_CUSTOMERS_TASK`) rather than importing tasks, which import services.
        # `links` registers the flow's signed-link kinds with core.links (which names no app).
        from . import (
            links,  # noqa: F401
            tasks,  # noqa: F401
        )
        from .order_history import SOURCE
        from .services.bounce import on_email_bounced

        # The old shop's orders appear in «Mine ordre» through the shop's history hook.
        order_history_register(SOURCE)
        # «E-post i retur»: core's outbox tells us a row bounced; core never imports this app.
        email_bounced.connect(on_email_bounced, dispatch_uid="migration.email_bounced")
