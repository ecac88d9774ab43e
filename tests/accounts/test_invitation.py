"""The invitation link: a colleague sets a password, lands logged in at the inviting customer."""

import time

import pytest
from django.urls import reverse

from accounts import services
from accounts.tenancy import SESSION_KEY
from tests.accounts.conftest import email_links, link_in, outbox, page_text
from tests.factories import CustomerFactory, MembershipFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Lang og god frase på norsk"


def invite(admin_member, email="kollega@firma.example", role="innkjoper"):
    membership = services.membership_invite(
        customer=admin_member.customer,
        email=email,
        name="Kari Kollega",
        role=role,
        invited_by=admin_member.user,
    )
    [row] = outbox("accounts.invitation")
    return membership, link_in(email_links(row)["url"], "/konto/invitasjon/")


def test_set_password_logs_in_at_the_inviting_customer(client, admin_member, branch):
    # the colleague is also a member elsewhere, sorted first: they still land in the inviting customer
    first = CustomerFactory(branch=branch, number="00001", name="Først AS")
    membership, link = invite(admin_member)
    MembershipFactory(user=membership.user, customer=first)
    page = client.get(link)
    text = page_text(page)
    assert admin_member.customer.name in text and "kollega@firma.example" in text
    response = client.post(link, {"password1": PASSWORD, "password2": PASSWORD}, follow=True)
    assert response.context["user"] == membership.user
    assert response.wsgi_request.tenant.customer == admin_member.customer
    assert client.session[SESSION_KEY] == admin_member.customer.pk
    assert "du er logget inn hos" in page_text(response)
    membership.user.refresh_from_db()
    assert membership.user.check_password(PASSWORD)
    assert membership.status == "aktiv"


def test_after_setting_the_password_the_colleague_can_log_in_normally(client, admin_member):
    membership, link = invite(admin_member)
    client.post(link, {"password1": PASSWORD, "password2": PASSWORD})
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "kollega@firma.example", "password": PASSWORD}, follow=True
    )
    assert response.context["user"] == membership.user


def test_a_used_link_gives_a_clear_page_and_changes_nothing(client, admin_member):
    membership, link = invite(admin_member)
    client.post(link, {"password1": PASSWORD, "password2": PASSWORD})
    client.logout()
    response = client.get(link)
    assert response.status_code == 410
    assert "Lenken er allerede brukt" in page_text(response)
    client.post(link, {"password1": "Et helt annet passord 99", "password2": "Et helt annet passord 99"})
    membership.user.refresh_from_db()
    assert membership.user.check_password(PASSWORD)
    assert not client.get("/konto/min-konto/").wsgi_request.user.is_authenticated


