"""What the identity app stores beside allauth's OpenID Connect tables."""

from allauth.idp.oidc.models import Client
from django.conf import settings
from django.db import models
from django.utils import timezone


class OIDCConsent(models.Model):
    """The scopes a person granted a client on the consent page, so it is asked only once.

    A later authorization for the same or fewer scopes skips the page; asking for a scope not
    granted yet shows it again. Deleting the row (admin, or the client or user going away)
    brings the question back.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="oidc_consents")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    scopes = models.JSONField(default=list)
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "client"], name="identity_consent_one_per_client"),
        ]
        verbose_name = "samtykke (OpenID Connect)"
        verbose_name_plural = "samtykker (OpenID Connect)"

    def __str__(self):
        return f"{self.user_id} → {self.client_id}: {' '.join(self.scopes)}"
