"""«Min konto»: name and phone, email change proven by link, customers and the switcher."""

import pytest
from django.urls import reverse

from accounts.models import User
from tests.accounts.conftest import email_links, link_in, outbox, page_text
from tests.factories import CustomerFactory, MembershipFactory
from tests.fixtures.data import PASSWORD

pytestmark = pytest.mark.django_db

PROFILE = "/konto/min-konto/"


def test_min_konto_lives_under_konto(client, buyer_member):
    assert reverse("accounts:profile") == PROFILE
    client.force_login(buyer_member.user)
    assert client.get("/konto/", follow=True).redirect_chain[-1][0] == PROFILE


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_name_and_phone_are_saved_with_lagre_endringer(client, buyer_member):
    client.force_login(buyer_member.user)
    page = client.get(PROFILE)
    assert "Lagre endringer" in page_text(page)
    response = client.post(PROFILE, {"name": "Åse Ørnulfsen", "phone": "+47 22 33 44 55"}, follow=True)
    assert "Endringene er lagret." in page_text(response)
    buyer_member.user.refresh_from_db()
    assert (buyer_member.user.name, buyer_member.user.phone) == ("Åse Ørnulfsen", "+47 22 33 44 55")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "phone": ""}, "Feltet er påkrevet."),
        ({"name": "x" * 151, "phone": ""}, "150 eller færre tegn"),
        ({"name": "Ola", "phone": "ring meg"}, "gyldig telefonnummer"),
        ({"name": "Ola", "phone": "1" * 41}, "40 eller færre tegn"),
    ],
)
def test_bad_profile_input_gets_a_field_message_and_changes_nothing(client, buyer_member, data, message):
    client.force_login(buyer_member.user)
    before = buyer_member.user.name
    response = client.post(PROFILE, data)
    assert response.status_code == 200
    assert message in page_text(response)
    buyer_member.user.refresh_from_db()
    assert buyer_member.user.name == before


def test_names_with_html_are_shown_escaped(client, buyer_member):
    client.force_login(buyer_member.user)
    client.post(PROFILE, {"name": "<script>alert(1)</script>", "phone": ""})
    html = client.get(PROFILE).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_profile_lists_every_customer_with_the_role_in_each(client, buyer_member, branch):
    second = CustomerFactory(branch=branch, name="Andre Elektro AS")
    MembershipFactory(user=buyer_member.user, customer=second, role="lesetilgang")
    client.force_login(buyer_member.user)
    text = page_text(client.get(PROFILE))
    assert buyer_member.customer.name in text and "Innkjøper" in text
    assert "Andre Elektro AS" in text and "Lesetilgang" in text
    assert "Bytt til Andre Elektro AS" in text


def test_switching_customer_is_kept_in_the_session(client, buyer_member, branch):
    second = CustomerFactory(branch=branch, name="Andre Elektro AS")
    MembershipFactory(user=buyer_member.user, customer=second, role="administrator")
    client.force_login(buyer_member.user)
    response = client.post(
        reverse("accounts:switch_customer"), {"customer": second.pk, "next": PROFILE}, follow=True
    )
    assert "Du handler nå for" in page_text(response)
    assert response.wsgi_request.tenant.customer == second
    assert client.get(reverse("accounts:users")).status_code == 200  # administrator there


def test_switching_to_a_customer_one_is_no_member_of_is_refused(client, buyer_member, other_customer):
    client.force_login(buyer_member.user)
    response = client.post(reverse("accounts:switch_customer"), {"customer": other_customer.pk}, follow=True)
    assert "Du har ikke tilgang til den kunden." in page_text(response)
    assert response.wsgi_request.tenant.customer == buyer_member.customer


def log_in_with_password(client, user):
    """Log in and confirm the password on allauth's re-authentication page: changing the email
    asks for it unless it was confirmed in the last five minutes (issue #15 item 4)."""
    client.force_login(user)
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


def test_email_change_takes_effect_only_after_the_new_address_is_proven(client, buyer_member):
    user = buyer_member.user
    old_email = user.email
    log_in_with_password(client, user)
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "Nytt.Navn@Firma.example"}, follow=True
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.email == old_email
    assert "nytt.navn@firma.example" in page_text(client.get(PROFILE))
    [row] = outbox("accounts.email_confirmation")
    assert row.to == "nytt.navn@firma.example"
    link = link_in(email_links(row)["activate_url"], "/konto/")
    confirm = client.get(link)
    assert "Bekreft e-postadressen" in page_text(confirm)
    client.post(link, follow=True)
    user.refresh_from_db()
    assert user.email == "nytt.navn@firma.example"
    assert outbox("accounts.email_changed")[0].to == old_email


def test_malformed_new_email_gets_a_field_message(client, buyer_member):
    log_in_with_password(client, buyer_member.user)
    response = client.post(reverse("account_email"), {"action_add": "", "email": "ikke en adresse"})
    assert response.status_code == 200
    assert "gyldig e-postadresse" in page_text(response)
    assert not outbox()


def test_email_change_to_someone_elses_address_does_not_take_it(client, buyer_member, admin_member):
    log_in_with_password(client, buyer_member.user)
    client.post(reverse("account_email"), {"action_add": "", "email": admin_member.user.email})
    assert User.objects.filter(email=admin_member.user.email).get() == admin_member.user
    buyer_member.user.refresh_from_db()
    assert buyer_member.user.email != admin_member.user.email


def test_email_change_is_safe_for_users_created_without_save(client, customer):
    """A bulk import bypasses signals; logging in still gives the user a verified login address."""
    from allauth.account.models import EmailAddress

    [user] = User.objects.bulk_create([User(email="importert@firma.example", name="Importert")])
    user.set_password("Et langt passord 2026")
    user.save(update_fields=["password"])
    EmailAddress.objects.filter(user=user).delete()
    client.post(reverse("account_login"), {"login": user.email, "password": "Et langt passord 2026"})
    client.post(reverse("account_email"), {"action_add": "", "email": "ny.adresse@firma.example"})
    user.refresh_from_db()
    assert user.email == "importert@firma.example"
