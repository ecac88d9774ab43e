import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from core.models import OutboundEmail
from migration.models import CustomerMove, EventKind, MigrationEvent, State
from migration.services import MoveError, customer_flag_for_move, invitation_read
from tests.accounts.conftest import email_links
from tests.factories import CustomerFactory

from .conftest import LegacyAccountFactory, default_deadline


def test_move_button_invites_every_legacy_user_with_email(
    customer, make_legacy_account, staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    main = make_legacy_account(username="hovedbruker", is_main_user=True)
    other = make_legacy_account(username="kollega")
    make_legacy_account(username="lageret", email="")
    shut_out = make_legacy_account(username="sluttet", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        result = customer_flag_for_move(customer=customer, deadline=default_deadline(), actor=staff_user)
    assert result.newly_flagged
    assert {a.username for a in result.invited} == {"hovedbruker", "kollega"}
    assert [a.username for a in result.without_email] == ["lageret"]
    assert sorted(m.to[0] for m in mailoutbox) == sorted([main.email, other.email])
    body = next(m for m in mailoutbox if m.to == [main.email]).body
    assert "hovedbruker" in body and customer.number in body
    assert default_deadline().strftime("%d.%m.%Y") in body
    assert "/flytt/invitasjon/" in body
    move = CustomerMove.objects.get(customer=customer)
    assert move.flagged_by == staff_user and move.deadline == default_deadline()
    shut_out.refresh_from_db()
    assert shut_out.state == State.IMPORTED
    assert MigrationEvent.objects.filter(kind=EventKind.INVITED, account=main).exists()


def test_second_move_press_sends_no_second_invitation(
    customer, make_legacy_account, mailoutbox, django_capture_on_commit_callbacks
):
    make_legacy_account()
    with django_capture_on_commit_callbacks(execute=True):
        customer_flag_for_move(customer=customer, deadline=default_deadline())
    with django_capture_on_commit_callbacks(execute=True):
        again = customer_flag_for_move(customer=customer, deadline=default_deadline(25))
    assert not again.newly_flagged
    assert len(mailoutbox) == 1
    assert CustomerMove.objects.get(customer=customer).deadline == default_deadline()


def test_invitation_link_opens_the_move_form_until_the_deadline(customer, legacy_account, client, flag):
    flag(customer)
    email = OutboundEmail.objects.get(kind="migration.invitation")
    path = email_links(email)["move_url"].split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path, follow=True)
    assert "Flytt meg til ny nettbutikk" in response.content.decode()
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert invitation_read(token) == legacy_account
    assert invitation_read(token, now=timezone.now() + timedelta(days=30)) is None


@pytest.mark.parametrize("days", [13, 29])
def test_deadline_outside_14_to_28_days_is_refused(customer, days):
    with pytest.raises(MoveError):
        customer_flag_for_move(customer=customer, deadline=default_deadline(days))
    assert not CustomerMove.objects.flagged().exists()


def test_resend_invitation_sends_one_more(
    customer, legacy_account, flag, mailoutbox, django_capture_on_commit_callbacks
):
    from migration.services import legacy_account_resend_invitation

    with django_capture_on_commit_callbacks(execute=True):
        flag(customer)
    with django_capture_on_commit_callbacks(execute=True):
        assert legacy_account_resend_invitation(account=legacy_account)
    assert len(mailoutbox) == 2


# --- Admin -------------------------------------------------------------------------------------------


def test_admin_action_shows_deadline_page_then_flags_selected_customers(
    client, staff_user, make_legacy_account, mailoutbox, django_capture_on_commit_callbacks
):
    first, second = CustomerFactory(), CustomerFactory()
    LegacyAccountFactory(customer=first)
    LegacyAccountFactory(customer=second, email="")
    client.force_login(staff_user)
    data = {"action": "flag_for_move", "_selected_action": [first.pk, second.pk]}
    page = client.post("/admin/accounts/customer/", data)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Frist for å flytte" in html and default_deadline(21).isoformat() in html
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            "/admin/accounts/customer/",
            {**data, "apply": "1", "deadline": default_deadline(21).isoformat()},
            follow=True,
        )
    html = done.content.decode()
    assert "2 kunder flyttes nå, 1 invitasjoner sendes i bakgrunnen" in html
    assert "/admin/migration/legacyaccount/dashboard/" in html  # where to follow the wave
    assert "Uten e-post, får ingen invitasjon" in html and f"({second.number})" in html
    assert CustomerMove.objects.flagged().count() == 2
    assert len(mailoutbox) == 1


