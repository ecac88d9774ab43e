from accounts.models import Membership, Role, User
from core.links import link_sign
from core.models import OutboundEmail
from migration.models import EventKind, MigrationEvent, State
from tests.accounts.conftest import email_links
from tests.factories import CustomerFactory, MembershipFactory, UserFactory

from .conftest import LegacyAccountFactory, legacy_login


def submit(client, account, **data):
    legacy_login(client, account.username)
    payload = {"name": account.name, "email": account.email, "phone": account.phone, **data}
    return client.post("/flytt/konto/", payload)


def activation_path(email_row):
    url = email_links(email_row)["activation_url"]
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


NEW_PASSWORD = "lang og trygg setning 2026"


def activate(client, email):
    """Use the activation link of the user with `email` (set the first password)."""
    user = User.objects.get(email__iexact=email)
    response = client.post(
        f"/flytt/aktiver/{link_sign('activation', user)}/",
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    client.logout()


def test_move_form_creates_a_pending_administrator_for_the_main_user(
    client, legacy_account, flag, mailoutbox, django_capture_on_commit_callbacks
):
    flag(legacy_account.customer)
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, legacy_account, email="Ny.Adresse@Firma.example", phone="411 22 333")
    assert response.status_code == 302
    user = User.objects.get(email="ny.adresse@firma.example")
    # Pending (PRODUCT.md, move form step 4): inactive, no password, no membership until the link.
    assert not user.is_active and not user.has_usable_password()
    assert user.phone == "411 22 333"
    assert not Membership.objects.filter(user=user).exists()
    legacy_account.refresh_from_db()
    assert legacy_account.state == State.SUBMITTED and legacy_account.user == user
    activation = [m for m in mailoutbox if m.to == ["ny.adresse@firma.example"]]
    assert len(activation) == 1 and "/flytt/aktiver/" in activation[0].body
    assert "Sjekk e-posten din" in client.get("/flytt/konto/").content.decode()
    assert MigrationEvent.objects.filter(account=legacy_account, kind=EventKind.SUBMITTED).exists()
    activate(client, user.email)
    membership = Membership.objects.get(user=user)
    assert membership.customer == legacy_account.customer and membership.role == Role.ADMINISTRATOR


def test_other_legacy_users_become_innkjoper(client, make_legacy_account, customer, flag):
    account = make_legacy_account(is_main_user=False)
    flag(customer)
    submit(client, account)
    activate(client, account.email)
    assert Membership.objects.get(user__email=account.email).role == Role.BUYER


def test_email_of_another_user_of_the_same_customer_is_refused(client, make_legacy_account, customer, flag):
    colleague = MembershipFactory(customer=customer).user
    account = make_legacy_account()
    flag(customer)
    response = submit(client, account, email=colleague.email)
    html = response.content.decode()
    assert response.status_code == 200
    assert "brukes allerede av en annen bruker hos" in html and "bruk din egen" in html
    account.refresh_from_db()
    assert account.state == State.INVITED and account.user is None
    assert not OutboundEmail.objects.filter(kind="migration.activation").exists()


def test_same_person_with_two_customer_numbers_gets_no_second_user(
    client, make_legacy_account, customer, flag, django_capture_on_commit_callbacks
):
    existing = MembershipFactory(customer=CustomerFactory(), user__email="per@firma.example").user
    account = make_legacy_account(email="per@firma.example", is_main_user=True)
    flag(customer)
    # Not sent (execute=False): a sent row keeps no content, and this test reads the row's links.
    with django_capture_on_commit_callbacks():
        submit(client, account)
    assert User.objects.filter(email__iexact="per@firma.example").count() == 1
    # The membership waits until the activation link proves the address.
    assert not Membership.objects.filter(user=existing, customer=customer).exists()
    email = OutboundEmail.objects.get(kind="migration.activation")
    assert email.context["existing_user"] is True
    page = client.get(activation_path(email))
    assert "Bekreft og logg inn" in page.content.decode()
    response = client.post(activation_path(email))
    assert response.status_code == 302
    assert Membership.objects.get(user=existing, customer=customer).role == Role.ADMINISTRATOR
    existing.refresh_from_db()
    assert existing.check_password("Riktig-hemmelig-42")  # password untouched
    account.refresh_from_db()
    assert account.state == State.ACTIVATED and not account.legacy_access
    assert client.post(activation_path(email)).status_code == 400  # single use


def test_two_legacy_accounts_with_the_same_email_share_one_user(client, customer, flag):
    first = LegacyAccountFactory(customer=customer, email="felles@firma.example", is_main_user=False)
    other_customer = CustomerFactory()
    second = LegacyAccountFactory(customer=other_customer, email="felles@firma.example", is_main_user=True)
    flag(customer)
    flag(other_customer)
    submit(client, first)
    client.post("/flytt/logg-ut/")
    submit(client, second)
    user = User.objects.get(email="felles@firma.example")
    assert not Membership.objects.filter(user=user).exists()  # both wait for the proof
    activate(client, user.email)
    assert set(Membership.objects.filter(user=user).values_list("customer__number", "role")) == {
        (customer.number, Role.BUYER),
        (other_customer.number, Role.ADMINISTRATOR),
    }
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.user == second.user == user


def test_two_legacy_accounts_of_one_customer_with_the_same_email_on_file(client, customer, flag):
    first = LegacyAccountFactory(customer=customer, email="post@firma.example", is_main_user=False)
    second = LegacyAccountFactory(customer=customer, email="post@firma.example", is_main_user=True)
    flag(customer)
    submit(client, first)
    client.post("/flytt/logg-ut/")
    response = submit(client, second)
    assert response.status_code == 302
    user = User.objects.get(email="post@firma.example")
    activate(client, user.email)
    assert Membership.objects.get(user=user).role == Role.ADMINISTRATOR


def test_back_button_resubmit_does_nothing_twice(client, legacy_account, flag):
    flag(legacy_account.customer)
    submit(client, legacy_account)
    response = client.post(
        "/flytt/konto/", {"name": "X", "email": "annen@firma.example", "phone": ""}, follow=True
    )
    assert response.status_code == 200
    assert User.objects.count() == 1 and not User.objects.filter(email="annen@firma.example").exists()
    assert OutboundEmail.objects.filter(kind="migration.activation").count() == 1
    assert MigrationEvent.objects.filter(kind=EventKind.SUBMITTED).count() == 1


def test_deactivated_user_email_is_refused(client, legacy_account, flag):
    UserFactory(email="borte@firma.example", is_active=False)
    flag(legacy_account.customer)
    response = submit(client, legacy_account, email="borte@firma.example")
    assert "Kontakt avdelingen din" in response.content.decode()


def test_invalid_email_is_shown_next_to_the_field(client, legacy_account, flag):
    flag(legacy_account.customer)
    response = submit(client, legacy_account, email="ikke en epost")
    assert response.status_code == 200
    assert 'class="field field-error"' in response.content.decode()
    assert not User.objects.exists()


def test_move_form_is_not_available_for_a_customer_not_flagged(client, legacy_account):
    response = submit(client, legacy_account)
    assert "ikke klart til å flytte" in response.content.decode()
    assert not User.objects.exists()
