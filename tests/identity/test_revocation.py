"""Which saves of a user revoke the user's OpenID Connect tokens, and which must not."""

import secrets
from datetime import timedelta

import pytest
from allauth.idp.oidc.models import Client, Token
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from identity.services import oidc_tokens_revoke
from tests.factories import UserFactory
from tests.fixtures.data import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_app():
    return Client.objects.create(id="backoffice", name="Backoffice")


def issue_tokens(user, client):
    expires = timezone.now() + timedelta(hours=1)
    for token_type in (Token.Type.ACCESS_TOKEN, Token.Type.REFRESH_TOKEN):
        token = Token(type=token_type, client=client, user=user, expires_at=expires)
        token.set_value(secrets.token_urlsafe())
        token.save()


def tokens_of(user):
    return Token.objects.filter(user=user).count()


def test_setting_a_new_password_revokes_tokens_of_that_user_only(client_app):
    user, colleague = UserFactory(), UserFactory()
    issue_tokens(user, client_app)
    issue_tokens(colleague, client_app)
    user.set_password("Et-helt-nytt-passord-1")
    user.save()
    assert tokens_of(user) == 0
    assert tokens_of(colleague) == 2


def test_saving_only_the_password_field_also_revokes(client_app):
    user = UserFactory()
    issue_tokens(user, client_app)
    user.set_password("Et-helt-nytt-passord-1")
    user.save(update_fields=["password"])
    assert tokens_of(user) == 0


def test_deactivation_revokes_tokens(client_app):
    user = UserFactory()
    issue_tokens(user, client_app)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert tokens_of(user) == 0


def test_making_the_password_unusable_revokes_tokens(client_app):
    user = UserFactory()
    issue_tokens(user, client_app)
    user.set_unusable_password()
    user.save()
    assert tokens_of(user) == 0


def test_hash_upgrade_at_login_keeps_the_tokens(client_app, settings):
    """Django re-hashes a password with a stronger hasher at login: same password, no revocation."""
    user = UserFactory()
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha1")
    user.save(update_fields=["password"])
    issue_tokens(user, client_app)
    assert user.check_password(PASSWORD)  # upgrades the hash to the first hasher and saves it
    user.refresh_from_db()
    assert user.password.startswith("md5$")
    assert tokens_of(user) == 2


def test_login_and_profile_saves_keep_the_tokens_without_extra_queries(
    client_app, django_assert_num_queries
):
    user = UserFactory()
    issue_tokens(user, client_app)
    user.last_login = timezone.now()
    with django_assert_num_queries(1):
        user.save(update_fields=["last_login"])
    user.name = "Nytt Navn"
    user.save()
    assert tokens_of(user) == 2


def test_revoke_service_counts_what_it_revoked(client_app):
    user = UserFactory()
    issue_tokens(user, client_app)
    assert oidc_tokens_revoke(user=user, reason="test") == 2
    assert oidc_tokens_revoke(user=user, reason="test") == 0


def test_daily_task_deletes_only_expired_tokens(client_app):
    from identity.tasks import oidc_tokens_clear

    user = UserFactory()
    issue_tokens(user, client_app)
    old = Token(type=Token.Type.REFRESH_TOKEN, client=client_app, user=user,
                expires_at=timezone.now() - timedelta(seconds=1))
    old.set_value(secrets.token_urlsafe())
    old.save()
    assert oidc_tokens_clear.delay().get() == 1
    assert tokens_of(user) == 2
