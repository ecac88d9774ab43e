from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from .models import ReactivationReason
from .services import deadline_bounds


class LegacyLoginForm(forms.Form):
    username = forms.CharField(
        label=_("Brukernavn"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Passord"),
        max_length=512,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class LegacyResetRequestForm(forms.Form):
    username = forms.CharField(
        label=_("Brukernavn i dagens nettbutikk"),
        max_length=150,
        help_text=_("Vi sender en lenke til e-postadressen som er registrert på brukernavnet."),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )


class LegacySetPasswordForm(forms.Form):
    password1 = forms.CharField(
        label=_("Nytt passord"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Minst 12 tegn."),
    )
    password2 = forms.CharField(
        label=_("Gjenta passordet"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("Passordene er ikke like."))
        elif data.get("password1"):
            try:
                password_validation.validate_password(data["password1"])
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class MoveForm(forms.Form):
    name = forms.CharField(
        label=_("Navn"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("E-post"),
        max_length=254,
        help_text=_("Dette blir brukernavnet ditt i den nye nettbutikken. Bruk din egen e-postadresse."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Telefon"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )


class InterestForm(forms.Form):
    message = forms.CharField(
        label=_("Melding til avdelingen"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ActivationRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("E-post"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class DeadlineForm(forms.Form):
    deadline = forms.DateField(label=_("Frist for å flytte"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.earliest, default, self.latest = deadline_bounds(today)
        self.fields["deadline"].initial = default
        self.fields["deadline"].widget.attrs.update(
            {"min": self.earliest.isoformat(), "max": self.latest.isoformat()}
        )
        self.fields["deadline"].help_text = _(
            "Mellom %(min)s og %(max)s (%(a)s–%(b)s dager). Standard er %(d)s dager."
        ) % {
            "min": self.earliest.strftime("%d.%m.%Y"),
            "max": self.latest.strftime("%d.%m.%Y"),
            "a": settings.MIGRATION_DEADLINE_MIN_DAYS,
            "b": settings.MIGRATION_DEADLINE_MAX_DAYS,
            "d": settings.MIGRATION_DEADLINE_DEFAULT_DAYS,
        }

    def clean_deadline(self):
        value = self.cleaned_data["deadline"]
        if not (self.earliest <= value <= self.latest):
            raise forms.ValidationError(
                _("Velg en frist mellom %(min)s og %(max)s.")
                % {"min": self.earliest.strftime("%d.%m.%Y"), "max": self.latest.strftime("%d.%m.%Y")}
            )
        return value


class ReactivateForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Årsak"),
        choices=ReactivationReason.choices,
        required=False,  # left out (older forms, scripts): «Annet»
        initial=ReactivationReason.OTHER,
        error_messages={"invalid_choice": _("Velg en årsak i listen.")},
        help_text=_("Telles på oversikten, så vi ser hva kundene fortsatt trenger dagens nettbutikk til."),
    )
    reason = forms.CharField(
        label=_("Begrunnelse"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Lagres i historikken til brukeren."),
    )

    def clean_category(self):
        return self.cleaned_data["category"] or ReactivationReason.OTHER

    def clean_reason(self):
        value = self.cleaned_data["reason"].strip()
        if not value:
            raise forms.ValidationError(_("Skriv en begrunnelse."))
        return value
