import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboundEmailQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=OutboundEmail.Status.PENDING)

    def stale(self, *, older_than):
        """Pending rows whose task may have been lost (a broker restart, a dead worker)."""
        return self.pending().filter(next_attempt_at__lt=older_than)


class OutboundEmail(models.Model):
    """One email we have decided to send: the outbox row.

    It is written in the same transaction as the change that causes it and sent by a Celery task
    after commit; the unique idempotency key makes one event produce at most one email.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Venter")
        # Committed just before the SMTP end-of-data mark. A row left here means its worker died
        # before the server answered; the sweeper sends it again (see core/email.py::outbox_sweep).
        SENDING = "sending", _("Sendes (ubekreftet)")
        SENT = "sent", _("Sendt")
        FAILED = "failed", _("Feilet")
        # The recipient's server refused the address for good (a 5xx at RCPT, a DSN, a provider's
        # bounce/complaint webhook): never retried; see core/bounces.py.
        BOUNCED = "bounced", _("I retur")

    idempotency_key = models.CharField(_("idempotensnøkkel"), max_length=200, unique=True)
    kind = models.CharField(_("type"), max_length=60, db_index=True)
    to = models.EmailField(_("mottaker"), max_length=254)
    reply_to = models.EmailField(_("svar til"), max_length=254, blank=True)
    template = models.CharField(_("mal"), max_length=200)
    context = models.JSONField(_("innhold"), default=dict, blank=True)
    language = models.CharField(_("språk"), max_length=10, default="nb")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(_("forsøk"), default=0)
    last_error = models.TextField(_("siste feil"), blank=True)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("endret"), auto_now=True)
    sent_at = models.DateTimeField(_("sendt"), null=True, blank=True)
    bounced_at = models.DateTimeField(_("i retur"), null=True, blank=True)
    bounce_reason = models.TextField(_("årsak til retur"), blank=True)
    # When the next (re)try is due; the sweeper re-enqueues rows well past it.
    next_attempt_at = models.DateTimeField(_("neste forsøk"), default=timezone.now)

    objects = OutboundEmailQuerySet.as_manager()

    class Meta:
        verbose_name = _("utgående e-post")
        verbose_name_plural = _("utgående e-poster")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.kind} → {self.to} ({self.get_status_display()})"

    def message_id(self) -> str:
        """The Message-ID header of this email: stable per row, so receiving servers fold the rare
        duplicate, and a bounce that quotes it finds the row (core/bounces.py)."""
        domain = settings.SHOP_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"
        return f"<{hashlib.sha256(self.idempotency_key.encode()).hexdigest()[:32]}@{domain}>"
