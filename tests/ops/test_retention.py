"""Data kept only as long as needed: expired sessions and old outbox content are removed daily."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from core.models import OutboundEmail
from core.retention import outbox_is_purged
from core.tasks import outbox_purge, sessions_clear
from tests.fixtures.mfa import give_totp

pytestmark = pytest.mark.django_db
DAY = timedelta(days=1)


def _email(key, status, age_days, **extra):
    email = OutboundEmail.objects.create(
        idempotency_key=key, kind="migration.invitation", to=f"{key}@kunde.example", template="email/core/test",
        context={"name": "Ola Nordmann", "link": "https://shop.example/flytt/invitasjon/abc/"}, status=status,
        reply_to="avdeling@grossist.example", **extra,
    )
    OutboundEmail.objects.filter(pk=email.pk).update(created_at=timezone.now() - age_days * DAY)
    return email


def test_old_sent_and_failed_rows_lose_their_content_and_keep_the_record(settings):
    settings.OUTBOX_RETENTION_DAYS = 30
    old_sent = _email("old-sent", "sent", 31, sent_at=timezone.now() - 31 * DAY, attempts=1)
    old_failed = _email("old-failed", "failed", 40, attempts=8, last_error="550 mailbox unavailable")
    young_sent = _email("young-sent", "sent", 29)
    old_pending = _email("old-pending", "pending", 45)
    old_sending = _email("old-sending", "sending", 45)

    assert outbox_purge.delay().get() == 2
    for email in (old_sent, old_failed):
        email.refresh_from_db()
        assert outbox_is_purged(email) and "name" not in email.context and email.reply_to == ""
    old_sent.refresh_from_db()
    assert (old_sent.status, old_sent.to, old_sent.kind, old_sent.attempts) == (
        "sent", "old-sent@kunde.example", "migration.invitation", 1)
    assert old_sent.sent_at is not None
    old_failed.refresh_from_db()
    assert (old_failed.status, old_failed.last_error) == ("failed", "550 mailbox unavailable")
    for email in (young_sent, old_pending, old_sending):  # still needed, or not old enough
        email.refresh_from_db()
        assert email.context["name"] == "Ola Nordmann"
    assert outbox_purge.delay().get() == 0, "a second run finds nothing more"


def test_the_retention_period_comes_from_the_setting(settings):
    settings.OUTBOX_RETENTION_DAYS = 7
    _email("week-old", "sent", 8)
    assert outbox_purge.delay().get() == 1


def test_staff_cannot_resend_a_purged_row_and_see_why_its_preview_is_empty(client, settings, django_user_model):
    settings.OUTBOX_RETENTION_DAYS = 30
    purged = _email("purged", "failed", 31)
    kept = _email("kept", "failed", 1)
    outbox_purge.delay().get()
    staff = django_user_model.objects.create_superuser(email="drift@grossist.example", password="Riktig-hemmelig-42")
    give_totp(staff)  # every staff user has a second factor before any admin page
    client.force_login(staff)
    response = client.post("/admin/core/outboundemail/", {
        "action": "resend", "_selected_action": [purged.pk, kept.pk]}, follow=True)
    assert "1 e-post sendes på nytt." in response.content.decode()
    purged.refresh_from_db()
    assert purged.status == "failed" and outbox_is_purged(purged)
    page = client.get(f"/admin/core/outboundemail/{purged.pk}/change/").content.decode()
    assert "Innholdet er slettet etter oppbevaringstiden." in page


def test_expired_sessions_are_deleted_and_live_ones_kept(client, django_user_model):
    user = django_user_model.objects.create_user(email="ola@firma.example", password="Riktig-hemmelig-42")
    client.force_login(user)
    live = client.session.session_key
    Session.objects.create(session_key="x" * 32, session_data="e30:1", expire_date=timezone.now() - DAY)
    sessions_clear.delay().get()
    assert list(Session.objects.values_list("session_key", flat=True)) == [live]
    assert client.get("/konto/min-konto/").status_code == 200  # still logged in


def test_both_jobs_run_daily_from_beat(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["sessions-clear"]["task"] == "core.tasks.sessions_clear"
    assert schedule["outbox-purge"]["task"] == "core.tasks.outbox_purge"
    assert schedule["sessions-clear"]["schedule"] == schedule["outbox-purge"]["schedule"] == 24 * 60 * 60
    assert settings.OUTBOX_RETENTION_DAYS == 30
    assert schedule["oidc-tokens-clear"]["task"] == "identity.tasks.oidc_tokens_clear"
