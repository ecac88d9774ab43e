"""Stored XSS: what customers, colleagues and editors type renders escaped everywhere: shop pages,
«Brukere», «Min konto», help pages, Django admin (change lists and forms) and the emails (the HTML
part of the rendered outbox email)."""

import pytest
from django.urls import reverse

from accounts import services
from accounts.models import Role, User
from core.email import email_render
from core.models import OutboundEmail
from faq.models import Question, SupportRequest, Topic
from faq.services import support_request_create
from shop.models import Order
from tests.factories import MembershipFactory
from tests.shop.conftest import place_order
from tests.shop.factories import ProductFactory

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('xss')</script>"
IMG = '"><img src=x onerror=alert(1)>'
PAYLOAD = f"{SCRIPT}{IMG}"
DANGEROUS = ("<script>alert(", "<img src=x onerror", "onerror=alert(1)>")


def assert_escaped(html: str, where: str):
    for fragment in DANGEROUS:
        assert fragment not in html, f"{where}: unescaped {fragment!r}"


@pytest.fixture
def stored(customer_a, admin_a, django_capture_on_commit_callbacks):
    """Every free-text field that a customer, colleague or editor can fill, holding the payload."""
    User.objects.filter(pk=admin_a.user.pk).update(name=f"Ola {PAYLOAD}", phone=PAYLOAD[:40])
    admin_a.user.refresh_from_db()
    colleague = services.membership_invite(
        customer=customer_a, email="kollega@a.example", name=f"Kari {PAYLOAD}", role=Role.BUYER,
        invited_by=admin_a.user,
    )
    order = place_order(
        admin_a, [ProductFactory(name="Kabel")], reference=f"Prosjekt {PAYLOAD}"[:100], comment=PAYLOAD
    )
    topic = Topic.objects.create(slug="xss", title=f"Emne {SCRIPT}"[:100], order=98)
    question = Question.objects.create(
        topic=topic, slug="xss-svar", question=f"Hva med {SCRIPT}?",
        answer=f"<p>Svar</p>{SCRIPT}<a href=\"javascript:alert(1)\">lenke</a>{IMG}",
    )
    support = support_request_create(
        name=f"Per {PAYLOAD}"[:150], email="per@firma.example", phone="", topic="annet", message=PAYLOAD,
        customer=None, branch=customer_a.branch, user=None, ip_address="127.0.0.1",
    )
    return {"colleague": colleague, "order": order, "topic": topic, "question": question, "support": support}


def test_shop_and_account_pages_escape_stored_text(client_a, stored):
    order = stored["order"]
    pages = {
        "front page": reverse("shop:home"),
        "«Brukere»": reverse("accounts:users"),
        "membership": reverse("accounts:membership_detail", kwargs={"pk": stored["colleague"].pk}),
        "«Min konto»": reverse("accounts:profile"),
        "orders": reverse("shop:orders"),
        "order": reverse("shop:order_detail", kwargs={"pk": order.pk}),
        "confirmation": reverse("shop:order_confirmation", kwargs={"pk": order.pk}),
        "help index": reverse("faq:index"),
        "help topic": reverse("faq:topic", kwargs={"slug": "xss"}),
        "help search": reverse("faq:search") + "?q=Hva+med",
        "search": reverse("shop:search") + "?q=" + SCRIPT,
        "contact": reverse("contact:form"),
    }
    for where, url in pages.items():
        response = client_a.get(url, follow=True)
        assert response.status_code == 200, where
        assert_escaped(response.content.decode(), where)
    users_page = client_a.get(reverse("accounts:users")).content.decode()
    assert "Kari &lt;script&gt;" in users_page  # shown, as text
    assert "javascript:" not in client_a.get(reverse("faq:topic", kwargs={"slug": "xss"})).content.decode()


def test_admin_change_lists_and_forms_escape_stored_text(client, staff_user, stored, admin_a, customer_a):
    client.force_login(staff_user)
    objects = {
        "accounts_user": admin_a.user,
        "accounts_membership": stored["colleague"],
        "accounts_customer": customer_a,
        "shop_order": stored["order"],
        "faq_question": stored["question"],
        "faq_topic": stored["topic"],
        "faq_supportrequest": stored["support"],
        "core_outboundemail": OutboundEmail.objects.filter(kind="accounts.invitation").first(),
    }
    for model, obj in objects.items():
        for view, args in (("changelist", []), ("change", [obj.pk])):
            response = client.get(reverse(f"admin:{model}_{view}", args=args))
            assert response.status_code == 200, f"{model} {view}"
            assert_escaped(response.content.decode(), f"admin {model} {view}")


def test_emails_escape_stored_text_in_their_html_part(stored):
    rows = OutboundEmail.objects.all()
    kinds = {row.kind for row in rows}
    assert {"accounts.invitation", "order_confirmation"} <= kinds, kinds
    assert any(kind.startswith("faq") or "support" in kind or "contact" in kind for kind in kinds), kinds
    for row in rows:
        message = email_render(row)
        for _html, mimetype in message.alternatives:
            assert mimetype == "text/html"
            assert_escaped(_html, f"email {row.kind} (html)")
        assert "Content-Type: text/html" not in message.body


def test_reference_and_names_survive_as_text(stored):
    order = Order.objects.get(pk=stored["order"].pk)
    assert SCRIPT in order.reference  # stored as typed; escaping is the renderer's job
    assert SupportRequest.objects.get(pk=stored["support"].pk).message == PAYLOAD


def test_membership_added_notice_escapes_the_inviting_admins_name(customer_b, admin_a, customer_a):
    member_b = MembershipFactory(customer=customer_b, user__email="felles@x.example")
    services.membership_invite(
        customer=customer_a, email=member_b.user.email, name="x", role=Role.BUYER, invited_by=admin_a.user
    )
    for row in OutboundEmail.objects.all():
        for html, _ in email_render(row).alternatives:
            assert_escaped(html, row.kind)
