"""Contextual help links: `{% load help %}{% help_link "glemt-passord-ny" %}`.

Renders a link to the answer with that slug, opened on its topic page (works without JavaScript).
An unknown or unpublished slug still renders a link, to the help index, so a page never breaks.
"""

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from faq.models import Question

register = template.Library()

# The default link text per answer; pages may pass their own as the second argument.
DEFAULT_LABELS = {
    "problemer-med-innlogging": _("Problemer med å logge inn?"),
    "glemt-passord-ny": _("Glemt passordet?"),
    "glemt-passord-dagens": _("Glemt passordet til dagens nettbutikk?"),
    "brukernavn": _("Hva er brukernavnet mitt?"),
    "invitasjon": _("Hvordan flytter jeg til den nye nettbutikken?"),
    "skjema-vises-ikke": _("Hvorfor kan jeg ikke flytte ennå?"),
    "utsette": _("Kan jeg utsette flyttingen?"),
    "epost-kommer-ikke": _("Fikk du ikke e-posten?"),
    "aktivere": _("Hvordan aktiverer jeg brukeren min?"),
    "etter-flyttingen": _("Hva skjer med dagens nettbutikk etter flyttingen?"),
}


@register.simple_tag
def help_url(slug: str) -> str:
    """The URL of one answer (`/hjelp/<topic>/?open=<slug>#<slug>`), or /hjelp/ if it is gone."""
    question = Question.objects.published().select_related("topic").filter(slug=slug).first()
    return question.get_absolute_url() if question else reverse("faq:index")


@register.inclusion_tag("faq/_help_link.html")
def help_link(slug: str, label: str = "") -> dict:
    return {"url": help_url(slug), "label": label or DEFAULT_LABELS.get(slug) or _("Trenger du hjelp?")}
