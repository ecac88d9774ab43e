"""Bounced invitations and «Oppfølging»: a real SMTP server refuses one recipient, a DSN comes back for
another, both are on the call list and in its CSV/XLSX export; delayed DSNs and garbage change nothing."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from core.models import OutboundEmail
from migration.models import EventKind, LegacyAccount, State
from migration.services import invitation_read, legacy_account_edit
from tests.core.bounces.samples import GARBAGE, dsn
from tests.migration.conftest import LegacyAccountFactory

pytestmark = pytest.mark.django_db

BOUNCE = "retur@butikk.example"


def receive(raw: bytes) -> str:
    out = io.StringIO()
    call_command("receive_bounce", stdin=io.BytesIO(raw), stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def wave(settings, smtp_sink, customer, flag, django_capture_on_commit_callbacks):
    """Invitations to three legacy users through a real SMTP server that refuses the first at RCPT."""
    settings.EMAIL_BOUNCE_ADDRESS = BOUNCE
    smtp_sink.refuse = {"borte@kunde.example"}
    gone = LegacyAccountFactory(customer=customer, username="borte", email="borte@kunde.example", phone="911 11 111")
    later = LegacyAccountFactory(customer=customer, username="senere", email="senere@kunde.example")
    fine = LegacyAccountFactory(customer=customer, username="fin", email="fin@kunde.example")
    with django_capture_on_commit_callbacks(execute=True):
        flag(customer)
    smtp_sink.wait_for(2)
    return {"gone": gone, "later": later, "fine": fine, "sink": smtp_sink}


def _row(account) -> OutboundEmail:
    return OutboundEmail.objects.get(to=account.email, kind="migration.invitation")


def test_refused_at_rcpt_and_dsn_later_both_end_up_in_retur_and_on_the_call_list(wave, client, staff_user):
    gone, later, sink = wave["gone"], wave["later"], wave["sink"]
    refused = _row(gone)
    assert refused.status == OutboundEmail.Status.BOUNCED and "550" in refused.bounce_reason
    gone.refresh_from_db()
    assert gone.email_bounced_at is not None and "User unknown" in gone.email_bounce_reason
    assert gone.events.filter(kind=EventKind.EMAIL_BOUNCED).count() == 1

    # Accepted by the server; the envelope sender is this row's VERP address.
    [message] = sink.to(later.email)
    envelope_from = message["X-Envelope-From"]
    assert envelope_from.startswith("retur+") and envelope_from.endswith("@butikk.example")
    assert _row(later).status == OutboundEmail.Status.SENT

    # The recipient's server bounces it later: the DSN comes to the VERP address through the MTA pipe.
    assert receive(dsn(to=envelope_from, recipient=later.email)) == "bounced"
    assert _row(later).status == OutboundEmail.Status.BOUNCED
    later.refresh_from_db()
    assert later.email_bounced_at is not None
    # The same DSN again changes nothing (one event).
    assert receive(dsn(to=envelope_from, recipient=later.email)) == "bounced"
    assert later.events.filter(kind=EventKind.EMAIL_BOUNCED).count() == 1

    # The dashboard counts them as their own stage and links the call list.
    from migration.selectors import dashboard_data

    assert dashboard_data()["totals"]["email_bounced"] == 2
    client.force_login(staff_user)
    dashboard = client.get("/admin/migration/legacyaccount/dashboard/").content.decode()
    assert "/admin/migration/legacyaccount/oppfolging/" in dashboard and "E-post i retur" in dashboard
    html = client.get("/admin/migration/legacyaccount/oppfolging/?reason=bounced").content.decode()
    assert "borte" in html and "senere" in html and ">fin<" not in html
    assert html.count("E-post i retur") >= 2

    response = client.get("/admin/migration/legacyaccount/oppfolging/eksport.csv?reason=bounced")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Kundenummer", "Kunde", "Brukernavn i dagens nettbutikk"]
    by_user = {r[2]: r for r in rows[1:]}
    assert set(by_user) == {"borte", "senere"}
    assert by_user["borte"][4] == "911 11 111" and by_user["borte"][6].startswith("E-post i retur")

    response = client.get("/admin/migration/legacyaccount/oppfolging/eksport.xlsx?reason=bounced")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [[c.value for c in r] for r in sheet.iter_rows()]
    assert {r[2] for r in cells[1:]} == {"borte", "senere"}
    assert all(r[6].startswith("E-post i retur") for r in cells[1:])


def test_a_bounced_address_gets_no_reminder_or_resend(wave):
    from migration.services import legacy_account_resend_invitation, reminders_send

    gone = LegacyAccount.objects.get(pk=wave["gone"].pk)
    assert not legacy_account_resend_invitation(account=gone)
    move = gone.customer.move
    move.deadline = timezone.localdate() + timedelta(days=6)
    move.save()
    reminders_send()
    assert not OutboundEmail.objects.filter(kind="migration.reminder", to=gone.email).exists()
    assert OutboundEmail.objects.filter(kind="migration.reminder", to=wave["fine"].email).exists()


def test_delayed_dsn_and_garbage_change_nothing(wave):
    fine = wave["fine"]
    [message] = wave["sink"].to(fine.email)
    envelope_from = message["X-Envelope-From"]
    delayed = dsn(to=envelope_from, recipient=fine.email, action="delayed", status="4.4.1",
                  diagnostic="smtp; 451 4.4.1 try again later")
    before = list(OutboundEmail.objects.order_by("pk").values_list("status", "bounce_reason"))
    assert receive(delayed) == "temporary"
    assert receive(GARBAGE) == "not a bounce"
    assert receive(b"") == "not a bounce"
    # A signature that does not match: unmatched, nothing changes.
    assert receive(dsn(to=envelope_from.replace("-", "-0", 1), recipient=fine.email)) == "unmatched"
    assert list(OutboundEmail.objects.order_by("pk").values_list("status", "bounce_reason")) == before
    fine.refresh_from_db()
    assert fine.email_bounced_at is None


def test_dsn_without_verp_is_matched_by_the_original_message_id(wave):
    fine = wave["fine"]
    row = _row(fine)
    assert receive(dsn(to=BOUNCE, recipient=fine.email, message_id=row.message_id())) == "bounced"
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.BOUNCED


def test_ringt_with_a_note_hides_the_row_for_three_days(wave, client, staff_user):
    gone = wave["gone"]
    client.force_login(staff_user)
    url = f"/admin/migration/legacyaccount/oppfolging/{gone.pk}/ringt/"
    response = client.post(url, {"note": "  "})
    assert response.status_code == 400 and "Skriv kort hva samtalen gjaldt." in response.content.decode()
    assert not gone.events.filter(kind=EventKind.CALLED).exists()
    response = client.post(url, {"note": "Ny adresse kommer på e-post"})
    assert response.status_code == 302
    event = gone.events.get(kind=EventKind.CALLED)
    assert event.detail == "Ny adresse kommer på e-post" and event.actor == staff_user
    row_id = f'id="followup-{gone.pk}"'
    assert row_id not in client.get("/admin/migration/legacyaccount/oppfolging/").content.decode()
    event.at = timezone.now() - timedelta(days=3, minutes=1)
    event.save()
    assert row_id in client.get("/admin/migration/legacyaccount/oppfolging/").content.decode()
    assert client.post("/admin/migration/legacyaccount/oppfolging/999999/ringt/", {"note": "x"}).status_code == 404


def test_staff_correcting_the_email_sends_a_fresh_invitation_and_old_links_die(
    wave, staff_user, django_capture_on_commit_callbacks
):
    from migration.services import invitation_token

    gone = LegacyAccount.objects.get(pk=wave["gone"].pk)
    old_link = invitation_token(gone, gone.customer.move.deadline)
    assert invitation_read(old_link) == gone
    gone.email = "ny@kunde.example"
    with django_capture_on_commit_callbacks(execute=True):
        legacy_account_edit(account=gone, fields=["email"], actor=staff_user)
    gone.refresh_from_db()
    assert gone.email_bounced_at is None and gone.state == State.INVITED
    assert gone.events.filter(kind=EventKind.EDITED, detail__contains="ny@kunde.example").exists()
    assert gone.events.filter(kind=EventKind.INVITATION_RESENT).exists()
    assert wave["sink"].to("ny@kunde.example")
    assert invitation_read(old_link) is None
    assert invitation_read(invitation_token(gone, gone.customer.move.deadline)) == gone


def test_call_list_reasons(customer, flag, client, staff_user):
    from migration.services import legacy_account_postpone

    no_email = LegacyAccountFactory(customer=customer, username="utenepost", email="")
    twice = LegacyAccountFactory(customer=customer, username="toganger")
    LegacyAccountFactory(customer=customer, username="rolig")
    flag(customer)
    legacy_account_postpone(account=twice)
    legacy_account_postpone(account=LegacyAccount.objects.get(pk=twice.pk))
    client.force_login(staff_user)
    html = client.get("/admin/migration/legacyaccount/oppfolging/").content.decode()
    assert "utenepost" in html and "Mangler e-post" in html
    assert "toganger" in html and "Utsatt flere ganger" in html
    assert "rolig" not in html
    move = customer.move
    move.deadline = timezone.localdate() - timedelta(days=1)
    move.save()
    html = client.get("/admin/migration/legacyaccount/oppfolging/?deadline=past").content.decode()
    assert "rolig" in html and "Fristen er ute, ikke flyttet" in html
    assert no_email.pk


def test_call_list_and_export_use_a_fixed_number_of_queries(customer, flag, client, staff_user,
                                                             django_assert_max_num_queries):
    for i in range(30):
        LegacyAccountFactory(customer=customer, username=f"uten{i}", email="")
    flag(customer)
    client.force_login(staff_user)
    with django_assert_max_num_queries(12):
        html = client.get("/admin/migration/legacyaccount/oppfolging/").content.decode()
    assert html.count("Mangler e-post") >= 30
    with django_assert_max_num_queries(8):
        response = client.get("/admin/migration/legacyaccount/oppfolging/eksport.xlsx")
    assert response.status_code == 200


def test_a_branch_employee_sees_and_marks_only_their_own_branchs_call_list(wave, client, customer):
    """«Oppfølging» is branch-scoped (accounts.admin_scope): another branch's employee sees none of
    these rows, gets none in the export and cannot mark one; the customer's own branch can."""
    from tests.factories import BranchFactory
    from tests.security.test_admin_permissions import make_staff

    gone = wave["gone"]
    row_id = f'id="followup-{gone.pk}"'
    elsewhere = make_staff("avdeling", BranchFactory(code="TRD", name="Trondheim"))
    client.force_login(elsewhere)
    assert row_id not in client.get("/admin/migration/legacyaccount/oppfolging/").content.decode()
    exported = client.get("/admin/migration/legacyaccount/oppfolging/eksport.csv").content.decode("utf-8-sig")
    assert gone.username not in exported
    marked = client.post(f"/admin/migration/legacyaccount/oppfolging/{gone.pk}/ringt/", {"note": "Ringt"})
    assert marked.status_code == 404 and not gone.events.filter(kind=EventKind.CALLED).exists()

    client.force_login(make_staff("avdeling", customer.branch))
    assert row_id in client.get("/admin/migration/legacyaccount/oppfolging/").content.decode()
