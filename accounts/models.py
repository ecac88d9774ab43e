from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Branch(models.Model):
    """A local branch («avdeling»): holds stock; customers and staff belong to one."""

    code = models.CharField(_("kode"), max_length=20, unique=True)
    name = models.CharField(_("navn"), max_length=120)
    email = models.EmailField(_("e-post"), blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    street = models.CharField(_("adresse"), max_length=200, blank=True)
    postal_code = models.CharField(_("postnummer"), max_length=10, blank=True)
    city = models.CharField(_("sted"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("avdeling")
        verbose_name_plural = _("avdelinger")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Customer(models.Model):
    """A company account («kunde») with a unique customer number; belongs to one branch."""

    number = models.CharField(_("kundenummer"), max_length=20, unique=True)
    name = models.CharField(_("navn"), max_length=200)
    branch = models.ForeignKey(
        Branch, verbose_name=_("avdeling"), on_delete=models.PROTECT, related_name="customers"
    )
    org_number = models.CharField(_("organisasjonsnummer"), max_length=20, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    is_active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("kunde")
        verbose_name_plural = _("kunder")
        ordering = ["number"]

    def __str__(self):
        return f"{self.number} {self.name}"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("The email address is required")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    @classmethod
    def normalize_email(cls, email):
        return (email or "").strip().lower()


class User(AbstractBaseUser, PermissionsMixin):
    """A person. The email address is the login (unique, case-insensitive); there is no username.

    A user may be a member of several customers (see Membership); staff belong to a branch.
    """

    email = models.EmailField(_("e-post"), max_length=254, unique=True)
    name = models.CharField(_("navn"), max_length=150, blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    branch = models.ForeignKey(
        Branch,
        verbose_name=_("avdeling"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff",
        help_text=_("For ansatte: avdelingen de tilhører."),
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    is_staff = models.BooleanField(
        _("ansatt"), default=False, help_text=_("Kan logge inn i administrasjonen.")
    )
    date_joined = models.DateTimeField(_("opprettet"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("bruker")
        verbose_name_plural = _("brukere")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self):
        return self.name or self.email

    def clean(self):
        super().clean()
        self.email = UserManager.normalize_email(self.email)

    def get_full_name(self):
        return self.name or self.email

    def get_short_name(self):
        return (self.name or self.email).split(" ")[0]


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    BUYER = "innkjoper", _("Innkjøper")
    READ_ONLY = "lesetilgang", _("Lesetilgang")


class MembershipStatus(models.TextChoices):
    """Status in «Brukere»: aktiv (can log in), invitert (no password yet), deaktivert."""

    ACTIVE = "aktiv", _("aktiv")
    INVITED = "invitert", _("invitert")
    DEACTIVATED = "deaktivert", _("deaktivert")


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, user__is_active=True)

    def for_customer(self, customer):
        return self.filter(customer=customer)

    def administrators(self):
        return self.filter(role=Role.ADMINISTRATOR)


class Membership(models.Model):
    """A user's role in one customer. Deactivating it shuts the user out of that customer only."""

    user = models.ForeignKey(
        User, verbose_name=_("bruker"), on_delete=models.CASCADE, related_name="memberships"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("kunde"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices, default=Role.BUYER)
    is_active = models.BooleanField(_("aktiv"), default=True)
    invited_by = models.ForeignKey(
        User,
        verbose_name=_("invitert av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("medlemskap")
        verbose_name_plural = _("medlemskap")
        ordering = ["customer__number", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "customer"], name="membership_user_customer_unique"),
        ]

    def __str__(self):
        return f"{self.user} – {self.customer} ({self.get_role_display()})"

    @property
    def is_administrator(self):
        return self.role == Role.ADMINISTRATOR

    @property
    def status(self) -> str:
        if not self.is_active or not self.user.is_active:
            return MembershipStatus.DEACTIVATED
        if not self.user.has_usable_password():
            return MembershipStatus.INVITED
        return MembershipStatus.ACTIVE

    def get_status_display(self) -> str:
        return MembershipStatus(self.status).label

    @property
    def can_order(self):
        return self.role in (Role.ADMINISTRATOR, Role.BUYER)


class MembershipOffer(models.Model):
    """«Bli med i …»: an administrator added the email of a person who already has a user.

    Nothing is shared or changed for that person until they accept, logged in as themselves
    (a POST on «Bli med»); then the membership is created. The administrator sees only what they
    typed themselves (email, name, role), never the person's name, last login or account state.
    """

    customer = models.ForeignKey(Customer, verbose_name=_("kunde"), on_delete=models.CASCADE,
                                 related_name="membership_offers")
    user = models.ForeignKey(User, verbose_name=_("bruker"), on_delete=models.CASCADE, related_name="+")
    email = models.EmailField(_("e-post"))
    name = models.CharField(_("navn"), max_length=150, blank=True)
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices, default=Role.BUYER)
    invited_by = models.ForeignKey(User, verbose_name=_("invitert av"), on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("invitasjon til eksisterende bruker")
        verbose_name_plural = _("invitasjoner til eksisterende brukere")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "customer"], name="membership_offer_user_customer_unique"),
        ]

    def __str__(self):
        return f"{self.email} → {self.customer}"
