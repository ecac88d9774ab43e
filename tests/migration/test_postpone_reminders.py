from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from core.models import OutboundEmail
from migration.models import EventKind, MigrationEvent, State
from migration.services import legacy_account_submit_move, reminders_send
from migration.tasks import send_reminders

from .conftest import legacy_login


def at(day, hour=9):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def test_utsett_records_the_postponement_and_continues_to_the_old_shop(
    client, legacy_account, flag, settings
):
    flag(legacy_account.customer)
    legacy_login(client, legacy_account.username)
    response = client.post("/flytt/utsett/")
    assert response.status_code == 302 and response["Location"] == settings.LEGACY_SHOP_URL
    legacy_account.refresh_from_db()
    assert legacy_account.state == State.POSTPONED and legacy_account.postponed_at
    assert MigrationEvent.objects.filter(account=legacy_account, kind=EventKind.POSTPONED).exists()
    shop = client.get("/flytt/dagens-nettbutikk/").content.decode()
    assert "Du er logget inn i dagens nettbutikk som" in shop and legacy_account.username in shop
    # Logging in again shows the move form again, with «Utsett».
    html = client.get("/flytt/konto/").content.decode()
    assert "Flytt meg til ny nettbutikk" in html and "Utsett" in html


def test_reminders_go_7_and_1_days_before_the_deadline_once_each(legacy_account, make_legacy_account, flag):
    moved = make_legacy_account()
    no_email = make_legacy_account(email="")
    flag(legacy_account.customer, days=14)
    legacy_account_submit_move(account=moved, name="M", email="m@firma.example")
    deadline = legacy_account.customer.move.deadline

    assert reminders_send(now=at(deadline - timedelta(days=8))) == 0
    assert reminders_send(now=at(deadline - timedelta(days=7))) == 1
    assert reminders_send(now=at(deadline - timedelta(days=7), 15)) == 0
    assert reminders_send(now=at(deadline - timedelta(days=3))) == 0
    assert reminders_send(now=at(deadline - timedelta(days=1))) == 1
    assert reminders_send(now=at(deadline - timedelta(days=1), 20)) == 0
    assert reminders_send(now=at(deadline)) == 0
    assert reminders_send(now=at(deadline + timedelta(days=1))) == 0

    reminders = OutboundEmail.objects.filter(kind="migration.reminder")
    assert [r.to for r in reminders] == [legacy_account.email] * 2
    assert sorted(r.context["days_left"] for r in reminders) == [1, 7]
    assert not reminders.filter(to__in=[moved.email, no_email.email]).exists()
    assert MigrationEvent.objects.filter(kind=EventKind.REMINDED).count() == 2


def test_postponed_users_are_reminded_too(client, legacy_account, flag):
    flag(legacy_account.customer, days=14)
    legacy_login(client, legacy_account.username)
    client.post("/flytt/utsett/")
    deadline = legacy_account.customer.move.deadline
    assert reminders_send(now=at(deadline - timedelta(days=7))) == 1


def test_reminder_task_run_twice_sends_once(
    legacy_account, flag, mailoutbox, django_capture_on_commit_callbacks
):
    flag(legacy_account.customer, days=14)
    mailoutbox.clear()
    deadline = legacy_account.customer.move.deadline
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("django.utils.timezone.now", lambda: at(deadline - timedelta(days=1)))
        with django_capture_on_commit_callbacks(execute=True):
            send_reminders.delay()
            send_reminders.delay()
    assert len(mailoutbox) == 1
    assert "1 dag igjen" in mailoutbox[0].body


def test_reminder_beat_entry_is_configured(settings):
    assert settings.CELERY_BEAT_SCHEDULE["migration-reminders"]["task"] == "migration.tasks.send_reminders"
