from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = _("Nettbutikk")

    def ready(self):
        from . import (
            caching,  # noqa: F401  (connects the signals that invalidate cached lists)
            media,  # noqa: F401  (removes a deleted picture's or document's files)
        )
