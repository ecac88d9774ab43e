"""«Brukere»: the customer administrator's list, invitations, roles, deactivation, isolation."""

import pytest
from django.contrib.auth.hashers import make_password
from django.urls import reverse

from accounts.models import Membership, Role, User
from tests.accounts.conftest import email_links, outbox, page_text
from tests.factories import CustomerFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

USERS = "/konto/brukere/"


def add_user(client, **data):
    return client.post(reverse("accounts:user_add"), {"role": "innkjoper", **data}, follow=True)


def test_list_shows_name_email_role_status_and_last_login(
    admin_client, admin_member, buyer_member, pending_member
):
    assert reverse("accounts:users") == USERS
    deactivated = MembershipFactory(customer=admin_member.customer, role="lesetilgang", is_active=False)
    text = page_text(admin_client.get(USERS))
    for member in (admin_member, buyer_member, pending_member, deactivated):
        assert member.user.email in text
    assert "aktiv" in text and "invitert" in text and "deaktivert" in text
    assert "Administrator" in text and "Innkjøper" in text and "Lesetilgang" in text
    assert "Aldri" in text  # the pending colleague never logged in
    assert "Legg til bruker" in text


def test_list_cells_carry_labels_for_phones(admin_client, buyer_member):
    html = admin_client.get(USERS).content.decode()
    assert 'class="responsive-table' in html
    assert 'data-label="E-post"' in html and 'data-label="Status"' in html


def test_list_uses_a_bounded_number_of_queries(admin_client, admin_member, django_assert_max_num_queries):
    for _ in range(30):
        MembershipFactory(customer=admin_member.customer)
    with django_assert_max_num_queries(12):
        response = admin_client.get(USERS)
    assert response.status_code == 200


def test_list_shows_only_the_current_customers_users(admin_client, other_member):
    text = page_text(admin_client.get(USERS))
    assert other_member.user.email not in text


@pytest.mark.parametrize("fixture", ["buyer_member", "readonly_member"])
def test_buyers_and_read_only_users_get_the_403_page_and_no_link(client, request, fixture):
    member = request.getfixturevalue(fixture)
    client.force_login(member.user)
    assert 'href="/konto/brukere/"' not in client.get("/").content.decode()
    for url in (USERS, reverse("accounts:user_add")):
        response = client.get(url)
        assert response.status_code == 403
    assert (
        client.post(
            reverse("accounts:user_add"), {"email": "x@y.example", "name": "X", "role": "administrator"}
        ).status_code
        == 403
    )
    assert not User.objects.filter(email="x@y.example").exists()


def test_administrator_sees_the_brukere_link_in_the_menu(admin_client):
    assert 'href="/konto/brukere/"' in admin_client.get("/").content.decode()


def test_adding_a_new_email_creates_a_pending_user_and_sends_an_invitation(admin_client, admin_member):
    response = add_user(admin_client, email="Ny.Kollega@Firma.example", name="Ny Kollega", role="lesetilgang")
    assert "Vi har sendt en invitasjon" in page_text(response)
    user = User.objects.get(email="ny.kollega@firma.example")
    assert user.is_active and not user.has_usable_password()
    membership = user.memberships.get()
    assert (membership.customer, membership.role, membership.invited_by) == (
        admin_member.customer,
        Role.READ_ONLY,
        admin_member.user,
    )
    [mail] = outbox("accounts.invitation")
    assert mail.to == "ny.kollega@firma.example"
    assert mail.context["customer_name"] == admin_member.customer.name
    assert mail.context["invited_by"] == admin_member.user.name
    assert "/konto/invitasjon/" in email_links(mail)["url"]
    assert "invitert" in page_text(response)


def test_invitation_email_names_the_customer_and_who_invited(
    admin_client, admin_member, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        add_user(admin_client, email="ny@firma.example", name="Ny Person")
    [mail] = mailoutbox
    assert admin_member.customer.name in mail.subject
    assert admin_member.user.name in mail.body and "7 dager" in mail.body
    assert "/konto/invitasjon/" in mail.alternatives[0][0]


def test_adding_an_existing_user_only_offers_the_membership(admin_client, admin_member, other_member):
    # Was: a membership at once and a notice (issue #15 item 2: no joining without consent).
    response = add_user(admin_client, email=other_member.user.email.upper(), name="Ignored")
    assert "Vi har sendt en invitasjon" in page_text(response)
    assert other_member.user.memberships.count() == 1
    assert not outbox("accounts.invitation")
    [offer] = outbox("accounts.membership_offer")
    assert offer.to == other_member.user.email
    other_member.user.refresh_from_db()
    assert other_member.user.has_usable_password()


def test_adding_someone_already_in_the_customer_is_refused(admin_client, buyer_member):
    response = add_user(admin_client, email=buyer_member.user.email, name="X")
    assert "er allerede bruker hos" in page_text(response)
    assert Membership.objects.filter(user=buyer_member.user).count() == 1
    assert not outbox()


def test_adding_a_user_deactivated_by_staff_sends_nothing(admin_client, admin_member):
    shut_out = UserFactory(email="stengt@firma.example", is_active=False)
    response = add_user(admin_client, email="stengt@firma.example", name="X")
    # The same answer as for anyone else (was: "deaktivert", which told the admin about the account).
    assert "Vi har sendt en invitasjon til stengt@firma.example" in page_text(response)
    assert "deaktivert" not in page_text(response)
    assert not outbox()
    shut_out.refresh_from_db()
    assert not shut_out.is_active


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "", "name": "", "role": ""}, "Feltet er påkrevet."),
        ({"email": "ikke-en-adresse", "name": "X"}, "gyldig e-postadresse"),
        ({"email": "a@b.example", "name": "x" * 151}, "150 eller færre tegn"),
        ({"email": "a@b.example", "name": "X", "role": "sjef"}, "gyldig valg"),
        ({"email": ("a" * 250) + "@b.example", "name": "X"}, "254 eller færre tegn"),
    ],
)
def test_bad_invitation_input_gets_a_field_message_and_creates_nobody(admin_client, data, message):
    before = User.objects.count()
    response = admin_client.post(reverse("accounts:user_add"), data)
    assert response.status_code == 200
    assert message in page_text(response)
    assert User.objects.count() == before
    assert not outbox()