def test_an_expired_link_gives_a_clear_page_and_changes_nothing(client, admin_member, settings, monkeypatch):
    membership, link = invite(admin_member)
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + settings.INVITATION_TIMEOUT_DAYS * 86400 + 60)
    response = client.post(link, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 410
    assert "Lenken har gått ut" in page_text(response)
    membership.user.refresh_from_db()
    assert not membership.user.has_usable_password()
    assert not response.wsgi_request.user.is_authenticated


@pytest.mark.parametrize(
    "tamper",
    [
        lambda link: link[:-3] + "abc/",
        lambda link: link.replace("/invitasjon/", "/invitasjon/9").rstrip("/") + "x/",
        lambda link: "/konto/invitasjon/1/ikke-en-token/",
    ],
)
def test_a_tampered_link_gives_a_clear_page_and_changes_nothing(client, admin_member, tamper):
    membership, link = invite(admin_member)
    response = client.post(tamper(link), {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code in (400, 404)
    if response.status_code == 400:
        assert "Lenken virker ikke" in page_text(response)
    membership.user.refresh_from_db()
    assert not membership.user.has_usable_password()


def test_the_link_does_not_work_for_another_customer_id(client, admin_member, other_customer):
    membership, link = invite(admin_member)
    forged = link.replace(f"/invitasjon/{admin_member.customer.pk}/", f"/invitasjon/{other_customer.pk}/")
    response = client.post(forged, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 400
    membership.user.refresh_from_db()
    assert not membership.user.has_usable_password()


def test_a_user_deactivated_by_staff_cannot_use_the_invitation(client, admin_member):
    membership, link = invite(admin_member)
    membership.user.is_active = False
    membership.user.save(update_fields=["is_active"])
    response = client.post(link, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code in (400, 410)
    membership.user.refresh_from_db()
    assert not membership.user.has_usable_password()
    assert not response.wsgi_request.user.is_authenticated


def test_a_member_deactivated_by_the_administrator_cannot_use_the_invitation(client, admin_member):
    membership, link = invite(admin_member)
    services.membership_deactivate(membership=membership)
    response = client.post(link, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 400
    membership.user.refresh_from_db()
    assert not membership.user.has_usable_password()


def test_an_email_change_kills_the_invitation(client, admin_member):
    membership, link = invite(admin_member)
    membership.user.email = "annen@firma.example"
    membership.user.save(update_fields=["email"])
    assert client.get(link).status_code == 410


@pytest.mark.parametrize(
    ("p1", "p2", "message"),
    [
        ("", "", "Feltet er påkrevet."),
        ("kort", "kort", "minst 12"),
        (PASSWORD, PASSWORD + "x", "Passordene er ikke like."),
        ("kari kollega 1", "kari kollega 1", "for lik"),
    ],
)
def test_bad_passwords_get_a_field_message_and_the_link_stays_usable(client, admin_member, p1, p2, message):
    membership, link = invite(admin_member)
    response = client.post(link, {"password1": p1, "password2": p2})
    assert response.status_code == 200
    assert message.lower() in page_text(response).lower()
    membership.user.refresh_from_db()
    assert not membership.user.has_usable_password()
    assert client.get(link).status_code == 200


def test_spaces_and_non_ascii_are_kept_as_typed(client, admin_member):
    membership, link = invite(admin_member)
    password = "  blåbærsyltetøy på hytta  "
    client.post(link, {"password1": password, "password2": password})
    membership.user.refresh_from_db()
    assert membership.user.check_password(password)
    assert not membership.user.check_password(password.strip())


def test_a_pending_user_from_another_customer_gets_an_offer_not_a_membership(
    admin_member, pending_member, other_customer, other_member
):
    # Was: a membership and a second invitation at once; now «Bli med i …» (issue #15 item 2).
    services.membership_invite(
        customer=other_customer,
        email=pending_member.user.email,
        name="X",
        role="innkjoper",
        invited_by=other_member.user,
    )
    assert not outbox("accounts.invitation")
    assert [row.to for row in outbox("accounts.membership_offer")] == [pending_member.user.email]
    assert not pending_member.user.memberships.filter(customer=other_customer).exists()


def test_one_invitation_event_sends_one_email(admin_member):
    membership, _ = invite(admin_member)
    from core.email import email_enqueue

    email_enqueue(
        key=f"accounts.invitation:{membership.pk}",
        kind="accounts.invitation",
        to="x@y.example",
        template="email/accounts/invitation",
        context={},
    )
    assert len(outbox("accounts.invitation")) == 1


def test_accepting_an_invitation_is_one_service_that_verifies_the_address_and_uses_the_link_once(
    admin_member,
):
    from allauth.account.models import EmailAddress
    from django.urls import resolve

    from core.links import LinkError

    membership, link = invite(admin_member)
    token = resolve(link).kwargs["token"]
    accepted = services.invitation_accept(token=token, customer_id=membership.customer_id, password=PASSWORD)
    assert accepted.pk == membership.pk and accepted.user.check_password(PASSWORD)
    address = EmailAddress.objects.get(user=membership.user)
    assert address.verified and address.primary and address.email == membership.user.email
    with pytest.raises(LinkError) as used:
        services.invitation_accept(token=token, customer_id=membership.customer_id, password="Et annet langt passord")
    assert used.value.reason == "used"
