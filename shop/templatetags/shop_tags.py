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


PLACEHOLDER_SIZES = {"list": (80, 80), "gallery": (96, 96), "page": (480, 360)}


@register.inclusion_tag("shop/_picture.html")
def product_picture(product, size, image=None, alt=None):
    """A product's picture as `<img>` with width, height, lazy loading and the product's name as alt
    text; a neutral placeholder (no alt text: it shows nothing) when the product has none.

    `image` defaults to the main picture prefetched as `product.main_images` (lists) or the first of
    `product.images.all()`.
    """
    from ..media import thumbnail

    if image is None:
        images = getattr(product, "main_images", None)
        if images is None:
            images = [i for i in product.images.all() if i.is_main]
        image = images[0] if images else None
    thumb = thumbnail(image, size)
    width, height = PLACEHOLDER_SIZES[size]
    return {"thumb": thumb, "alt": alt or product.name, "size": size, "width": width, "height": height}