def test_names_with_html_and_unicode_are_stored_as_typed_and_shown_escaped(admin_client):
    add_user(admin_client, email="skript@firma.example", name="<b>Ærlige</b> Øystein 👷")
    assert User.objects.get(email="skript@firma.example").name == "<b>Ærlige</b> Øystein 👷"
    html = admin_client.get(USERS).content.decode()
    assert "<b>Ærlige</b>" not in html
    assert "&lt;b&gt;Ærlige&lt;/b&gt; Øystein 👷" in html


def test_change_role(admin_client, buyer_member):
    response = admin_client.post(
        reverse("accounts:membership_role", args=[buyer_member.pk]), {"role": "administrator"}, follow=True
    )
    assert "har nå rollen Administrator" in page_text(response)
    buyer_member.refresh_from_db()
    assert buyer_member.role == Role.ADMINISTRATOR


def test_invalid_role_changes_nothing(admin_client, buyer_member):
    response = admin_client.post(
        reverse("accounts:membership_role", args=[buyer_member.pk]), {"role": "sjef"}, follow=True
    )
    assert "Velg en gyldig rolle." in page_text(response)
    buyer_member.refresh_from_db()
    assert buyer_member.role == Role.BUYER


def test_the_last_administrator_cannot_demote_themselves(admin_client, admin_member):
    response = admin_client.post(
        reverse("accounts:membership_role", args=[admin_member.pk]), {"role": "innkjoper"}, follow=True
    )
    assert "må ha minst én aktiv administrator" in page_text(response)
    admin_member.refresh_from_db()
    assert admin_member.role == Role.ADMINISTRATOR


def test_the_last_administrator_cannot_deactivate_themselves(admin_client, admin_member):
    response = admin_client.post(
        reverse("accounts:membership_deactivate", args=[admin_member.pk]), follow=True
    )
    assert "må ha minst én aktiv administrator" in page_text(response)
    admin_member.refresh_from_db()
    assert admin_member.is_active


def test_an_invited_administrator_does_not_count_as_the_active_one(
    admin_client, admin_member, pending_member
):
    pending_member.role = Role.ADMINISTRATOR
    pending_member.save(update_fields=["role"])
    response = admin_client.post(
        reverse("accounts:membership_role", args=[admin_member.pk]), {"role": "innkjoper"}, follow=True
    )
    assert "må ha minst én aktiv administrator" in page_text(response)


