"""Rate limits: the Nth request in the window gets the 429 page, a forged X-Forwarded-For does not
escape it, and the counters live in the shared cache (proved against gunicorn with two workers on a
real Redis cache)."""

import os
import re
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import Role
from core.models import OutboundEmail
from tests.fixtures.data import PASSWORD

from .helpers import closed_port

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def forged(n: int) -> dict:
    """Headers an attacker sends to look like a new client on every request."""
    return {"HTTP_X_FORWARDED_FOR": f"198.51.100.{n % 250}", "HTTP_X_REAL_IP": f"198.51.100.{n % 250}"}


def test_sixth_failed_login_for_one_address_is_429_even_with_a_new_forged_ip_each_time(client, admin_a):
    statuses = [
        client.post(reverse("account_login"), {"login": admin_a.user.email, "password": f"feil-{n}"}, **forged(n))
        .status_code
        for n in range(6)
    ]
    assert statuses == [200] * 5 + [429]
    # the right password does not get through the block either
    right = client.post(reverse("account_login"), {"login": admin_a.user.email, "password": PASSWORD})
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_port_in_the_host_header_does_not_reset_the_failed_login_counter(client, admin_a, settings):
    """ALLOWED_HOSTS ignores the port, so `Host: testserver:1000+n` reaches the login every time;
    the per-login counter must not depend on it (allauth keyed it on the host with its port)."""
    settings.ALLOWED_HOSTS = ["testserver"]
    statuses = [
        client.post(
            reverse("account_login"),
            {"login": admin_a.user.email, "password": f"feil-{n}"},
            HTTP_HOST=f"testserver:{1000 + n}",
            **forged(n),
        ).status_code
        for n in range(6)
    ]
    assert statuses == [200] * 5 + [429]


def test_eleventh_failed_login_from_one_address_is_429_across_many_emails_and_forged_ips(client):
    statuses = [
        client.post(reverse("account_login"), {"login": f"gjett{n}@x.example", "password": "feil"}, **forged(n))
        .status_code
        for n in range(11)
    ]
    assert statuses == [200] * 10 + [429]


def test_429_page_is_the_friendly_norwegian_one(client):
    for n in range(11):
        response = client.post(reverse("account_login"), {"login": f"g{n}@x.example", "password": "feil"})
    assert response.status_code == 429
    assert "<html" in response.content.decode()


def test_sixth_reset_for_one_address_and_21st_from_one_ip_are_429(client, admin_a):
    url = reverse("account_reset_password")
    same = [client.post(url, {"email": admin_a.user.email}, **forged(n)).status_code for n in range(6)]
    assert same[:5] == [302] * 5 and same[5] == 429
    client2_statuses = [client.post(url, {"email": f"x{n}@x.example"}, **forged(n)).status_code for n in range(20)]
    assert 429 in client2_statuses  # 20/m per IP: the 21st request from this address overall
    assert client2_statuses.index(429) == 20 - 6
    assert OutboundEmail.objects.filter(to=admin_a.user.email).count() == 5


def test_21st_contact_form_post_from_one_ip_is_429_whatever_x_forwarded_for_says(client):
    url = reverse("contact:form")
    statuses = [client.post(url, {"name": "x"}, **forged(n)).status_code for n in range(21)]
    assert statuses == [400] * 20 + [429]


def test_31st_legg_til_bruker_in_an_hour_is_429(client_a, customer_a):
    url = reverse("accounts:user_add")
    statuses = [
        client_a.post(url, {"email": f"kollega{n}@a.example", "name": f"K {n}", "role": Role.BUYER}, **forged(n))
        .status_code
        for n in range(31)
    ]
    assert statuses == [302] * 30 + [429]
    assert customer_a.memberships.count() == 31  # 30 colleagues + the administrator


def test_fourth_invitation_resend_for_one_colleague_in_ten_minutes_is_429(client_a, customer_a, admin_a):
    from accounts import services

    membership = services.membership_invite(
        customer=customer_a, email="treg@a.example", name="Treg", role=Role.BUYER, invited_by=admin_a.user
    )
    url = reverse("accounts:invitation_resend", kwargs={"pk": membership.pk})
    statuses = [client_a.post(url, **forged(n)).status_code for n in range(4)]
    assert statuses == [302, 302, 302, 429]


