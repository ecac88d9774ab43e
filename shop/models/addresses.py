"""A customer's delivery addresses."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Customer


class AddressQuerySet(models.QuerySet):
    def for_customer(self, customer):
        return self.filter(customer=customer, is_active=True)


class Address(models.Model):
    """A delivery address of a customer («leveringsadresse»)."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("kunde"), on_delete=models.CASCADE, related_name="addresses"
    )
    name = models.CharField(_("navn/mottaker"), max_length=200)
    street = models.CharField(_("adresse"), max_length=200)
    postal_code = models.CharField(
        _("postnummer"),
        max_length=4,
        validators=[RegexValidator(r"^\d{4}$", _("Postnummeret må ha 4 sifre."))],
    )
    city = models.CharField(_("sted"), max_length=100)
    is_active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)

    objects = AddressQuerySet.as_manager()

    class Meta:
        verbose_name = _("leveringsadresse")
        verbose_name_plural = _("leveringsadresser")
        ordering = ["name", "street"]

    def __str__(self):
        return f"{self.name}, {self.street}, {self.postal_code} {self.city}"
