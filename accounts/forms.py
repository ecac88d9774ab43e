from decimal import Decimal

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from .models import Role, User


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Navn"), max_length=150)
    phone = forms.CharField(
        label=_("Telefon"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        allowed = set("0123456789+ -()")
        if phone and (not set(phone) <= allowed or sum(c.isdigit() for c in phone) < 5):
            raise forms.ValidationError(_("Skriv et gyldig telefonnummer, for eksempel 22 00 00 00."))
        return phone


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Rolle"), choices=Role.choices)


class AmountField(forms.DecimalField):
    """Kroner as people type them: «5 000», «5000,50» or «5000.50» (spaces as thousand separators)."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace(" ", "").replace("\xa0", "").removesuffix("kr")
        return super().to_python(value)


class BuyingRightsForm(forms.Form):
    """«Ordregrense» and «Kan se priser» of one membership."""

    order_limit = AmountField(
        label=_("Ordregrense (kr eks. mva)"),
        required=False,
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        localize=True,
        help_text=_("Ordre over grensen venter på godkjenning fra en administrator. Tomt felt: ingen grense."),
        error_messages={
            "invalid": _("Skriv et beløp i kroner, for eksempel 5000 eller 5000,50."),
            "min_value": _("Ordregrensen kan ikke være negativ."),
            "max_digits": _("Beløpet er for stort."),
            "max_whole_digits": _("Beløpet er for stort."),
            "max_decimal_places": _("Skriv beløpet med høyst to desimaler."),
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    can_see_prices = forms.BooleanField(
        label=_("Kan se priser"),
        required=False,
        help_text=_("Uten prisrettighet ser brukeren ingen priser, rabatter eller summer, men kan bestille."),
    )


class InviteForm(RoleForm, BuyingRightsForm):
    email = forms.EmailField(
        label=_("E-post"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    name = forms.CharField(label=_("Navn"), max_length=150)
    field_order = ["email", "name", "role", "order_limit", "can_see_prices"]

    def clean_can_see_prices(self):
        # An unticked checkbox sends nothing, so only a form that showed the buying fields (it always
        # sends `order_limit`, empty or not) can take the price right away; other clients keep it.
        if "order_limit" not in self.data:
            return True
        return self.cleaned_data["can_see_prices"]

    def clean_email(self):
        return User.objects.normalize_email(self.cleaned_data["email"])


class SetPasswordForm(forms.Form):
    """The first password, set through an invitation link. Typed exactly as is (no stripping)."""

    password1 = forms.CharField(
        label=_("Nytt passord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Minst 12 tegn. Gjerne en setning du husker; mellomrom og æøå er lov."),
    )
    password2 = forms.CharField(
        label=_("Gjenta passordet"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password1(self):
        password = self.cleaned_data["password1"]
        password_validation.validate_password(password, self.user)
        return password

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 is not None and password1 != password2:
            self.add_error("password2", _("Passordene er ikke like."))
        return cleaned
