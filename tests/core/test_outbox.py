import smtplib

import pytest
from django.db import transaction

from core.delivery import outbox_deliver
from core.email import email_enqueue
from core.models import OutboundEmail
from core.tasks import outbox_sweep

pytestmark = pytest.mark.django_db


def enqueue(key="test:1", to="kari@firma.example"):
    return email_enqueue(key=key, kind="test", to=to, template="email/core/test", context={"name": "Kari"})


def test_email_is_sent_after_commit_with_text_and_html(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = enqueue()
        assert mailoutbox == []  # nothing leaves before the transaction commits
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.subject == "Testmelding til Kari"
    assert "Hei Kari!" in message.body
    assert "Hei Kari!" in message.alternatives[0][0]
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.SENT and row.sent_at is not None and row.attempts == 1


def test_same_idempotency_key_gives_one_row_and_one_email(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = enqueue()
        second = enqueue()
    assert first.pk == second.pk
    assert OutboundEmail.objects.count() == 1
    assert len(mailoutbox) == 1


def test_rolled_back_change_leaves_no_email(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                enqueue()
                raise RuntimeError("the change failed")
        except RuntimeError:
            pass
    assert OutboundEmail.objects.count() == 0
    assert mailoutbox == []


def test_delivering_a_sent_row_again_sends_nothing(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = enqueue()
    assert outbox_deliver(row.pk) == "skipped"
    assert len(mailoutbox) == 1


def test_smtp_failure_keeps_the_row_pending_with_the_error(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    with django_capture_on_commit_callbacks(execute=True):
        row = enqueue()
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.PENDING
    assert row.attempts == 1
    assert "Error" in row.last_error or "refused" in row.last_error.lower()
    with pytest.raises((smtplib.SMTPException, OSError)):
        outbox_deliver(row.pk)


def test_row_is_marked_failed_after_the_last_attempt(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    settings.OUTBOX_MAX_ATTEMPTS = 2
    with django_capture_on_commit_callbacks(execute=True):
        row = enqueue()
    assert outbox_deliver(row.pk) == OutboundEmail.Status.FAILED


def test_sweeper_sends_rows_whose_task_was_lost(mailoutbox, settings):
    settings.OUTBOX_STALE_AFTER_SECONDS = 0
    enqueue()  # outside a captured on-commit block: the task is never run, as if lost with Redis
    assert mailoutbox == []
    assert outbox_sweep() == 1
    assert len(mailoutbox) == 1
    assert outbox_sweep() == 0


def test_staff_can_resend_a_failed_email_from_admin(admin_client, mailoutbox, django_capture_on_commit_callbacks):
    row = OutboundEmail.objects.create(idempotency_key="x", kind="test", to="a@b.example",
                                       template="email/core/test", context={"name": "A"},
                                       status=OutboundEmail.Status.FAILED, attempts=8)
    response = admin_client.get("/admin/core/outboundemail/?status__exact=failed")
    assert "a@b.example" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post("/admin/core/outboundemail/", {"action": "resend", "_selected_action": [row.pk]})
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.SENT
    assert len(mailoutbox) == 1


def test_sweeper_sends_again_a_row_whose_worker_died_before_the_server_answered(mailoutbox, settings):
    settings.OUTBOX_STALE_AFTER_SECONDS = 0
    row = OutboundEmail.objects.create(idempotency_key="stuck", kind="test", to="a@b.example",
                                       template="email/core/test", context={"name": "A"},
                                       status=OutboundEmail.Status.SENDING, attempts=1)
    assert outbox_sweep() == 1
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.SENT
    assert len(mailoutbox) == 1