def test_with_two_administrators_one_may_step_down_and_leaves_brukere(admin_client, admin_member):
    MembershipFactory(customer=admin_member.customer, role="administrator")
    response = admin_client.post(
        reverse("accounts:membership_role", args=[admin_member.pk]), {"role": "innkjoper"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("accounts:profile")
    assert admin_client.get(USERS).status_code == 403


def test_deactivate_and_reactivate_a_member(admin_client, buyer_member):
    buyer_client = type(admin_client)()
    buyer_client.force_login(buyer_member.user)
    assert buyer_client.get("/konto/min-konto/").wsgi_request.tenant.customer == buyer_member.customer
    response = admin_client.post(
        reverse("accounts:membership_deactivate", args=[buyer_member.pk]), follow=True
    )
    assert "har ikke lenger tilgang" in page_text(response)
    assert "deaktivert" in page_text(admin_client.get(USERS))
    # their open session loses the customer at once
    assert buyer_client.get("/konto/min-konto/").wsgi_request.tenant.customer is None
    response = admin_client.post(
        reverse("accounts:membership_reactivate", args=[buyer_member.pk]), follow=True
    )
    assert "har tilgang til" in page_text(response)
    assert buyer_client.get("/konto/min-konto/").wsgi_request.tenant.customer == buyer_member.customer


def test_deactivation_is_for_one_customer_only(admin_client, buyer_member, other_customer):
    elsewhere = MembershipFactory(user=buyer_member.user, customer=other_customer)
    admin_client.post(reverse("accounts:membership_deactivate", args=[buyer_member.pk]))
    elsewhere.refresh_from_db()
    assert elsewhere.is_active


def test_resend_invitation_sends_a_fresh_link(admin_client, pending_member):
    response = admin_client.post(reverse("accounts:invitation_resend", args=[pending_member.pk]), follow=True)
    assert "sendt invitasjonen på nytt" in page_text(response)
    admin_client.post(reverse("accounts:invitation_resend", args=[pending_member.pk]))
    assert len(outbox("accounts.invitation")) == 2


def test_resend_to_someone_who_already_has_a_password_sends_nothing(admin_client, buyer_member):
    response = admin_client.post(reverse("accounts:invitation_resend", args=[buyer_member.pk]), follow=True)
    assert "trenger ingen ny invitasjon" in page_text(response)
    assert not outbox()


def test_detail_page_offers_resend_only_for_invited_members(admin_client, pending_member, buyer_member):
    assert "Send invitasjonen på nytt" in page_text(
        admin_client.get(reverse("accounts:membership_detail", args=[pending_member.pk]))
    )
    assert "Send invitasjonen på nytt" not in page_text(
        admin_client.get(reverse("accounts:membership_detail", args=[buyer_member.pk]))
    )


# --- Tenant isolation: every URL that takes an id ---------------------------------------------------

ID_URLS = [
    ("accounts:membership_detail", "get", {}),
    ("accounts:membership_role", "post", {"role": "lesetilgang"}),
    ("accounts:membership_deactivate", "post", {}),
    ("accounts:membership_reactivate", "post", {}),
    ("accounts:invitation_resend", "post", {}),
]


@pytest.mark.parametrize(("name", "method", "data"), ID_URLS)
def test_another_customers_member_id_is_a_404_and_changes_nothing(
    admin_client, other_member, name, method, data
):
    other_member.user.password = make_password(None)
    other_member.user.save(update_fields=["password"])
    other_member.is_active = False
    other_member.save(update_fields=["is_active"])
    before = Membership.objects.values_list("pk", "role", "is_active").get(pk=other_member.pk)
    response = getattr(admin_client, method)(reverse(name, args=[other_member.pk]), data)
    assert response.status_code == 404
    assert Membership.objects.values_list("pk", "role", "is_active").get(pk=other_member.pk) == before
    assert not outbox()


@pytest.mark.parametrize(("name", "method", "data"), ID_URLS)
def test_an_administrator_of_two_customers_reaches_ids_only_in_the_current_one(
    client, admin_member, other_member, name, method, data
):
    MembershipFactory(user=admin_member.user, customer=other_member.customer, role="innkjoper")
    client.force_login(admin_member.user)
    # current customer is admin_member.customer; the other customer's ids stay out of reach
    response = getattr(client, method)(reverse(name, args=[other_member.pk]), data)
    assert response.status_code == 404


@pytest.mark.parametrize(("name", "method", "data"), ID_URLS)
def test_buyers_get_403_on_every_id_url(client, buyer_member, name, method, data):
    client.force_login(buyer_member.user)
    response = getattr(client, method)(reverse(name, args=[buyer_member.pk]), data)
    assert response.status_code == 403


def test_customer_switch_moves_brukere_to_the_other_customer(client, admin_member, branch):
    second = CustomerFactory(branch=branch, name="Datter AS")
    MembershipFactory(user=admin_member.user, customer=second, role="administrator")
    colleague = MembershipFactory(customer=second, role="innkjoper")
    client.force_login(admin_member.user)
    client.post(reverse("accounts:switch_customer"), {"customer": second.pk})
    text = page_text(client.get(USERS))
    assert colleague.user.email in text and "Datter AS" in text


def test_resending_one_invitation_again_and_again_gets_the_429_page(admin_client, pending_member):
    url = reverse("accounts:invitation_resend", args=[pending_member.pk])
    for _ in range(3):
        assert admin_client.post(url).status_code == 302
    response = admin_client.post(url)
    assert response.status_code == 429
    assert "For mange forsøk på kort tid" in page_text(response)
    assert len(outbox("accounts.invitation")) == 3


def test_inviting_in_bulk_is_rate_limited(admin_client, settings):
    settings.ACCOUNTS_RATE_LIMITS = {**settings.ACCOUNTS_RATE_LIMITS, "invite": "2/h/user"}
    for n in range(2):
        assert add_user(admin_client, email=f"n{n}@firma.example", name="N").status_code == 200
    response = admin_client.post(
        reverse("accounts:user_add"), {"email": "n9@firma.example", "name": "N", "role": "innkjoper"}
    )
    assert response.status_code == 429
    assert not User.objects.filter(email="n9@firma.example").exists()


def test_reactivating_a_user_shut_out_by_staff_says_they_still_cannot_log_in(admin_client, admin_member):
    shut_out = MembershipFactory(customer=admin_member.customer, is_active=False, user__is_active=False)
    url = reverse("accounts:membership_reactivate", args=[shut_out.pk])
    response = admin_client.post(url, follow=True)
    assert "er deaktivert av oss og kan ikke logge inn" in page_text(response)
    shut_out.user.refresh_from_db()
    assert not shut_out.user.is_active
