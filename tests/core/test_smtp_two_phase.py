"""The outbox's SMTP hand-over, against a real SMTP server (aiosmtpd)."""

import pytest
from django.core.mail import EmailMessage

from core.delivery import outbox_deliver
from core.email import email_enqueue
from core.models import OutboundEmail
from core.smtp import Transmission
from tests.fixtures.services import message_text

pytestmark = pytest.mark.django_db


def test_server_delivers_nothing_when_the_sender_dies_before_the_end_of_data_mark(smtp_sink):
    transmission = Transmission(EmailMessage("Emne", "Tekst\n.\nmed punktum", to=["a@firma.example"]))
    transmission.start()
    transmission.abort()  # what a killed worker does: the connection just goes away
    with pytest.raises(AssertionError):
        smtp_sink.wait_for(1, timeout=1)


def test_finished_transmission_is_delivered_once_with_dot_lines_intact(smtp_sink):
    transmission = Transmission(EmailMessage("Emne", "Linje 1\n.\n..to punktum", to=["a@firma.example"]))
    transmission.start()
    transmission.finish()
    [message] = smtp_sink.wait_for(1)
    assert message_text(message).splitlines()[:3] == ["Linje 1", ".", "..to punktum"]


def test_outbox_row_is_sent_through_smtp_and_marked_sent(smtp_sink, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = email_enqueue(key="smtp:1", kind="test", to="kari@firma.example",
                            template="email/core/test", context={"name": "Kari"})
    [message] = smtp_sink.wait_for(1)
    assert message["Subject"] == "Testmelding til Kari"
    assert message["Message-ID"].endswith("@127.0.0.1>")
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.SENT


def test_row_stays_pending_and_is_sent_once_when_the_server_comes_back(smtp_sink,
                                                                       django_capture_on_commit_callbacks):
    smtp_sink.stop()
    with django_capture_on_commit_callbacks(execute=True):
        row = email_enqueue(key="smtp:2", kind="test", to="ola@firma.example",
                            template="email/core/test", context={"name": "Ola"})
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.PENDING and row.attempts == 1
    smtp_sink.start()
    assert outbox_deliver(row.pk) == OutboundEmail.Status.SENT
    assert outbox_deliver(row.pk) == "skipped"
    assert len(smtp_sink.wait_for(1)) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_second_worker_skips_a_row_that_the_first_is_sending(smtp_sink):
    """The row lock: while one worker talks to the SMTP server, another gets nothing to do."""
    import threading

    # Written directly: no task is scheduled, the two threads below play the two workers.
    row = OutboundEmail.objects.create(idempotency_key="smtp:3", kind="test", to="per@firma.example",
                                       template="email/core/test", context={"name": "Per"})
    results = []
    barrier = threading.Barrier(2)

    def worker():
        from django.db import connection

        barrier.wait()
        try:
            results.append(outbox_deliver(row.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["sent", "skipped"]
    assert len(smtp_sink.wait_for(1)) == 1


def test_a_worker_keeps_its_connection_and_replaces_it_when_the_server_has_closed_it(smtp_sink):
    """Reuse saves connect + EHLO + QUIT per message; a connection the server closed meanwhile is
    noticed at MAIL (before anything could be delivered) and replaced, without a failed attempt."""
    from core import smtp

    smtp.close_idle_connections()
    rows = [OutboundEmail.objects.create(idempotency_key=f"reuse:{n}", kind="test", to=f"k{n}@firma.example",
                                         template="email/core/test", context={"name": str(n)}) for n in range(3)]
    assert outbox_deliver(rows[0].pk) == OutboundEmail.Status.SENT
    [(_key, first, _since)] = smtp._pool()
    assert outbox_deliver(rows[1].pk) == OutboundEmail.Status.SENT
    assert smtp._pool()[0][1] is first, "the second message went over the same connection"
    smtp_sink.stop()
    smtp_sink.start()  # the idle connection is dead now
    assert outbox_deliver(rows[2].pk) == OutboundEmail.Status.SENT
    rows[2].refresh_from_db()
    assert rows[2].attempts == 1 and rows[2].last_error == ""
    assert [m["To"] for m in smtp_sink.wait_for(3)] == ["k0@firma.example", "k1@firma.example", "k2@firma.example"]
    smtp.close_idle_connections()


def test_a_batch_goes_over_several_connections_and_each_row_is_sent_once(smtp_sink, settings):
    from core.delivery import outbox_deliver_many

    settings.OUTBOX_BATCH_SIZE = 4
    rows = [OutboundEmail.objects.create(idempotency_key=f"batch:{n}", kind="test", to=f"b{n}@firma.example",
                                         template="email/core/test", context={"name": str(n)}) for n in range(10)]
    ids = [row.pk for row in rows]
    assert set(outbox_deliver_many(ids).values()) == {OutboundEmail.Status.SENT}
    assert set(outbox_deliver_many(ids).values()) == {"skipped"}, "a second run sends nothing"
    received = smtp_sink.wait_for(10)
    assert sorted(m["To"] for m in received) == sorted(row.to for row in rows)
    assert not OutboundEmail.objects.exclude(status=OutboundEmail.Status.SENT).exists()


def test_a_batch_with_the_server_down_leaves_every_row_pending_with_one_attempt(smtp_sink, settings):
    from core.delivery import outbox_deliver_many
    from core.smtp import close_idle_connections

    close_idle_connections()
    smtp_sink.stop()
    rows = [OutboundEmail.objects.create(idempotency_key=f"down:{n}", kind="test", to=f"d{n}@firma.example",
                                         template="email/core/test", context={}) for n in range(3)]
    assert set(outbox_deliver_many([row.pk for row in rows]).values()) == {OutboundEmail.Status.PENDING}
    for row in rows:
        row.refresh_from_db()
        assert row.status == OutboundEmail.Status.PENDING and row.attempts == 1 and row.last_error
    smtp_sink.start()
