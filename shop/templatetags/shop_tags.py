from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def money(value):
    """1234.5 → «1 234,50» (Norwegian grouping and decimal comma, always two decimals)."""
    if value in (None, ""):
        return ""
    try:
        value = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    return formats.number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)


@register.simple_tag
def page_url(page_query, number):
    """The current list URL's query string with another page number."""
    return f"?{page_query}&side={number}" if page_query else f"?side={number}"


@register.filter
def shown(value, incl_vat):
    """An amount excl. VAT as the user chose to see it: `{{ amount|shown:incl_vat }}`."""
    from ..pricing import amount_shown

    return money(amount_shown(value, incl_vat=bool(incl_vat)))