def test_admin_deadline_out_of_range_is_refused_with_a_message(client, staff_user, customer):
    client.force_login(staff_user)
    response = client.post(
        f"/admin/accounts/customer/{customer.pk}/flytt/",
        {"apply": "1", "deadline": default_deadline(40).isoformat()},
    )
    assert response.status_code == 200
    assert "Velg en frist mellom" in response.content.decode()
    assert not CustomerMove.objects.flagged().exists()


def test_customer_page_has_move_button_status_and_accounts_without_email(
    client, staff_user, customer, make_legacy_account, django_capture_on_commit_callbacks
):
    make_legacy_account(username="utenepost", email="")
    client.force_login(staff_user)
    html = client.get(f"/admin/accounts/customer/{customer.pk}/change/").content.decode()
    assert "Flytt til ny nettbutikk" in html
    assert f"/admin/accounts/customer/{customer.pk}/flytt/" in html
    assert "utenepost" in html and "Mangler e-post" in html
    with django_capture_on_commit_callbacks(execute=True):  # the flagging is queued after commit
        response = client.post(
            f"/admin/accounts/customer/{customer.pk}/flytt/",
            {"apply": "1", "deadline": default_deadline().isoformat()},
        )
    assert response.status_code == 302
    html = client.get(f"/admin/accounts/customer/{customer.pk}/change/").content.decode()
    assert "Frist: <strong>" in html


def test_customer_changelist_query_count_is_bounded(client, staff_user, django_assert_max_num_queries):
    for _ in range(15):
        LegacyAccountFactory(customer=CustomerFactory())
    client.force_login(staff_user)
    with django_assert_max_num_queries(12):
        assert client.get("/admin/accounts/customer/").status_code == 200


# --- Command -----------------------------------------------------------------------------------------


def test_flag_customers_command_flags_a_branch_wave(branch, mailoutbox, django_capture_on_commit_callbacks):
    inside = CustomerFactory(branch=branch)
    outside = CustomerFactory()
    LegacyAccountFactory(customer=inside)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("flag_customers", "--branch", branch.code, "--days", "14", stdout=out)
    assert CustomerMove.objects.get(customer=inside).deadline == default_deadline(14)
    assert not CustomerMove.objects.filter(customer=outside).exists()
    assert len(mailoutbox) == 1
    call_command("flag_customers", inside.number, stdout=out)
    assert "allerede flyttet" in out.getvalue()
    assert len(mailoutbox) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_move_presses_invite_once(branch):
    if connection.vendor != "postgresql":
        pytest.fail("needs PostgreSQL row locks")
    customer = CustomerFactory(branch=branch)
    LegacyAccountFactory(customer=customer)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def press():
        try:
            barrier.wait()
            results.append(customer_flag_for_move(customer=customer, deadline=default_deadline()))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=press) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(r.newly_flagged for r in results) == [False, True]
    assert OutboundEmail.objects.filter(kind="migration.invitation").count() == 1


def test_invitation_text_is_not_html_escaped(branch, mailoutbox, django_capture_on_commit_callbacks):
    customer = CustomerFactory(branch=branch, name="Berg & Sønn AS")
    LegacyAccountFactory(customer=customer, name="Åse O'Neil")
    with django_capture_on_commit_callbacks(execute=True):
        customer_flag_for_move(customer=customer, deadline=default_deadline())
    assert "Berg & Sønn AS" in mailoutbox[0].body and "Åse O'Neil" in mailoutbox[0].body
    assert "&amp;" not in mailoutbox[0].body


def test_customer_add_page_still_works(client, staff_user):
    client.force_login(staff_user)
    response = client.get("/admin/accounts/customer/add/")
    assert response.status_code == 200
    assert "Flytting til ny nettbutikk" not in response.content.decode()
