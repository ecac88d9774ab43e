from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Branch

from .cart import MAX_QUANTITY
from .models import Order
from .selectors import address_list_for_customer

SORT_CHOICES = [
    ("relevance", _("Relevans")),
    ("name", _("Navn A–Å")),
    ("name_desc", _("Navn Å–A")),
    ("price", _("Pris, lavest først")),
    ("price_desc", _("Pris, høyest først")),
]


class ProductFilterForm(forms.Form):
    """Filters and sorting of a product list; an invalid value is ignored on its own, never an error."""

    kategori = forms.CharField(required=False, label=_("Kategori"))
    produsent = forms.CharField(required=False, max_length=120, label=_("Produsent"))
    lager = forms.BooleanField(required=False, label=_("På lager i min avdeling"))
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES, label=_("Sortering"))


class QuantityForm(forms.Form):
    quantity = forms.IntegerField(
        label=_("Antall"),
        min_value=1,
        max_value=MAX_QUANTITY,
        initial=1,
        error_messages={"invalid": _("Skriv et helt tall."), "required": _("Skriv et antall.")},
    )


class LineQuantityForm(forms.Form):
    quantity = forms.IntegerField(
        label=_("Antall"),
        min_value=0,
        max_value=MAX_QUANTITY,
        error_messages={"invalid": _("Skriv et helt tall."), "required": _("Skriv et antall.")},
    )


class QuickOrderForm(forms.Form):
    lines = forms.CharField(
        label=_("Varelinjer"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "autocomplete": "off"}),
        help_text=_("Én vare per linje: nummer;antall. Nummer kan være varenummer, EL-nummer eller EAN."),
    )
    file = forms.FileField(
        label=_("…eller last opp en CSV-fil"),
        required=False,
        help_text=_("Samme format: nummer;antall, én vare per linje."),
    )

    MAX_FILE_BYTES = 512 * 1024

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return ""
        if upload.size > self.MAX_FILE_BYTES:
            raise forms.ValidationError(_("Filen er for stor (høyst 512 kB)."))
        raw = upload.read()
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise forms.ValidationError(_("Filen kunne ikke leses. Lagre den som CSV (UTF-8)."))

    def clean(self):
        data = super().clean()
        text = "\n".join(part for part in (data.get("lines", ""), data.get("file", "")) if part)
        if not self.errors and not text.strip():
            raise forms.ValidationError(_("Lim inn varelinjer eller velg en fil."))
        data["text"] = text
        return data


