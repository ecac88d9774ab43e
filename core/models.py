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
