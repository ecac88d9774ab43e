"""An order as a document: the PDF («Last ned PDF») and the copy attached to the confirmation email.

The PDF is rendered server-side by WeasyPrint from an HTML template (`shop/order_pdf.html`), so the
order page, its print stylesheet and the PDF say the same things in the same words. WeasyPrint needs
Pango and a font from the operating system (Makefile `pdf-libs`, the Dockerfile).
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from .models import Order


def order_pdf_filename(order: Order) -> str:
    return f"ordre-{order.number}.pdf"


def order_pdf(order: Order, lines=None) -> bytes:
    """The order as a PDF: the shop, customer, delivery, «Deres referanse», lines, VAT and totals."""
    from weasyprint import HTML  # imported on use: loading Pango costs ~0.2 s at start-up

    if lines is None:
        lines = list(order.lines.all())
    html = render_to_string(
        "shop/order_pdf.html",
        {
            "order": order,
            "lines": lines,
            "customer": order.customer,
            "shop_name": settings.SHOP_NAME,
            "shop_url": settings.SHOP_URL,
            "LANGUAGE_CODE": translation.get_language(),
        },
    )
    return HTML(string=html, base_url=settings.SHOP_URL).write_pdf()


def order_confirmation_attachments(email) -> list[tuple[str, bytes, str]]:
    """The confirmation email's attachment: the order's PDF, rendered when the email is sent.

    Called by `core.delivery` through `settings.EMAIL_ATTACHMENTS` (core knows no shop code), in the
    email's language. Rendering at send time keeps order placement fast and the outbox row small;
    `ORDER_CONFIRMATION_PDF = False` sends the email without it.
    """
    if not settings.ORDER_CONFIRMATION_PDF:
        return []
    order = (
        Order.objects.select_related("customer", "user", "pickup_branch")
        .filter(pk=email.context.get("order_id"))
        .first()
    )
    if order is None:
        return []
    return [(order_pdf_filename(order), order_pdf(order), "application/pdf")]
