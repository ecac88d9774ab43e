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


class InviteForm(RoleForm):
    email = forms.EmailField(
        label=_("E-post"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    name = forms.CharField(label=_("Navn"), max_length=150)
    field_order = ["email", "name", "role"]

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
