"""The move button for a wave of customers: validated at once, done by Celery, every guarantee kept."""

from collections import Counter

import pytest

from accounts.models import Customer
from core.models import OutboundEmail
from migration.models import CustomerMove, EventKind, LegacyAccount, MigrationEvent, State
from migration.services import MoveError, customers_flag_for_move, customers_flag_wave
from tests.factories import CustomerFactory

from .conftest import LegacyAccountFactory, default_deadline

pytestmark = pytest.mark.django_db


def _wave(customers=4, accounts=3):
    made = [CustomerFactory() for _ in range(customers)]
    for customer in made:
        for n in range(accounts):
            LegacyAccountFactory(customer=customer, is_main_user=n == 0)
        LegacyAccountFactory(customer=customer, email="")
    return made


def test_a_deadline_out_of_bounds_queues_nothing_and_changes_nothing(django_capture_on_commit_callbacks):
    _wave(customers=2)
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(MoveError) as error:
        customers_flag_wave(customers=Customer.objects.all(), deadline=default_deadline(40))
    assert "Fristen må være mellom" in error.value.message
    assert callbacks == []
    assert not CustomerMove.objects.flagged().exists() and not OutboundEmail.objects.exists()


def test_the_wave_is_counted_then_queued_in_chunks_after_commit(settings, django_capture_on_commit_callbacks):
    settings.MIGRATION_FLAG_CHUNK = 3
    customers = _wave(customers=7)
    customers_flag_for_move(customers=customers[:1], deadline=default_deadline())  # flagged before
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        plan = customers_flag_wave(customers=Customer.objects.all(), deadline=default_deadline())
    assert (plan.selected, len(plan.to_flag), plan.already, plan.tasks) == (7, 6, 1, 2)
    assert (plan.invitations, plan.without_email) == (18, 6)
    assert CustomerMove.objects.flagged().count() == 1, "nothing flagged before the tasks run"
    for callback in callbacks:
        callback()  # eager Celery: the chunks run inline
    assert CustomerMove.objects.flagged().count() == 7
    assert OutboundEmail.objects.filter(kind="migration.invitation").count() == 21
    assert MigrationEvent.objects.filter(kind=EventKind.FLAGGED).count() == 7
    per_account = Counter(MigrationEvent.objects.filter(kind=EventKind.INVITED).values_list("account", flat=True))
    assert len(per_account) == 28 and set(per_account.values()) == {1}
    assert not LegacyAccount.objects.filter(state=State.IMPORTED).exists()


def test_one_transaction_for_many_customers_writes_what_one_press_per_customer_writes(staff_user):
    customers = _wave(customers=3, accounts=2)
    results = customers_flag_for_move(customers=customers, deadline=default_deadline(), actor=staff_user)
    assert [r.newly_flagged for r in results] == [True] * 3
    for result in results:
        assert len(result.invited) == 2 and len(result.without_email) == 1
        events = list(MigrationEvent.objects.filter(customer=result.customer).order_by("pk"))
        assert [e.kind for e in events] == [EventKind.FLAGGED] + [EventKind.INVITED] * 3
        assert all(e.actor == staff_user for e in events)
    again = customers_flag_for_move(customers=customers, deadline=default_deadline(25))
    assert [r.newly_flagged for r in again] == [False] * 3
    assert OutboundEmail.objects.count() == 6


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_admin_action_queues_the_wave_and_a_real_worker_sends_each_invitation_once(
    celery_worker, smtp_sink, client, staff_user, settings
):
    settings.MIGRATION_FLAG_CHUNK = 4
    customers = _wave(customers=10, accounts=3)
    client.force_login(staff_user)
    response = client.post("/admin/accounts/customer/", {
        "action": "flag_for_move", "_selected_action": [c.pk for c in customers], "apply": "1",
        "deadline": default_deadline().isoformat(),
    }, follow=True)
    assert "10 kunder flyttes nå, 30 invitasjoner sendes i bakgrunnen" in response.content.decode()
    received = smtp_sink.wait_for(30, timeout=60)
    assert Counter(m["To"] for m in received).most_common(1)[0][1] == 1
    assert len({m["Message-ID"] for m in received}) == 30
    assert CustomerMove.objects.flagged().count() == 10
    invited = LegacyAccount.objects.invitable().filter(state=State.INVITED)
    assert invited.count() == 30
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {OutboundEmail.Status.SENT}
