"""Writes for help and contact: a contact request is saved and its two emails queued together."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from accounts.models import Branch, Customer
from core.email import email_enqueue

from .models import SupportRequest


def support_request_create(
    *,
    name: str,
    email: str,
    phone: str = "",
    topic: str,
    message: str,
    customer: Customer | None = None,
    branch: Branch | None = None,
    user=None,
    ip_address: str | None = None,
) -> SupportRequest:
    """Save a «Kontakt oss» request and queue the branch's copy and the sender's receipt.

    The branch is the one chosen, else the customer's; with neither, the request goes to
    SUPPORT_EMAIL. Both emails leave through the outbox after commit.
    """
    if branch is None and customer is not None:
        branch = customer.branch
    language = (translation.get_language() or settings.LANGUAGE_CODE)[:10]
    with transaction.atomic():
        request = SupportRequest.objects.create(
            name=name,
            email=email,
            phone=phone,
            customer_number=customer.number if customer else "",
            customer=customer,
            branch=branch,
            topic=topic,
            message=message,
            user=user if user is not None and user.is_authenticated else None,
            language=language,
            ip_address=ip_address or None,
        )
        _enqueue_emails(request)
    return request


def _enqueue_emails(request: SupportRequest) -> None:
    branch = request.branch
    context = {
        "reference": request.reference,
        # The receipt names the topic in the sender's language; the staff copy overrides it in nb.
        "topic": str(request.get_topic_display()),
        "received": timezone.localtime(request.created_at).strftime("%d.%m.%Y kl. %H:%M"),
    }
    with translation.override("nb"):
        staff_context = {
            **context,
            "topic": str(request.get_topic_display()),
            "name": request.name,
            "email": request.email,
            "phone": request.phone,
            "customer": str(request.customer) if request.customer else "",
            "branch": branch.name if branch else "",
            "message": request.message,
            "admin_url": f"{settings.SHOP_URL}/admin/faq/supportrequest/{request.pk}/change/",
        }
    email_enqueue(
        key=f"faq.support_request:{request.pk}",
        kind="faq.support_request",
        to=(branch.email if branch and branch.email else settings.SUPPORT_EMAIL),
        template="email/faq/support_request",
        context=staff_context,
        language="nb",
        reply_to=request.email,
    )
    # The receipt repeats nothing the sender typed (no name, no message): the form cannot be used
    # to send text of someone's choosing to an address of their choosing.
    email_enqueue(
        key=f"faq.support_receipt:{request.pk}",
        kind="faq.support_receipt",
        to=request.email,
        template="email/faq/support_receipt",
        context={
            **context,
            "branch": branch.name if branch else "",
            "branch_phone": branch.phone if branch else "",
        },
        language=request.language,
    )


def support_request_set_status(*, support_request: SupportRequest, status: str) -> SupportRequest:
    """Staff: move a request between ny / under behandling / løst."""
    support_request.status = status
    support_request.save(update_fields=["status", "updated_at"])
    return support_request
