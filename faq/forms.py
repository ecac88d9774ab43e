import re
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from accounts.models import Branch, Customer

from .models import SupportRequest

# Anything that looks like an HTML tag: support requests are plain text.
HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")
PHONE = re.compile(r"^\+?[0-9 ()./-]{5,25}$")
SIGNER_SALT = "faq.contact.started"


def form_started_token(*, seconds_ago: float = 0) -> str:
    """A signed timestamp (milliseconds) of when the form was shown, for the minimum fill time and expiry."""
    return signing.Signer(salt=SIGNER_SALT).sign(str(int((time.time() - seconds_ago) * 1000)))


def _no_html(value: str) -> str:
    if HTML_TAG.search(value or ""):
        raise forms.ValidationError(
            _("Skriv vanlig tekst uten HTML-koder (tegn som «<script>»)."), code="html"
        )
    return value


class ContactForm(forms.Form):
    """«Kontakt oss». Every problem is reported next to its field (or above the form for the
    honeypot and the timing checks); nothing here touches the database except the customer lookup."""

    # Set when the start time was missing, forged or expired: the view then issues a fresh one.
    fresh_token = False

    name = forms.CharField(
        label=_("Navn"),
        max_length=150,
        error_messages={
            "required": _("Skriv navnet ditt."),
            "max_length": _("Navnet kan ha høyst %(limit_value)d tegn (du skrev %(show_value)d)."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-post"),
        max_length=254,
        help_text=_("Vi svarer til denne adressen."),
        error_messages={
            "required": _("Skriv e-postadressen din, så vi kan svare deg."),
            "invalid": _("Skriv en gyldig e-postadresse, for eksempel navn@firma.no."),
            "max_length": _("E-postadressen er for lang."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Telefon"),
        max_length=40,
        required=False,
        error_messages={"max_length": _("Telefonnummeret er for langt.")},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    customer_number = forms.CharField(
        label=_("Kundenummer"),
        max_length=20,
        required=False,
        help_text=_("Står på fakturaen og i e-posten om flytting."),
        error_messages={"max_length": _("Kundenummeret er for langt.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    branch = forms.ModelChoiceField(
        label=_("Avdeling"),
        queryset=Branch.objects.order_by("name"),
        required=False,
        empty_label=_("Vet ikke / velg avdeling"),
        help_text=_("Henvendelsen går til denne avdelingen. Velger du ingen, bruker vi kundens avdeling."),
        error_messages={"invalid_choice": _("Velg en avdeling fra listen.")},
    )
    topic = forms.ChoiceField(
        label=_("Hva gjelder det?"),
        choices=[("", _("Velg emne")), *SupportRequest.Topic.choices],
        error_messages={
            "required": _("Velg hva henvendelsen gjelder."),
            "invalid_choice": _("Velg et emne fra listen."),
        },
    )
    message = forms.CharField(
        label=_("Melding"),
        max_length=settings.CONTACT_MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 7}),
        error_messages={
            "required": _("Skriv hva vi kan hjelpe deg med."),
            "max_length": _("Meldingen kan ha høyst %(limit_value)d tegn (du skrev %(show_value)d)."),
        },
    )
    # Honeypot: hidden from people (CSS and aria-hidden), filled in by naive bots.
    website = forms.CharField(label=_("Nettsted (la stå tomt)"), required=False)
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.fields["name"].validators.append(_no_html)
        self.fields["message"].validators.append(_no_html)
        self.fields["message"].widget.attrs["maxlength"] = settings.CONTACT_MESSAGE_MAX_LENGTH
        self.customer = None

    def full_clean(self):
        super().full_clean()
        # Screen readers announce a field's error together with the field.
        for name in self.errors:
            if name in self.fields:
                field = self.fields[name]
                ids = [f"id_{name}_error"] + ([f"id_{name}_helptext"] if field.help_text else [])
                field.widget.attrs["aria-describedby"] = " ".join(ids)

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not PHONE.match(phone):
            raise forms.ValidationError(_("Skriv telefonnummeret med sifre, for eksempel 22 00 00 00."))
        return phone

    def clean_customer_number(self):
        number = self.cleaned_data["customer_number"].strip().replace(" ", "")
        if not number:
            return ""
        customer = Customer.objects.select_related("branch").filter(number=number).first()
        if customer is None:
            raise forms.ValidationError(
                _("Vi finner ikke kundenummeret %(number)s. Sjekk nummeret, eller la feltet stå tomt."),
                params={"number": number},
                code="unknown_customer",
            )
        self.customer = customer
        return number

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        if not message:
            raise forms.ValidationError(_("Skriv hva vi kan hjelpe deg med."))
        return message

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise forms.ValidationError(
                _("Skjemaet ble avvist fordi et skjult felt var fylt ut. Last siden på nytt og prøv igjen."),
                code="honeypot",
            )
        self._check_fill_time(cleaned.get("started") or "")
        return cleaned

    def _check_fill_time(self, token: str) -> None:
        try:
            started = int(signing.Signer(salt=SIGNER_SALT).unsign(token)) / 1000
        except (signing.BadSignature, ValueError):
            started = None
        if started is None or time.time() - started > settings.CONTACT_FORM_MAX_AGE_SECONDS:
            self.fresh_token = True
            raise forms.ValidationError(
                _("Skjemaet var for gammelt eller ufullstendig. Se over feltene og send på nytt."),
                code="expired",
            )
        if time.time() - started < settings.CONTACT_MIN_FILL_SECONDS:
            raise forms.ValidationError(
                _("Skjemaet ble sendt veldig raskt. Vent noen sekunder og send det på nytt."),
                code="too_fast",
            )
