"""Django admin for staff: users, customers, branches and memberships, searchable and filterable."""

import pytest
from django.urls import reverse

from tests.accounts.conftest import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.mark.parametrize("model", ["user", "customer", "branch", "membership"])
def test_every_admin_list_and_add_page_opens(staff_client, admin_member, model):
    assert staff_client.get(reverse(f"admin:accounts_{model}_changelist")).status_code == 200
    assert staff_client.get(reverse(f"admin:accounts_{model}_add")).status_code == 200


def test_user_change_page_shows_memberships_inline(staff_client, admin_member):
    response = staff_client.get(reverse("admin:accounts_user_change", args=[admin_member.user.pk]))
    assert admin_member.customer.number in page_text(response) or str(admin_member.customer.pk) in (
        response.content.decode()
    )


def test_customer_change_page_shows_memberships_inline(staff_client, admin_member):
    response = staff_client.get(reverse("admin:accounts_customer_change", args=[admin_member.customer.pk]))
    assert response.status_code == 200
    assert "memberships-0-user" in response.content.decode()


def test_users_are_found_by_customer_number_and_filtered_by_role(staff_client, admin_member, buyer_member):
    url = reverse("admin:accounts_user_changelist")
    text = page_text(staff_client.get(url, {"q": admin_member.customer.number}))
    assert admin_member.user.email in text and buyer_member.user.email in text
    text = page_text(staff_client.get(url, {"memberships__role__exact": "administrator"}))
    assert admin_member.user.email in text and buyer_member.user.email not in text


def test_user_list_uses_a_bounded_number_of_queries(staff_client, customer, django_assert_max_num_queries):
    from tests.factories import MembershipFactory

    for _ in range(25):
        MembershipFactory(customer=customer)
    with django_assert_max_num_queries(15):
        staff_client.get(reverse("admin:accounts_user_changelist"))
    with django_assert_max_num_queries(15):
        staff_client.get(reverse("admin:accounts_membership_changelist"))
    with django_assert_max_num_queries(15):
        staff_client.get(reverse("admin:accounts_customer_changelist"))


def test_staff_resend_invitation_asks_first_then_sends_only_to_pending_members(
    staff_client, pending_member, buyer_member
):
    from tests.accounts.conftest import outbox

    url = reverse("admin:accounts_membership_changelist")
    data = {"action": "resend_invitation", "_selected_action": [pending_member.pk, buyer_member.pk]}
    confirm = staff_client.post(url, data)
    text = page_text(confirm)
    assert "Send invitasjonen på nytt?" in confirm.content.decode()
    assert pending_member.user.email in text and buyer_member.user.email in text
    assert not outbox()
    done = staff_client.post(url, {**data, "post": "yes"}, follow=True)
    assert "Sendte 1 invitasjon på nytt." in done.content.decode()
    assert [row.to for row in outbox("accounts.invitation")] == [pending_member.user.email]