def test_admin_login_is_limited_too(client, staff_user):
    # /admin/login/ is served by allauth's login (accounts/admin.py), so the same counters apply.
    admin_login = client.get(reverse("admin:login"))
    assert admin_login.status_code == 302 and reverse("account_login") in admin_login["Location"]
    statuses = [
        client.post(admin_login["Location"], {"login": staff_user.email, "password": f"feil-{n}"}, **forged(n))
        .status_code
        for n in range(6)
    ]
    assert statuses[-1] == 429


def test_behind_one_trusted_proxy_the_forged_part_of_the_header_is_ignored(client, settings):
    """TRUSTED_PROXY_COUNT=1: the load balancer appends the address it saw; whatever the client
    wrote in front of it is not used, so rotating it escapes nothing."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    statuses = [
        client.post(
            reverse("account_login"),
            {"login": f"gjett{n}@x.example", "password": "feil"},
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 203.0.113.7",
        ).status_code
        for n in range(11)
    ]
    assert statuses[-1] == 429
    # another real client behind the same proxy is not blocked
    other = client.post(
        reverse("account_login"), {"login": "ny@x.example", "password": "feil"},
        HTTP_X_FORWARDED_FOR="203.0.113.8",
    )
    assert other.status_code == 200


# --- across processes: gunicorn, two workers, real Redis cache ------------------------------------------


@pytest.fixture
def gunicorn(transactional_db):
    from tests.fixtures.services import database_url_for_tests

    if not (settings.IS_POSTGRES and settings.REDIS_URL):
        pytest.skip("needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL)")
    port = closed_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": database_url_for_tests(),
        "REDIS_URL": settings.REDIS_URL,
        # A prefix of its own, so the counters of this run are fresh and nobody else's are touched.
        "CACHE_KEY_PREFIX": f"sec-rl-{uuid.uuid4().hex[:8]}",
        "CELERY_QUEUE": f"sec-unused-{uuid.uuid4().hex[:8]}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DEBUG": "False",
    }
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--access-logfile", "-", "--access-logformat", "PID=%(p)s %(m)s %(s)s", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    import requests

    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(f"{base}/healthz", timeout=5)
                break
            except requests.RequestException:
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not answer within 30 s")
        yield base, process
    finally:  # also when startup failed: never leave a server behind
        process.terminate()
        process.wait(10)


@pytest.mark.postgres
def test_login_counters_are_shared_by_two_gunicorn_workers(gunicorn):
    import requests

    base, process = gunicorn

    def attempt(n):
        with requests.Session() as session:
            session.headers["Connection"] = "close"
            page = session.get(f"{base}/konto/login/", timeout=10)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
            response = session.post(
                f"{base}/konto/login/",
                data={"csrfmiddlewaretoken": token, "login": "angrepet@x.example", "password": f"feil-{n}"},
                headers={"Referer": f"{base}/konto/login/", "X-Forwarded-For": f"198.51.100.{n}"},
                timeout=10, allow_redirects=False,
            )
            return response.status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(attempt, range(40)))
    process.terminate()
    output, _ = process.communicate(timeout=10)
    pids = set(re.findall(r"PID=<?(\d+)>? POST", output))
    assert len(pids) == 2, f"both workers must have served logins: {output[-2000:]}"
    # login_failed is 5 per 5 minutes per address: five wrong passwords get the form again, and
    # every other attempt gets 429, whichever worker served it.
    assert statuses.count(200) == 5, statuses
    assert statuses.count(429) == 35, statuses
    print(f"\ngunicorn x2 workers {sorted(pids)}: 40 failed logins -> {statuses.count(200)} answered, "
          f"{statuses.count(429)} x 429")


# --- the migration app: legacy gate, legacy «Glemt passord?», «Aktiver», move form ----------------------
# Limits (settings.MIGRATION_RATE_LIMITS): per key (username / email / legacy account) and per client
# address. The Nth request is the first over the limit.


@pytest.fixture
def legacy(customer_a):
    from tests.migration.conftest import LegacyAccountFactory

    return LegacyAccountFactory(customer=customer_a, username="gammel.bruker")


def _limit(action, which):
    """How many requests MIGRATION_RATE_LIMITS[action] lets through per `which` ("ip" or "key")."""
    from allauth.core.internal.ratelimit import parse_rates

    return next(rate.amount for rate in parse_rates(settings.MIGRATION_RATE_LIMITS[action]) if rate.per == which)


@pytest.mark.parametrize(
    ("action", "url", "field"),
    [("legacy_login", "/flytt/", "username"), ("legacy_reset", "/flytt/glemt-passord/", "username"),
     ("activate_request", "/flytt/aktiver/", "email")],
)
def test_migration_forms_limit_one_key_whatever_x_forwarded_for_says(client, legacy, action, url, field):
    key = legacy.username if field == "username" else "venter@x.example"
    n = _limit(action, "key")
    statuses = [
        client.post(url, {field: key, "password": f"feil-{i}"}, **forged(i)).status_code for i in range(n + 1)
    ]
    assert statuses[-1] == 429 and 429 not in statuses[:-1], statuses
    # the key is compared case- and space-insensitively, like the lookup
    assert client.post(url, {field: f" {key.upper()} ", "password": "x"}, **forged(99)).status_code == 429


@pytest.mark.parametrize(
    ("action", "url", "field"),
    [("legacy_login", "/flytt/", "username"), ("legacy_reset", "/flytt/glemt-passord/", "username"),
     ("activate_request", "/flytt/aktiver/", "email")],
)
def test_migration_forms_limit_one_client_over_many_keys_and_forged_ips(client, action, url, field):
    n = _limit(action, "ip")
    statuses = [
        client.post(url, {field: f"gjett{i}@x.example", "password": "feil"}, **forged(i)).status_code
        for i in range(n + 1)
    ]
    assert statuses[-1] == 429 and 429 not in statuses[:-1], statuses


def test_legacy_login_block_holds_for_the_right_password_too(client, legacy):
    from tests.migration.conftest import LEGACY_PASSWORD

    for i in range(_limit("legacy_login", "key")):
        client.post("/flytt/", {"username": legacy.username, "password": f"feil-{i}"}, **forged(i))
    right = client.post("/flytt/", {"username": legacy.username, "password": LEGACY_PASSWORD}, **forged(77))
    assert right.status_code == 429
    assert "migration.legacy_account" not in client.session


def test_legacy_reset_sends_no_email_once_limited(client, legacy):
    for i in range(_limit("legacy_reset", "key") + 3):
        client.post("/flytt/glemt-passord/", {"username": legacy.username}, **forged(i))
    assert OutboundEmail.objects.filter(kind="migration.legacy_reset").count() == _limit("legacy_reset", "key")


def test_move_form_submit_is_limited_per_legacy_account(client, legacy):
    from migration.services import customer_flag_for_move
    from tests.migration.conftest import LEGACY_PASSWORD, default_deadline

    customer_flag_for_move(customer=legacy.customer, deadline=default_deadline())
    client.post("/flytt/", {"username": legacy.username, "password": LEGACY_PASSWORD})
    n = _limit("move_form", "key")
    statuses = [  # refused submissions (no valid email) keep the form open, so every one is counted
        client.post("/flytt/konto/", {"name": "Ola", "email": f"ikke-epost-{i}", "phone": ""}, **forged(i)).status_code
        for i in range(n + 1)
    ]
    assert statuses == [200] * n + [429]
    valid = client.post("/flytt/konto/", {"name": "Ola", "email": "ola@x.example", "phone": ""}, **forged(50))
    assert valid.status_code == 429
    legacy.refresh_from_db()
    assert legacy.user_id is None


def test_migration_limits_count_the_real_client_behind_one_trusted_proxy(client, settings):
    """TRUSTED_PROXY_COUNT=1: the migration limits count the address the load balancer saw (like
    allauth's), not REMOTE_ADDR (the load balancer itself, shared by every customer)."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    n = _limit("legacy_login", "ip")
    statuses = [
        client.post("/flytt/", {"username": f"gjett{i}", "password": "feil"},
                    HTTP_X_FORWARDED_FOR=f"10.0.0.{i}, 203.0.113.7").status_code
        for i in range(n + 1)
    ]
    assert statuses[-1] == 429 and 429 not in statuses[:-1]
    other = client.post("/flytt/", {"username": "ny", "password": "feil"}, HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert other.status_code == 200
