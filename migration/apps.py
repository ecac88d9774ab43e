from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MigrationConfig(AppConfig):
    name = "migration"
    verbose_name = _("Flytting fra dagens nettbutikk")

    def ready(self):
        from shop.history import order_history_register

        # Register the Celery tasks in every process: services queue the wave's task by name
        # (`services.move.FLAG_CUSTOMERS_TASK`) rather than importing tasks, which import services.
        # The flow's signed-link kinds, registered with core.links (which names no app).
        from . import (
            links,  # noqa: F401
            tasks,  # noqa: F401
        )
        from .order_history import SOURCE

        # The old shop's orders appear in «Mine ordre» through the shop's history hook.
        order_history_register(SOURCE)
