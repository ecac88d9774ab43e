from django.apps import AppConfig


class IdentityConfig(AppConfig):
    """The shop as identity provider: OpenID Connect claims, the app API, token revocation."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "identity"
    verbose_name = "Identitet"

    def ready(self):
        from . import oidc, signals  # noqa: F401

        oidc.install()
