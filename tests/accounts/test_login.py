"""Logging in and out through allauth: email login, no enumeration, rate limits, admin login."""

import pytest
from django.urls import reverse

from tests.accounts.conftest import page_text
from tests.factories import UserFactory
from tests.fixtures.data import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/konto/login/"


def test_every_page_has_logg_inn_top_right_leading_to_the_login_form(client):
    response = client.get("/")
    assert f'href="{reverse("account_login")}"' in response.content.decode()
    login = client.get(reverse("account_login"))
    text = page_text(login)
    assert "Logg inn" in text and "Mistet passord?" in text
    assert 'name="login"' in login.content.decode()


def test_login_matches_email_case_insensitively_and_lands_logged_in(client, buyer_member):
    email = buyer_member.user.email.upper()
    response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD}, follow=True)
    assert response.context["user"] == buyer_member.user
    assert "Du er logget inn." in page_text(response)


def test_wrong_password_shows_a_clear_norwegian_error_and_keeps_user_out(client, buyer_member):
    response = client.post(
        reverse("account_login"), {"login": buyer_member.user.email, "password": "feil-passord-123"}
    )
    assert response.status_code == 200
    assert not response.context["user"].is_authenticated
    assert "E-postadressen og/eller passordet" in page_text(response)


def test_unknown_email_gets_the_same_answer_as_a_wrong_password(client, buyer_member):
    known = client.post(
        reverse("account_login"), {"login": buyer_member.user.email, "password": "feil-passord-123"}
    )
    unknown = client.post(
        reverse("account_login"), {"login": "finnes.ikke@firma.example", "password": "feil-passord-123"}
    )
    assert known.status_code == unknown.status_code == 200
    assert page_text(known).replace(buyer_member.user.email, "X") == page_text(unknown).replace(
        "finnes.ikke@firma.example", "X"
    )


def test_deactivated_user_cannot_log_in_with_the_right_password(client, buyer_member):
    buyer_member.user.is_active = False
    buyer_member.user.save(update_fields=["is_active"])
    response = client.post(
        reverse("account_login"), {"login": buyer_member.user.email, "password": PASSWORD}, follow=True
    )
    assert not response.context["user"].is_authenticated


def test_invited_user_without_a_password_cannot_log_in(client, pending_member):
    response = client.post(reverse("account_login"), {"login": pending_member.user.email, "password": ""})
    assert not response.context["user"].is_authenticated


def test_sixth_failed_login_for_one_email_gets_the_norwegian_429_page(client, buyer_member):
    for _ in range(5):
        response = client.post(
            reverse("account_login"), {"login": buyer_member.user.email, "password": "feil-passord-123"}
        )
        assert response.status_code == 200
    response = client.post(reverse("account_login"), {"login": buyer_member.user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "For mange forsøk på kort tid" in page_text(response)
    assert not response.wsgi_request.user.is_authenticated


def test_login_rotates_the_session_key(client, buyer_member):
    client.get(reverse("account_login"))
    session = client.session
    session["before"] = "x"
    session.save()
    before = client.cookies["sessionid"].value
    client.post(reverse("account_login"), {"login": buyer_member.user.email, "password": PASSWORD})
    assert client.cookies["sessionid"].value != before


def test_logout_ends_the_session_on_the_server(client, buyer_member):
    client.post(reverse("account_login"), {"login": buyer_member.user.email, "password": PASSWORD})
    old_key = client.cookies["sessionid"].value
    response = client.post(reverse("account_logout"), follow=True)
    assert not response.context["user"].is_authenticated
    assert "Du er logget ut." in page_text(response)
    from django.contrib.sessions.backends.db import SessionStore

    assert not SessionStore().exists(old_key)


def test_public_sign_up_is_closed(client):
    response = client.get(reverse("account_signup"))
    assert "Ingen åpen registrering" in page_text(response)
    client.post(
        reverse("account_signup"),
        {
            "email": "ny@firma.example",
            "password1": "Et langt passord 2026",
            "password2": "Et langt passord 2026",
        },
    )
    from accounts.models import User

    assert not User.objects.filter(email="ny@firma.example").exists()


def test_admin_login_goes_through_the_shop_login_page(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_staff_logs_in_to_admin_through_allauth(client, staff_user):
    from tests.fixtures.mfa import totp_code

    response = client.post(
        f"{reverse('account_login')}?next=/admin/",
        {"login": staff_user.email, "password": PASSWORD, "next": "/admin/"},
        follow=True,
    )
    # Staff have a second factor: after the password, allauth asks for the code.
    assert response.redirect_chain[-1][0] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()}, follow=True)
    assert response.redirect_chain[-1][0] == "/admin/"
    assert response.status_code == 200


def test_admin_login_is_rate_limited_like_the_shop_login(client, staff_user):
    for _ in range(5):
        client.post(
            f"{reverse('account_login')}?next=/admin/",
            {"login": staff_user.email, "password": "feil-passord-1"},
        )
    response = client.post(
        f"{reverse('account_login')}?next=/admin/", {"login": staff_user.email, "password": PASSWORD}
    )
    assert response.status_code == 429


def test_customer_user_logged_in_gets_403_in_admin(client, buyer_member):
    client.force_login(buyer_member.user)
    assert client.get("/admin/").status_code in (302, 403)
    assert client.get("/admin/login/").status_code == 403


def test_passwords_are_hashed_with_argon2(settings, db):
    from config.settings import base

    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    user = UserFactory(password="Et langt og greit passord")
    user.refresh_from_db()
    assert user.password.startswith("argon2")


def test_a_logged_in_user_deactivated_by_staff_is_out_at_the_next_request(client, buyer_member):
    client.force_login(buyer_member.user)
    buyer_member.user.is_active = False
    buyer_member.user.save(update_fields=["is_active"])
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
