"""Stored XSS: what customers, colleagues and editors type renders escaped everywhere: shop pages,
«Brukere», «Min konto», help pages, Django admin (change lists and forms) and the emails (the HTML
part of the rendered outbox email)."""

import pytest
from django.urls import reverse

from accounts import services
from accounts.models import Role, User
from core.delivery import email_render
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
    assert {"accounts.invitation", "shop.order_confirmation"} <= kinds, kinds
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


# --- the migration app: legacy names and usernames from the import -----------------------------------


@pytest.fixture
def legacy_world(customer_a, admin_a, django_capture_on_commit_callbacks):
    """A legacy account whose username, name and customer come from the export with the payload; it
    goes through interest, the move button, reset, the move form and activation, so every page, email
    and admin panel of the migration app has something hostile to show."""
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import Customer
    from migration.models import LegacyAccount
    from tests.migration.conftest import LEGACY_PASSWORD, LegacyAccountFactory

    Customer.objects.filter(pk=customer_a.pk).update(name=f"Kunde {PAYLOAD}"[:150])
    customer_a.branch.__class__.objects.filter(pk=customer_a.branch_id).update(name=f"Avd {SCRIPT}"[:100])
    username = f"u{SCRIPT}"[:150]
    account = LegacyAccountFactory(
        customer=customer_a, username=username, name=f"Gammel {PAYLOAD}", email="gammel@a.example",
        phone=PAYLOAD[:40], is_main_user=True,
    )
    LegacyAccountFactory(customer=customer_a, username=f"uten{IMG}"[:150], name=f"Uten e-post {IMG}", email="")
    return {"account": account, "username": username, "password": LEGACY_PASSWORD,
            "LegacyAccount": LegacyAccount, "timedelta": timedelta, "timezone": timezone}


def test_gate_pages_and_move_form_escape_legacy_names_and_usernames(client, legacy_world, staff_user):
    from migration.services import customer_flag_for_move
    from tests.migration.conftest import default_deadline

    w = legacy_world
    account, username = w["account"], w["username"]
    pages = {}
    pages["gate, wrong password"] = client.post("/flytt/", {"username": username, "password": "feil"})
    pages["reset sent"] = client.post("/flytt/glemt-passord/", {"username": username})
    pages["aktiver sent"] = client.post("/flytt/aktiver/", {"email": f"{SCRIPT}@x.example"})
    client.post("/flytt/", {"username": username, "password": w["password"]})
    pages["not ready"] = client.get("/flytt/konto/")
    pages["interest"] = client.post("/flytt/interesse/", {"message": PAYLOAD}, follow=True)
    customer_flag_for_move(customer=account.customer, deadline=default_deadline())
    pages["move form"] = client.get("/flytt/konto/")
    pages["move form refused"] = client.post("/flytt/konto/", {"name": PAYLOAD, "email": f"{IMG}", "phone": SCRIPT})
    pages["old shop"] = client.get("/flytt/dagens-nettbutikk/")
    from migration.services import legacy_reset_token

    pages["reset confirm"] = client.get(f"/flytt/glemt-passord/{legacy_reset_token(account)}/")
    pages["submitted"] = client.post(
        "/flytt/konto/", {"name": f"Ny {PAYLOAD}", "email": "ny.bruker@a.example", "phone": ""}, follow=True
    )
    account.refresh_from_db()
    from core.links import link_sign

    pages["activate"] = client.get(f"/flytt/aktiver/{link_sign('activation', account.user)}/")
    for where, response in pages.items():
        assert response.status_code in (200, 400), where
        assert_escaped(response.content.decode(), f"migration {where}")
    assert "Gammel &lt;script&gt;" in pages["move form"].content.decode()  # shown, as text


