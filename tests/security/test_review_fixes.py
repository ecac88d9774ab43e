"""The smaller findings of the security review (issue #15 items 8 and 9).

OpenID Connect (item 11 and PKCE / logout of item 8) is in tests/identity/test_rp_contract.py and
tests/identity/test_relying_party.py.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.urls import reverse

from core.models import OutboundEmail
from tests.fixtures.services import free_port

ROOT = Path(__file__).resolve().parents[2]
CONFIG_VARS = ("DJANGO_ALLOW_ASYNC_UNSAFE", "IDP_OIDC_PRIVATE_KEY", "DATABASE_URL", "REDIS_URL",
               "EMAIL_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "TRUSTED_PROXY_COUNT",
               "TRUSTED_CLIENT_IP_HEADER")


# --- seed_demo ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_seed_demo_refuses_without_debug_and_creates_nothing(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--demo-in-production"):
        call_command("seed_demo")
    assert not get_user_model().objects.filter(is_superuser=True).exists()


@pytest.mark.django_db
def test_seed_demo_runs_with_debug_or_the_explicit_flag(settings):
    settings.DEBUG = False
    call_command("seed_demo", "--demo-in-production", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert get_user_model().objects.filter(is_superuser=True).exists()
    settings.DEBUG = True
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115  (idempotent)


# --- check --deploy and the client address ---------------------------------------------------------


def _check_deploy(**extra):
    from identity.keys import generate_pem

    env = {k: v for k, v in os.environ.items() if k not in CONFIG_VARS}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.production", SECRET_KEY=secrets.token_urlsafe(50),
               ALLOWED_HOSTS="shop.example.no", DATABASE_URL="sqlite:///:memory:",
               IDP_OIDC_PRIVATE_KEY=generate_pem(), **extra)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )


def test_check_deploy_fails_when_the_client_address_source_is_not_configured():
    result = _check_deploy()
    assert result.returncode != 0
    assert "core.E001" in result.stderr
    assert "TRUSTED_PROXY_COUNT" in result.stderr and "rate-limit bucket" in result.stderr


@pytest.mark.parametrize("extra", [{"TRUSTED_PROXY_COUNT": "1"}, {"TRUSTED_PROXY_COUNT": "0"},
                                   {"TRUSTED_CLIENT_IP_HEADER": "X-Real-IP"}])
def test_check_deploy_passes_once_the_operator_said_how_addresses_arrive(extra):
    result = _check_deploy(**extra)
    assert result.returncode == 0, result.stdout + result.stderr


# --- a broker outage after commit --------------------------------------------------------------


@pytest.fixture
def broker_down():
    """The Celery app publishes to a port nobody listens on (as when Redis just went away)."""
    from config.celery import app

    keys = ("task_always_eager", "broker_url", "task_publish_retry", "broker_connection_timeout",
            "broker_connection_retry", "broker_connection_max_retries")
    saved = {key: app.conf[key] for key in keys}

    def reset_pools():
        app._pool = None
        app.amqp._producer_pool = None

    reset_pools()
    app.conf.update(task_always_eager=False, broker_url=f"redis://127.0.0.1:{free_port()}/0",
                    task_publish_retry=False, broker_connection_timeout=1,
                    broker_connection_retry=False, broker_connection_max_retries=0)
    yield
    app.conf.update(saved)
    reset_pools()


@pytest.mark.django_db
def test_a_broker_outage_after_commit_is_no_500_and_the_email_waits_for_the_sweeper(
    client, buyer_member, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("account_reset_password"), {"email": buyer_member.user.email})
    assert callbacks, "the email is sent after commit"
    assert response.status_code == 302  # the usual «Sjekk e-posten din», not the 500 page
    row = OutboundEmail.objects.get(kind="accounts.password_reset_key", to=buyer_member.user.email)
    assert row.status == OutboundEmail.Status.PENDING  # outbox_sweep re-enqueues it


# --- the catalogue version moves on commit ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_catalogue_version_moves_on_commit_so_nothing_cached_meanwhile_survives():
    from shop.caching import VERSION_KEY, catalogue_version
    from tests.shop.factories import ProductFactory

    catalogue_version()
    with transaction.atomic():
        ProductFactory()
        ProductFactory()
        # What another process (still reading the old rows) would cache its lists under now:
        during = cache.get(VERSION_KEY)
    assert cache.get(VERSION_KEY) != during


@pytest.mark.django_db(transaction=True)
def test_catalogue_version_moves_once_per_transaction_however_many_rows():
    from shop.caching import VERSION_KEY, catalogue_version
    from tests.shop.factories import ProductFactory

    catalogue_version()
    with transaction.atomic():
        for _ in range(5):
            ProductFactory()
        during = cache.get(VERSION_KEY)
        from django.db import connection

        bumps = [c for c in connection.run_on_commit if c[1].__name__ == "_bump_version"]
        assert len(bumps) == 1
    assert cache.get(VERSION_KEY) == during + 1
