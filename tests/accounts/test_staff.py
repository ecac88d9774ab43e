"""Staff accounts: create_staff, the set-password link, the second factor before any admin page,
the idle timeout, and least privilege on the user admin page."""

import time

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.middleware import STAFF_LAST_SEEN_KEY
from accounts.models import User
from accounts.roles import BRANCH_STAFF, CENTRAL_STAFF
from tests.accounts.conftest import email_links, link_in, outbox, page_text
from tests.factories import BranchFactory, UserFactory
from tests.fixtures.data import PASSWORD
from tests.fixtures.mfa import TOTP_SECRET, give_totp, totp_code

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Lang og god frase for lageret"


@pytest.fixture
def oslo(db):
    return BranchFactory(code="OSL", name="Oslo")


def create_staff(email="ola@grossist.example", *, central=False, branch="OSL"):
    args = [email, "--name", "Ola Lager", "--branch", branch]
    call_command("create_staff", *args, *(["--central"] if central else []))
    return User.objects.get(email=email)


def test_groups_exist_with_permissions_from_the_data_migration(db):
    branch = Group.objects.get(name=BRANCH_STAFF)
    central = Group.objects.get(name=CENTRAL_STAFF)
    assert branch.permissions.filter(codename="change_customermove").exists()
    assert not branch.permissions.filter(codename="change_user").exists()
    assert central.permissions.filter(codename="change_product").exists()
    assert set(branch.permissions.all()) < set(central.permissions.all())


def test_create_staff_makes_a_branch_employee_and_emails_a_set_password_link(oslo):
    user = create_staff()
    assert user.is_staff and not user.is_superuser and user.branch == oslo
    assert list(user.groups.values_list("name", flat=True)) == [BRANCH_STAFF]
    assert not user.has_usable_password()
    [row] = outbox("accounts.staff_invitation")
    assert row.to == "ola@grossist.example"
    assert "/konto/ansatt/passord/" in email_links(row)["url"]


def test_create_staff_central_joins_netthandel(oslo):
    user = create_staff("kari@grossist.example", central=True)
    assert list(user.groups.values_list("name", flat=True)) == [CENTRAL_STAFF]


def test_create_staff_refuses_unknown_branch_and_existing_email(oslo):
    with pytest.raises(CommandError, match="XYZ"):
        create_staff(branch="XYZ")
    UserFactory(email="finnes@grossist.example")
    with pytest.raises(CommandError, match="finnes@grossist.example"):
        create_staff("finnes@grossist.example")
    assert not outbox("accounts.staff_invitation")


def test_set_password_link_works_once_and_leads_to_the_login(client, oslo):
    user = create_staff()
    link = link_in(email_links(outbox("accounts.staff_invitation")[0])["url"], "/konto/ansatt/passord/")
    assert "ola@grossist.example" in page_text(client.get(link))
    response = client.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # not logged in by the link: the login (with the second factor) comes next
    assert "_auth_user_id" not in client.session
    assert client.get(link).status_code == 410


def test_set_password_link_refuses_a_weak_password_and_changes_nothing(client, oslo):
    user = create_staff()
    link = link_in(email_links(outbox("accounts.staff_invitation")[0])["url"], "/konto/ansatt/passord/")
    response = client.post(link, {"password1": "kort", "password2": "kort"})
    assert response.status_code == 200 and "field-error" in response.content.decode()
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_tampered_set_password_link_is_refused(client, oslo):
    create_staff()
    assert client.get("/konto/ansatt/passord/ikke-en-token/").status_code == 400


