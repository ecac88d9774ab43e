"""No live link at rest (core.links): what reaches the SMTP server is nowhere in the database.

Each flow sends its email through the outbox to a real SMTP server (aiosmtpd); the token in the
received link is then looked for in every column of every table, and in the admin outbox pages.
The outbox stores only link references (kind and id); the link is signed when the email is sent,
the admin preview shows a placeholder, and a sent row keeps no content.
"""

import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts import services as account_services
from accounts.models import Role
from core.delivery import email_render
from core.links import PLACEHOLDER
from core.models import OutboundEmail
from migration.services import customer_flag_for_move, legacy_account_submit_move
from tests.factories import MembershipFactory
from tests.fixtures.data import PASSWORD
from tests.fixtures.services import message_text
from tests.migration.conftest import LegacyAccountFactory, default_deadline


def _every_column_containing(needle: str) -> list[str]:
    """`table.column` of every column, in every table, whose text holds `needle`."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                name = connection.ops.quote_name(column.name)
                cursor.execute(
                    f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)} "  # noqa: S608 (names from introspection)
                    f"WHERE CAST({name} AS TEXT) LIKE %s",
                    [f"%{needle}%"],
                )
                if cursor.fetchone()[0]:
                    found.append(f"{table}.{column.name}")
    return found


def _received_link(smtp_sink, to: str, fragment: str) -> str:
    [message] = [m for m in smtp_sink.to(to) if fragment in message_text(m)]
    return re.search(rf"https?://\S+{re.escape(fragment)}\S+", message_text(message)).group(0)


def _token(link: str) -> str:
    """The secret part of a received link: its last path segment (allauth's key without the uid)."""
    segment = link.rstrip("/").rsplit("/", 1)[1]
    return segment.split("-", 1)[1] if "/reset/key/" in link else segment


@pytest.fixture
def member(customer_a):
    return MembershipFactory(customer=customer_a, user__email="glemsk@a.example", user__password=PASSWORD).user


def _password_reset(client, customer_a, member):
    client.post(reverse("account_reset_password"), {"email": member.email})
    return member.email, "/konto/password/reset/key/"


def _invitation(client, customer_a, member):
    admin = MembershipFactory(customer=customer_a, role=Role.ADMINISTRATOR, user__password=PASSWORD)
    account_services.membership_invite(
        customer=customer_a, email="ny@a.example", name="Ny Kollega", role=Role.BUYER, invited_by=admin.user
    )
    return "ny@a.example", "/konto/invitasjon/"


def _activation(client, customer_a, member):
    customer_flag_for_move(customer=customer_a, deadline=default_deadline())
    account = LegacyAccountFactory(customer=customer_a, username="flytter")
    legacy_account_submit_move(account=account, name="Flytter", email="flytter@a.example")
    return "flytter@a.example", "/flytt/aktiver/"


def _legacy_reset(client, customer_a, member):
    account = LegacyAccountFactory(customer=customer_a, username="glemmer")
    client.post("/flytt/glemt-passord/", {"username": account.username})
    return account.email, "/flytt/glemt-passord/"


def _move_invitation(client, customer_a, member):
    account = LegacyAccountFactory(customer=customer_a, username="invitert")
    customer_flag_for_move(customer=customer_a, deadline=default_deadline())
    return account.email, "/flytt/invitasjon/"


FLOWS = {
    "«Mistet passord?»": _password_reset,
    "colleague invitation": _invitation,
    "activation": _activation,
    "legacy reset": _legacy_reset,
    "move invitation": _move_invitation,
}


@pytest.mark.django_db
@pytest.mark.parametrize("flow", FLOWS.values(), ids=FLOWS.keys())
def test_the_emailed_token_is_nowhere_in_the_database_nor_in_the_admin_outbox(
    client, customer_a, member, staff_user, smtp_sink, django_capture_on_commit_callbacks, flow
):
    with django_capture_on_commit_callbacks(execute=True):
        to, fragment = flow(client, customer_a, member)
    link = _received_link(smtp_sink, to, fragment)
    token = _token(link)
    assert len(token) >= 20, link
    assert _every_column_containing(token) == []
    assert Client().get("/" + link.split("://", 1)[1].split("/", 1)[1]).status_code in (200, 302), "the link works"
    row = OutboundEmail.objects.filter(to=to).latest("pk")
    assert row.status == OutboundEmail.Status.SENT and row.context == {}
    staff = Client()
    staff.force_login(staff_user)
    for page in (
        reverse("admin:core_outboundemail_changelist"),
        reverse("admin:core_outboundemail_change", args=[row.pk]),
    ):
        response = staff.get(page)
        assert response.status_code == 200
        assert token not in response.content.decode()


@pytest.mark.django_db
def test_the_admin_preview_of_a_pending_email_shows_a_placeholder_not_a_link(client, member, staff_user):
    client.post(reverse("account_reset_password"), {"email": member.email})  # not sent: no on-commit here
    row = OutboundEmail.objects.get(kind="accounts.password_reset_key")
    assert row.status == OutboundEmail.Status.PENDING
    assert "key" not in str(row.context) or "/key/" not in str(row.context)
    staff = Client()
    staff.force_login(staff_user)
    page = staff.get(reverse("admin:core_outboundemail_change", args=[row.pk])).content.decode()
    assert str(PLACEHOLDER) in page
    assert "/konto/password/reset/key/" not in page


@pytest.mark.django_db
def test_a_resend_signs_a_working_link_with_the_same_message_id(client, member):
    client.post(reverse("account_reset_password"), {"email": member.email})
    row = OutboundEmail.objects.get(kind="accounts.password_reset_key")
    first, second = email_render(row), email_render(row)
    assert first.extra_headers["Message-ID"] == second.extra_headers["Message-ID"]
    link = re.search(r"https?://\S+/key/\S+", second.body).group(0)
    page = client.get("/" + link.split("://", 1)[1].split("/", 1)[1], follow=True)
    assert "password1" in page.content.decode(), "the re-signed link opens the set-password form"
