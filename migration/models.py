"""Legacy accounts, the per-customer move, and the history of every change.

A `LegacyAccount` is a login in the old shop. Staff flag a customer for the move (`CustomerMove`);
its legacy users then move through `LegacyAccount.State` along `TRANSITIONS`. Every state change is
made by `migration.services.state.legacy_account_transition`, which also writes its `MigrationEvent`.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CustomerMoveQuerySet(models.QuerySet):
    def flagged(self):
        return self.filter(flagged_at__isnull=False)


class CustomerMove(models.Model):
    """A customer number's move to the new shop: who pressed the move button, when, and the deadline."""

    customer = models.OneToOneField(
        "accounts.Customer", verbose_name=_("kunde"), on_delete=models.CASCADE, related_name="move"
    )
    flagged_at = models.DateTimeField(_("flyttet fra"), null=True, blank=True)
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("flyttet av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    deadline = models.DateField(_("frist"), null=True, blank=True)

    objects = CustomerMoveQuerySet.as_manager()

    class Meta:
        verbose_name = _("flytting")
        verbose_name_plural = _("flyttinger")

    def __str__(self):
        return f"{self.customer} – {self.deadline or '-'}"

    @property
    def is_flagged(self) -> bool:
        return self.flagged_at is not None

    def deadline_end(self) -> datetime | None:
        """The last moment of the deadline day, in the shop's time zone."""
        if self.deadline is None:
            return None
        return timezone.make_aware(datetime.combine(self.deadline + timedelta(days=1), time.min)) - timedelta(
            microseconds=1
        )

    def is_past_deadline(self, now=None) -> bool:
        end = self.deadline_end()
        return end is not None and (now or timezone.now()) > end


class LegacyAccountQuerySet(models.QuerySet):
    def invitable(self):
        """Accounts that get an invitation when their customer is flagged: active, with an email that
        has not bounced."""
        return self.filter(is_active=True, email_bounced_at__isnull=True).exclude(email="")

    def email_bounced(self):
        """Active accounts whose email came back («E-post i retur»): staff phone them."""
        return self.filter(is_active=True, email_bounced_at__isnull=False)

    def without_email(self):
        """Active accounts without an email: they get no invitation (staff contact them directly)."""
        return self.filter(is_active=True, email="")

    def not_moved(self):
        """Still to move: invited or postponed (not yet submitted the move form)."""
        return self.filter(is_active=True, state__in=LegacyAccount.NOT_MOVED)

    def awaiting_activation(self):
        """Move form sent, activation link not yet used."""
        return self.filter(state=LegacyAccount.State.SUBMITTED)

    def by_username(self, username: str):
        return self.filter(username__iexact=(username or "").strip())


class LegacyAccount(models.Model):
    """A login in the old shop, imported from its export."""

    class State(models.TextChoices):
        IMPORTED = "imported", _("Importert")
        INVITED = "invited", _("Invitert")
        POSTPONED = "postponed", _("Utsatt")
        SUBMITTED = "submitted", _("Skjema sendt")
        ACTIVATED = "activated", _("Aktivert")
        REACTIVATED = "reactivated", _("Reaktivert i dagens nettbutikk")

    # The one table of allowed state changes; `migration.services.state.legacy_account_transition`
    # performs them. A self-loop is a repeat that is recorded again («Utsett» twice; a new move form
    # after staff removed the new user). Everything else is refused with TransitionError.
    TRANSITIONS: dict[str, frozenset[str]] = {
        State.IMPORTED: frozenset({State.INVITED, State.POSTPONED, State.SUBMITTED}),
        State.INVITED: frozenset({State.POSTPONED, State.SUBMITTED}),
        State.POSTPONED: frozenset({State.POSTPONED, State.SUBMITTED}),
        State.SUBMITTED: frozenset({State.SUBMITTED, State.ACTIVATED}),
        State.ACTIVATED: frozenset({State.REACTIVATED}),
        State.REACTIVATED: frozenset(),
    }
    # Still to move (reminders go to these); moved (legacy access closed, or re-opened by staff); and
    # done with the move form (nothing left to postpone or to submit).
    NOT_MOVED = (State.INVITED, State.POSTPONED)
    MOVED = (State.ACTIVATED, State.REACTIVATED)
    SUBMITTED_OR_MOVED = (State.SUBMITTED, State.ACTIVATED, State.REACTIVATED)

    username = models.CharField(_("brukernavn i dagens nettbutikk"), max_length=150, unique=True)
    customer = models.ForeignKey(
        "accounts.Customer", verbose_name=_("kunde"), on_delete=models.CASCADE, related_name="legacy_accounts"
    )
    name = models.CharField(_("navn"), max_length=150, blank=True)
    email = models.EmailField(_("e-post i dagens nettbutikk"), blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    # Wrapped legacy hash (see migration.hashers) or a strong hash; "" = no usable legacy password.
    password = models.CharField(_("passord (kryptert)"), max_length=400, blank=True)
    is_main_user = models.BooleanField(_("hovedbruker"), default=False)
    # From the export: 0 means the old shop had already shut this user out.
    is_active = models.BooleanField(_("aktiv i dagens nettbutikk"), default=True)
    # Closed when the user activates in the new shop; re-opened by staff with a reason.
    legacy_access = models.BooleanField(_("tilgang til dagens nettbutikk"), default=True)
    # Changed only by migration.services.state.legacy_account_transition (see TRANSITIONS).
    state = models.CharField(_("status"), max_length=20, choices=State.choices, default=State.IMPORTED)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ny bruker"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="legacy_accounts",
    )
    submitted_at = models.DateTimeField(_("skjema sendt"), null=True, blank=True)
    activated_at = models.DateTimeField(_("aktivert"), null=True, blank=True)
    postponed_at = models.DateTimeField(_("utsatt"), null=True, blank=True)
    # «E-post i retur»: a flag beside the state, not a state (see migration/services/bounce.py).
    email_bounced_at = models.DateTimeField(_("e-post i retur"), null=True, blank=True)
    # db_default: bulk writers (the benchmark's COPY) may leave the bounce columns out.
    email_bounce_reason = models.TextField(_("årsak til retur"), blank=True, default="", db_default="")
    email_bounced_to = models.EmailField(_("adresse i retur"), blank=True, default="", db_default="")
    created_at = models.DateTimeField(_("importert"), auto_now_add=True)
    updated_at = models.DateTimeField(_("endret"), auto_now=True)

    objects = LegacyAccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("bruker i dagens nettbutikk")
        verbose_name_plural = _("brukere i dagens nettbutikk")
        ordering = ["customer__number", "username"]
        constraints = [
            models.UniqueConstraint(Lower("username"), name="legacy_username_ci_unique"),
        ]
        indexes = [models.Index(fields=["state"]), models.Index(Lower("email"), name="legacy_email_ci")]

    def __str__(self):
        return f"{self.username} ({self.customer.number})" if self.customer_id else self.username

    @property
    def has_moved(self) -> bool:
        return self.state in self.MOVED

    @property
    def is_invitable(self) -> bool:
        """The row-level twin of `LegacyAccount.objects.invitable()`."""
        return self.is_active and bool(self.email) and self.email_bounced_at is None

    @property
    def is_not_moved(self) -> bool:
        """The row-level twin of `LegacyAccount.objects.not_moved()`."""
        return self.is_active and self.state in self.NOT_MOVED

    def may_become(self, state: str) -> bool:
        return state in self.TRANSITIONS[self.state]


# The name the rest of the code imports (`from migration.models import State`).
State = LegacyAccount.State


class EventKind(models.TextChoices):
    IMPORTED = "imported", _("Importert")
    UPDATED = "updated", _("Oppdatert ved import")
    FLAGGED = "flagged", _("Kunden flyttet (flytteknapp)")
    INVITED = "invited", _("Invitasjon sendt")
    INVITATION_RESENT = "invitation_resent", _("Invitasjon sendt på nytt")
    REMINDED = "reminded", _("Påminnelse sendt")
    LEGACY_LOGIN = "legacy_login", _("Innlogget i dagens nettbutikk")
    LEGACY_PASSWORD_RESET = "legacy_password_reset", _("Nytt passord i dagens nettbutikk")
    POSTPONED = "postponed", _("Utsatt")
    SUBMITTED = "submitted", _("Flytteskjema sendt")
    ACTIVATION_SENT = "activation_sent", _("Aktiveringslenke sendt")
    ACTIVATED = "activated", _("Aktivert i ny nettbutikk")
    REACTIVATED = "reactivated", _("Reaktivert i dagens nettbutikk")
    INTEREST = "interest", _("Meldt interesse")
    EDITED = "edited", _("Endret av ansatt")
    EMAIL_BOUNCED = "email_bounced", _("E-post i retur")
    CALLED = "called", _("Ringt")


class ReactivationReason(models.TextChoices):
    """Why staff re-opened the old shop for someone who moved (the dashboard counts them)."""

    ORDER_HISTORY = "order_history", _("Trenger ordrehistorikken")
    FAVOURITES = "favourites", _("Trenger favorittene")
    DOCUMENTS = "documents", _("Trenger fakturaer eller andre dokumenter")
    ACCESS_PROBLEM = "access_problem", _("Kommer ikke inn i den nye nettbutikken")
    OTHER = "other", _("Annet")


class MigrationEventQuerySet(models.QuerySet):
    def activations(self):
        return self.filter(kind=EventKind.ACTIVATED)


class MigrationEvent(models.Model):
    """One change in a legacy account's (or a customer's) move: time, actor, kind and detail."""

    account = models.ForeignKey(
        LegacyAccount,
        verbose_name=_("bruker i dagens nettbutikk"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
    )
    customer = models.ForeignKey(
        "accounts.Customer",
        verbose_name=_("kunde"),
        on_delete=models.CASCADE,
        related_name="migration_events",
    )
    at = models.DateTimeField(_("tidspunkt"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utført av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(_("utført av (tekst)"), max_length=200, blank=True)
    kind = models.CharField(_("hendelse"), max_length=30, choices=EventKind.choices)
    detail = models.TextField(_("detaljer"), blank=True)
    reason = models.CharField(
        _("årsak"), max_length=30, choices=ReactivationReason.choices, blank=True, default="", db_default=""
    )  # re-activations only; db_default: bulk COPY writers (bench seed) leave it out

    objects = MigrationEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("hendelse")
        verbose_name_plural = _("hendelser")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["kind", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"


class MoveInterest(models.Model):
    """«Meld interesse»: a legacy user of a customer not yet flagged asks to move."""

    customer = models.ForeignKey(
        "accounts.Customer", verbose_name=_("kunde"), on_delete=models.CASCADE, related_name="move_interests"
    )
    account = models.ForeignKey(
        LegacyAccount,
        verbose_name=_("bruker i dagens nettbutikk"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interests",
    )
    message = models.TextField(_("melding"), blank=True)
    created_at = models.DateTimeField(_("tidspunkt"), auto_now_add=True)

    class Meta:
        verbose_name = _("interesse for flytting")
        verbose_name_plural = _("interesse for flytting")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.customer} {self.created_at:%Y-%m-%d}"


class LegacyOrder(models.Model):
    """An order placed in the old shop, carried over by `import_legacy_history` (read-only here).

    Shown in «Mine ordre» after the customer's own orders, marked «Fra dagens nettbutikk». Products
    are not linked: the lines keep the old shop's numbers and name, and «Bestill på nytt» matches
    them against today's catalogue when asked.
    """

    customer = models.ForeignKey(
        "accounts.Customer", verbose_name=_("kunde"), on_delete=models.CASCADE, related_name="legacy_orders"
    )
    number = models.CharField(_("ordrenummer"), max_length=40, unique=True)
    username = models.CharField(_("bestilt av (brukernavn)"), max_length=150, blank=True)
    ordered_at = models.DateField(_("bestilt"))
    reference = models.CharField(_("referanse"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=60, blank=True)
    total_excl_vat = models.DecimalField(
        _("sum eks. mva."), max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("ordre fra dagens nettbutikk")
        verbose_name_plural = _("ordrer fra dagens nettbutikk")
        ordering = ["-ordered_at", "-number"]
        indexes = [
            models.Index(fields=["customer", "-ordered_at", "-number"], name="legacyorder_customer_date")
        ]

    def __str__(self):
        return self.number


class LegacyOrderLine(models.Model):
    order = models.ForeignKey(
        LegacyOrder, verbose_name=_("ordre"), on_delete=models.CASCADE, related_name="lines"
    )
    line_number = models.PositiveIntegerField(_("linje"))
    sku = models.CharField(_("varenummer"), max_length=40, blank=True)
    el_number = models.CharField(_("EL-nummer"), max_length=20, blank=True)
    name = models.CharField(_("varenavn"), max_length=300)
    quantity = models.DecimalField(_("antall"), max_digits=12, decimal_places=3)
    unit = models.CharField(_("enhet"), max_length=20, blank=True)
    unit_price = models.DecimalField(_("enhetspris"), max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("ordrelinje fra dagens nettbutikk")
        verbose_name_plural = _("ordrelinjer fra dagens nettbutikk")
        ordering = ["order", "line_number"]
        constraints = [
            models.UniqueConstraint(fields=["order", "line_number"], name="legacyorderline_order_line_unique")
        ]

    def __str__(self):
        return f"{self.order_id}:{self.line_number} {self.name}"


class LegacyFavourite(models.Model):
    """One product on a legacy user's favourites; becomes a line of «Favoritter fra dagens nettbutikk»."""

    account = models.ForeignKey(
        LegacyAccount,
        verbose_name=_("bruker i dagens nettbutikk"),
        on_delete=models.CASCADE,
        related_name="favourites",
    )
    sku = models.CharField(_("varenummer"), max_length=40, blank=True)
    el_number = models.CharField(_("EL-nummer"), max_length=20, blank=True)
    quantity = models.PositiveIntegerField(_("antall"), default=1)

    class Meta:
        verbose_name = _("favoritt fra dagens nettbutikk")
        verbose_name_plural = _("favoritter fra dagens nettbutikk")
        constraints = [
            models.UniqueConstraint(fields=["account", "sku", "el_number"], name="legacyfavourite_unique")
        ]

    def __str__(self):
        return f"{self.sku or self.el_number} × {self.quantity}"


class LegacyFavouritesCarried(models.Model):
    """Marks that a moved account's favourites became its order list (once: a renamed or deleted
    list is the user's choice and is not made again)."""

    account = models.OneToOneField(LegacyAccount, on_delete=models.CASCADE, related_name="favourites_carried")
    order_list = models.ForeignKey("shop.OrderList", on_delete=models.SET_NULL, null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.account_id} {self.at:%Y-%m-%d}"