class CheckoutForm(forms.Form):
    NEW_ADDRESS = "ny"

    token = forms.UUIDField(widget=forms.HiddenInput)
    # What the cart held when the form was shown: the order is only placed for what the user saw.
    cart_version = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)
    delivery_method = forms.ChoiceField(
        label=_("Levering"),
        choices=Order.Delivery.choices,
        widget=forms.RadioSelect,
        initial=Order.Delivery.PICKUP,
    )
    address = forms.ChoiceField(label=_("Leveringsadresse"), required=False, widget=forms.RadioSelect)
    new_name = forms.CharField(label=_("Mottaker / firma"), max_length=200, required=False)
    new_street = forms.CharField(label=_("Gateadresse"), max_length=200, required=False)
    new_postal_code = forms.CharField(
        label=_("Postnummer"),
        max_length=4,
        required=False,
        validators=[RegexValidator(r"^\d{4}$", _("Postnummeret må ha 4 sifre."))],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    new_city = forms.CharField(label=_("Sted"), max_length=100, required=False)
    pickup_branch = forms.ModelChoiceField(
        label=_("Hentes i avdeling"), queryset=Branch.objects.all(), required=False, empty_label=None
    )
    reference = forms.CharField(
        label=_("Deres referanse"),
        max_length=100,
        required=False,
        help_text=_("Prosjekt, ordrenummer eller navn – står på pakkseddel og faktura."),
    )
    requested_date = forms.DateField(
        label=_("Ønsket leveringsdato"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Skriv en gyldig dato.")},
    )
    comment = forms.CharField(
        label=_("Kommentar"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.customer = customer
        self.addresses = list(address_list_for_customer(customer=customer))
        self.fields["address"].choices = [(str(a.pk), str(a)) for a in self.addresses] + [
            (self.NEW_ADDRESS, _("Ny adresse"))
        ]
        if not self.is_bound:
            self.initial.setdefault(
                "address", str(self.addresses[0].pk) if self.addresses else self.NEW_ADDRESS
            )
            self.initial.setdefault("pickup_branch", customer.branch_id)
        self.fields["requested_date"].widget.attrs["min"] = timezone.localdate().isoformat()
        self.fields["reference"].widget.attrs["aria-describedby"] = "id_reference-help"

    def clean_requested_date(self):
        value = self.cleaned_data.get("requested_date")
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("Datoen kan ikke være tilbake i tid."))
        return value

    def clean(self):
        data = super().clean()
        method = data.get("delivery_method")
        if method == Order.Delivery.PICKUP:
            if not data.get("pickup_branch"):
                self.add_error("pickup_branch", _("Velg avdelingen du vil hente i."))
        elif method == Order.Delivery.DELIVERY:
            choice = data.get("address")
            if choice == self.NEW_ADDRESS or not self.addresses:
                for name, message in (
                    ("new_name", _("Skriv mottaker.")),
                    ("new_street", _("Skriv gateadressen.")),
                    ("new_postal_code", _("Skriv postnummeret.")),
                    ("new_city", _("Skriv stedet.")),
                ):
                    if not data.get(name) and name not in self.errors:
                        self.add_error(name, message)
                data["address_obj"] = None
            else:
                by_id = {str(a.pk): a for a in self.addresses}
                if choice not in by_id:
                    self.add_error("address", _("Velg en leveringsadresse."))
                else:
                    data["address_obj"] = by_id[choice]
        return data


class OrderSearchForm(forms.Form):
    """Search and filters of «Mine ordre» (GET). A bad value is shown next to its field; the list is
    then filtered by the fields that are valid, so nothing the user typed is silently widened."""

    q = forms.CharField(
        label=_("Søk"),
        required=False,
        max_length=100,
        help_text=_("Ordrenummer, «Deres referanse», varenummer, EL-nummer eller varenavn."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    fra = forms.DateField(
        label=_("Fra dato"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Skriv en gyldig dato, for eksempel 14.03.2025.")},
    )
    til = forms.DateField(
        label=_("Til dato"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Skriv en gyldig dato, for eksempel 14.03.2025.")},
    )
    bestilt_av = forms.TypedChoiceField(label=_("Bestilt av"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, orderers, **kwargs):
        """`orderers`: (user id, name) of the people who may have ordered for this customer."""
        super().__init__(*args, **kwargs)
        self.fields["bestilt_av"].choices = [("", _("Alle"))] + [(str(pk), name) for pk, name in orderers]
        self.fields["status"].choices = [("", _("Alle"))] + list(Order.Status.choices)
        self.fields["q"].widget.attrs["aria-describedby"] = "id_q_helptext"
        for name in ("bestilt_av", "status"):
            self.fields[name].error_messages["invalid_choice"] = _("Velg et av valgene i listen.")

    def clean(self):
        data = super().clean()
        start, end = data.get("fra"), data.get("til")
        if start and end and start > end:
            self.add_error("til", _("Til-datoen må være samme dag som eller etter fra-datoen."))
        return data

    def filters(self) -> dict:
        """The valid filters (all of them for an unbound form: none)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = self.cleaned_data
        return {
            "text": data.get("q") or "",
            "start": data.get("fra"),
            "end": data.get("til") if "til" not in self.errors else None,
            "user_id": data.get("bestilt_av"),
            "status": data.get("status") or "",
        }
