"""Joining another customer needs the person's consent (security review, issue #15 item 2)."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Membership, MembershipOffer, Role
from accounts.tenancy import SESSION_KEY
from core.delivery import email_render
from core.models import OutboundEmail
from identity.claims import customers_claim
from tests.accounts.conftest import page_text
from tests.factories import MembershipFactory, UserFactory
from tests.fixtures.data import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def kari(customer_b):
    """A person with a user at customer B: real name, a last login, a default customer."""
    member = MembershipFactory(customer=customer_b, role=Role.ADMINISTRATOR, user__password=PASSWORD,
                               user__email="kari@b.example", user__name="Kari Hemmelig Nordmann")
    client = Client()
    client.post(reverse("account_login"), {"login": "kari@b.example", "password": PASSWORD})
    return member.user


def current_customer_id(client):
    """The customer the shop acts for in this session (what «Min konto» shows as current)."""
    client.get(reverse("accounts:profile"))
    return client.session.get(SESSION_KEY)


def add(client, email, name="Skrevet Av Admin", role=Role.ADMINISTRATOR):
    return client.post(reverse("accounts:user_add"), {"email": email, "name": name, "role": role})


def message(client):
    return page_text(client.get(reverse("accounts:users")))


def _answer(client, email):
    response = add(client, email)
    text = message(client).replace(email, "<email>")
    return response.status_code, response.headers.get("Location"), text.split("Navn E-post")[0]


def test_the_answer_is_the_same_for_a_new_address_an_existing_user_a_shut_out_one_and_a_pending_one(
    client_a, kari, customer_b
):
    shut_out = UserFactory(email="stengt@b.example", is_active=False)
    pending = UserFactory(email="venter@b.example")
    pending.set_unusable_password()
    pending.save()
    answers = {email: _answer(client_a, email)
               for email in ("ny@nowhere.example", kari.email, shut_out.email, pending.email)}
    assert len(set(answers.values())) == 1, answers
    status, location, text = answers[kari.email]
    assert status == 302 and location == reverse("accounts:users")
    assert "Vi har sendt en invitasjon til <email>" in text


def test_until_accepted_nothing_is_shared_and_nothing_changes_for_the_person(client_a, customer_a, kari,
                                                                           customer_b):
    before_claim = customers_claim(kari)
    add(client_a, kari.email)
    users_page = message(client_a)
    assert kari.email in users_page
    assert "Kari Hemmelig Nordmann" not in users_page  # the person's real name
    assert "Skrevet Av Admin" in users_page  # what the administrator typed
    kari.refresh_from_db()
    assert kari.last_login.strftime("%-d.%-m.%Y") not in users_page.split(kari.email, 1)[1][:200]
    detail = page_text(client_a.get(reverse("accounts:offer_detail",
                                            args=[MembershipOffer.objects.get().pk])))
    assert "Kari Hemmelig" not in detail and "Sist innlogget" not in detail
    assert "Aktiv" not in detail and "Deaktivert" not in detail
    assert not Membership.objects.filter(user=kari, customer=customer_a).exists()
    assert customers_claim(kari) == before_claim
    # Customer A's administrator cannot act on the person at all.
    assert not Membership.objects.filter(customer=customer_a, user=kari).exists()


def test_bli_med_email_goes_to_the_person_and_names_the_customer(client_a, customer_a, kari):
    add(client_a, kari.email)
    [row] = OutboundEmail.objects.filter(kind="accounts.membership_offer")
    assert row.to == kari.email
    mail = email_render(row)
    assert mail.subject == f"Bli med i {customer_a.name}"
    assert "/konto/bli-med/" in mail.body
    assert "Kari" not in mail.body  # the administrator's typed name is not used to address her


def test_accepted_only_by_the_person_logged_in_and_by_post(client_a, customer_a, kari, customer_b):
    add(client_a, kari.email, role=Role.BUYER)
    offer = MembershipOffer.objects.get()
    url = reverse("accounts:offers")

    anonymous = Client().post(url, {"offer": offer.pk, "action": "accept"})
    assert anonymous.status_code == 302 and "/konto/login/" in anonymous.headers["Location"]
    someone_else = Client()
    someone_else.force_login(UserFactory())
    assert someone_else.post(url, {"offer": offer.pk, "action": "accept"}).status_code == 404
    assert client_a.post(url, {"offer": offer.pk, "action": "accept"}).status_code == 404  # the admin

    person = Client()
    person.post(reverse("account_login"), {"login": kari.email, "password": PASSWORD})
    current_before = current_customer_id(person)
    page = person.get(url)
    assert page.status_code == 200 and f"Bli med i {customer_a.name}" in page_text(page)
    assert not Membership.objects.filter(user=kari, customer=customer_a).exists()  # GET changes nothing

    response = person.post(url, {"offer": offer.pk, "action": "accept"})
    assert response.status_code == 302
    membership = Membership.objects.get(user=kari, customer=customer_a)
    assert membership.role == Role.BUYER and membership.is_active
    assert not MembershipOffer.objects.exists()
    assert current_customer_id(person) == current_before  # the default customer stays hers
    assert person.post(url, {"offer": offer.pk, "action": "accept"}).status_code == 404  # once


def test_declined_or_withdrawn_offers_leave_nothing(client_a, customer_a, kari):
    person = Client()
    person.post(reverse("account_login"), {"login": kari.email, "password": PASSWORD})
    add(client_a, kari.email)
    offer = MembershipOffer.objects.get()
    assert person.post(reverse("accounts:offers"), {"offer": offer.pk, "action": "decline"}).status_code == 302
    assert not MembershipOffer.objects.exists()
    assert not Membership.objects.filter(user=kari, customer=customer_a).exists()

    add(client_a, kari.email)
    offer = MembershipOffer.objects.get()
    response = client_a.post(reverse("accounts:offer_detail", args=[offer.pk]), {"action": "withdraw"})
    assert response.status_code == 302
    assert "ingen invitasjoner" in page_text(person.get(reverse("accounts:offers")))


def test_an_offer_follows_the_address_it_was_sent_to(client_a, customer_a, kari):
    add(client_a, kari.email)
    offer = MembershipOffer.objects.get()
    kari.email = "kari.ny@b.example"
    kari.save()
    person = Client()
    person.force_login(kari)
    assert person.post(reverse("accounts:offers"), {"offer": offer.pk, "action": "accept"}).status_code == 404
    assert not Membership.objects.filter(user=kari, customer=customer_a).exists()


def test_adding_the_same_person_twice_is_refused_like_a_second_new_address(client_a, kari):
    add(client_a, kari.email)
    again = add(client_a, kari.email)
    new_twice = (add(client_a, "ny@nowhere.example"), add(client_a, "ny@nowhere.example"))[1]
    assert again.status_code == new_twice.status_code == 200
    assert "er allerede bruker hos" in page_text(again)
    assert page_text(again).replace(kari.email, "<e>") == page_text(new_twice).replace("ny@nowhere.example", "<e>")


def test_a_customer_that_is_not_active_offers_nothing(client_a, customer_a, kari):
    add(client_a, kari.email)
    type(customer_a).objects.filter(pk=customer_a.pk).update(is_active=False)
    person = Client()
    person.force_login(kari)
    assert "ingen invitasjoner" in page_text(person.get(reverse("accounts:offers")))


def test_the_help_page_says_an_existing_user_must_accept():
    from faq.models import Question

    answer = Question.objects.get(slug="legge-til-bruker").answer
    assert "allerede en bruker" in answer and "«Ta imot»" in answer