def test_migration_admin_escapes_legacy_names_and_usernames(client, staff_user, legacy_world):
    from migration.models import MigrationEvent, MoveInterest
    from migration.services import (
        customer_flag_for_move,
        legacy_account_activate,
        legacy_account_submit_move,
        move_interest_create,
    )
    from tests.migration.conftest import default_deadline

    account = legacy_world["account"]
    move_interest_create(account=account, message=PAYLOAD)
    customer = account.customer
    client.force_login(staff_user)
    # the move button's confirmation page lists the customers and their legacy users
    confirm = client.post(reverse("admin:accounts_customer_move", args=[customer.pk]))
    assert confirm.status_code == 200
    assert_escaped(confirm.content.decode(), "admin move button confirmation")
    customer_flag_for_move(customer=customer, deadline=default_deadline())
    result = legacy_account_submit_move(account=account, name=f"Ny {PAYLOAD}", email="ny.admin@a.example")
    legacy_account_activate(user=result.user)
    pages = {
        "legacy accounts": reverse("admin:migration_legacyaccount_changelist"),
        "legacy accounts, search": reverse("admin:migration_legacyaccount_changelist") + "?q=%3Cscript",
        "legacy account": reverse("admin:migration_legacyaccount_change", args=[account.pk]),
        "customer (move panels)": reverse("admin:accounts_customer_change", args=[customer.pk]),
        "customers": reverse("admin:accounts_customer_changelist"),
        "dashboard": reverse("admin:migration_dashboard"),
        "events": reverse("admin:migration_migrationevent_changelist"),
        "event": reverse("admin:migration_migrationevent_change", args=[MigrationEvent.objects.first().pk]),
        "interest": reverse("admin:migration_moveinterest_changelist"),
        "interest item": reverse("admin:migration_moveinterest_change", args=[MoveInterest.objects.get().pk]),
    }
    for where, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, where
        assert_escaped(response.content.decode(), f"admin {where}")
    assert "&lt;script&gt;" in client.get(pages["legacy accounts"]).content.decode()  # shown, as text
    # the «Reaktiver» confirmation lists the selected accounts
    reactivate = client.post(
        reverse("admin:migration_legacyaccount_changelist"),
        {"action": "reactivate", "_selected_action": [account.pk]},
    )
    assert reactivate.status_code == 200
    assert_escaped(reactivate.content.decode(), "admin reactivate confirmation")


def test_migration_emails_escape_legacy_names_and_usernames(client, legacy_world, django_capture_on_commit_callbacks):
    from migration.services import (
        customer_flag_for_move,
        legacy_account_request_reset,
        legacy_account_submit_move,
        move_interest_create,
        reminders_send,
    )
    from tests.migration.conftest import default_deadline

    account = legacy_world["account"]
    move_interest_create(account=account, message=PAYLOAD)
    customer_flag_for_move(customer=account.customer, deadline=default_deadline(days=14))
    legacy_account_request_reset(username=account.username)
    other = legacy_world["LegacyAccount"].objects.exclude(pk=account.pk).get()
    other.email = "uten@a.example"
    other.save(update_fields=["email"])
    reminders_send(now=legacy_world["timezone"].now() + legacy_world["timedelta"](days=8))
    legacy_account_submit_move(account=account, name=f"Ny {PAYLOAD}", email="ny.epost@a.example")
    client.post("/flytt/aktiver/", {"email": "ny.epost@a.example"})
    kinds = set(OutboundEmail.objects.values_list("kind", flat=True))
    expected = {"migration.invitation", "migration.legacy_reset", "migration.activation", "migration.reminder"}
    assert expected <= kinds, kinds
    for row in OutboundEmail.objects.all():
        message = email_render(row)
        assert message.alternatives or row.kind == "migration.interest", row.kind
        for html, _mimetype in message.alternatives:
            assert_escaped(html, f"email {row.kind} (html)")
    invitation = email_render(OutboundEmail.objects.get(kind="migration.invitation", to=account.email))
    assert "Gammel &lt;script&gt;" in invitation.alternatives[0][0]  # the name is there, as text