def test_staff_without_second_factor_is_sent_to_set_one_up_before_any_admin_page(client, oslo):
    user = UserFactory(is_staff=True, branch=oslo, password=PASSWORD)
    response = client.post(
        f"{reverse('account_login')}?next=/admin/", {"login": user.email, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("mfa_index")
    for url in ("/admin/", "/admin/accounts/customer/", "/admin/migration/legacyaccount/dashboard/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("mfa_index"), url
    page = client.get(reverse("mfa_index"))
    assert "To-trinns innlogging" in page.content.decode()


@pytest.mark.django_db(transaction=True)  # allauth records the new factor when its transaction commits
def test_totp_setup_shows_the_secret_as_text_and_opens_the_admin(client, oslo):
    user = UserFactory(is_staff=True, is_superuser=True, branch=oslo, password=PASSWORD)
    client.post(f"{reverse('account_login')}?next=/admin/", {"login": user.email, "password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret
    html = page.content.decode()
    assert f'<code id="totp-secret" class="break">{secret}</code>' in html and "<img" in html
    response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert response.status_code == 200 and not Authenticator.objects.filter(user=user).exists()
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type="totp").exists()
    assert Authenticator.objects.filter(user=user, type="recovery_codes").exists()
    assert client.get("/admin/").status_code == 200


def test_later_login_asks_for_the_code(client, staff_user):
    response = client.post(
        f"{reverse('account_login')}?next=/admin/", {"login": staff_user.email, "password": PASSWORD}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get("/admin/").status_code == 302  # not logged in yet
    response = client.post(reverse("mfa_authenticate"), {"code": "123456"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(TOTP_SECRET)})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_code_entry_is_rate_limited(client, staff_user):
    client.post(reverse("account_login"), {"login": staff_user.email, "password": PASSWORD})
    statuses = [client.post(reverse("mfa_authenticate"), {"code": "000000"}).status_code for _ in range(6)]
    assert statuses[-1] == 429
    # even the right code is refused while the limit holds
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(TOTP_SECRET)})
    assert response.status_code == 429 and "_auth_user_id" not in client.session


def test_a_login_that_skipped_the_code_step_reaches_no_admin_page(client, staff_user):
    from django.test import Client

    plain = Client()  # a session logged in outside allauth's flow: no second-factor record
    plain.force_login(staff_user)
    response = plain.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in plain.session


def test_staff_session_ends_after_idle_minutes(client, staff_user, settings):
    client.force_login(staff_user)
    assert client.get("/admin/").status_code == 200
    session = client.session
    session[STAFF_LAST_SEEN_KEY] = int(time.time()) - settings.STAFF_SESSION_IDLE_MINUTES * 60 - 5
    session.save()
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_customer_user_can_turn_on_totp_in_min_konto(client, admin_member):
    client.force_login(admin_member.user)
    page = page_text(client.get(reverse("accounts:profile")))
    assert "To-trinns innlogging" in page and "anbefaler" in page
    assert client.get(reverse("mfa_index")).status_code == 200
    give_totp(admin_member.user)
    assert "Administrer to-trinns innlogging" in page_text(client.get(reverse("accounts:profile")))


def test_a_wave_over_the_limit_asks_for_the_password_again_then_runs(
    client, staff_user, settings, django_capture_on_commit_callbacks
):
    from migration.models import CustomerMove
    from tests.factories import CustomerFactory
    from tests.fixtures.mfa import reauthenticate
    from tests.migration.conftest import default_deadline

    settings.STAFF_REAUTH_WAVE_SIZE = 2
    customers = [CustomerFactory(branch=staff_user.branch) for _ in range(3)]
    client.force_login(staff_user)
    data = {
        "action": "flag_for_move", "_selected_action": [c.pk for c in customers], "apply": "1",
        "deadline": default_deadline().isoformat(),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/accounts/customer/", data)
    assert not CustomerMove.objects.flagged().exists()
    with django_capture_on_commit_callbacks(execute=True):
        reauthenticate(client, response, PASSWORD)
    assert CustomerMove.objects.flagged().count() == 3
    # within the reauthentication window the next wave runs at once
    more = [CustomerFactory(branch=staff_user.branch) for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/accounts/customer/", {**data, "_selected_action": [c.pk for c in more]})
    assert CustomerMove.objects.flagged().count() == 6


def test_a_small_wave_needs_no_second_password(client, staff_user, django_capture_on_commit_callbacks):
    from migration.models import CustomerMove
    from tests.factories import CustomerFactory
    from tests.migration.conftest import default_deadline

    customer = CustomerFactory(branch=staff_user.branch)
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/accounts/customer/", {
            "action": "flag_for_move", "_selected_action": [customer.pk], "apply": "1",
            "deadline": default_deadline().isoformat(),
        })
    assert CustomerMove.objects.flagged().count() == 1
