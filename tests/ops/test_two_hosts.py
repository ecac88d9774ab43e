"""More than one host: two gunicorn servers, two Celery workers and two beats on this machine,
against one PostgreSQL and one Redis, as two hosts behind a load balancer would run.

- a session made on one web host is valid on the other;
- rate limits are shared (the counters live in the Redis cache);
- a wave of move invitations pressed on one host is done by both workers, every invitation once;
- the reminders that fall due are sent once, by whichever beat holds the lock.

The figures (start-up, wave and reminder times) are printed for README «Operations».
"""

import json
import re
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import redis
import requests
from django.conf import settings
from django.utils import timezone

from core.models import OutboundEmail
from migration.models import CustomerMove, LegacyAccount, State
from tests.factories import BranchFactory, CustomerFactory, UserFactory
from tests.fixtures.data import PASSWORD
from tests.fixtures.mfa import give_totp, totp_code
from tests.fixtures.services import CeleryWorker, database_url_for_tests
from tests.migration.conftest import LegacyAccountFactory

from .cluster import ROOT, Beat, Gunicorn, app_env, stop_all, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
CUSTOMERS, ACCOUNTS = 12, 3
# The load balancer passes the public host name to every web host (allauth keys its login limits by
# the site's domain, so two hosts reached by their own ports would count apart).
PUBLIC_HOST = "butikk.test"


@pytest.fixture
def cluster(smtp_sink, tmp_path):
    if not (settings.IS_POSTGRES and settings.REDIS_URL):
        pytest.fail("the two-host test needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL)")
    run = uuid.uuid4().hex[:8]
    queue = f"test-hosts-{run}"
    shared = {
        "DATABASE_URL": database_url_for_tests(), "REDIS_URL": settings.REDIS_URL, "CACHE_URL": settings.REDIS_URL,
        "CACHE_KEY_PREFIX": f"hosts-{run}", "CELERY_QUEUE": queue, "EMAIL_URL": smtp_sink.url,
        "SESSION_ENGINE": "accounts.sessions", "DEBUG": "False",
        "BEAT_KEY_PREFIX": f"hosts-beat-{run}:", "BEAT_MAX_LOOP_INTERVAL": 1, "BEAT_LOCK_TIMEOUT": 5,
        "MIGRATION_REMINDER_INTERVAL_SECONDS": 1, "MIGRATION_FLAG_CHUNK": 2, "LOG_FORMAT": "json",
        "ALLOWED_HOSTS": f"{PUBLIC_HOST},127.0.0.1",
    }
    started = time.monotonic()
    logs = {}
    webs = [Gunicorn(tmp_path / f"web-{n}.log", **shared) for n in (1, 2)]
    workers = []
    for n in (1, 2):
        logs[n] = (tmp_path / f"worker-{n}.log").open("w")
        workers.append(CeleryWorker(database_url=shared["DATABASE_URL"], email_url=smtp_sink.url, queue=queue,
                                    concurrency=1, extra_env={k: str(v) for k, v in shared.items()},
                                    log_file=logs[n]))
    beats = [Beat(tmp_path / f"beat-{n}.log", **shared) for n in (1, 2)]
    try:
        # Everything boots at once, as on two hosts: servers and beats in the background while the
        # two workers start (each waits until it answers a ping), then the servers are awaited.
        for process in (*webs, *beats):
            process.launch() if isinstance(process, Gunicorn) else process.start()
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(lambda worker: worker.start(timeout=60), workers))
        for web in webs:
            web.start()
        startup = time.monotonic() - started
        yield {"webs": webs, "workers": workers, "beats": beats, "startup": startup, "tmp": tmp_path,
               "env": shared}
    finally:
        stop_all([*beats, *webs, *workers])
        for log in logs.values():
            log.close()
        client = redis.Redis.from_url(settings.REDIS_URL)
        for key in client.scan_iter(f"hosts-*{run}*"):
            client.delete(key)


def _probe(check: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "core.probe", check], cwd=ROOT,  # noqa: S603
                          env=app_env(**env), capture_output=True, text=True, timeout=30)


def _browser() -> requests.Session:
    session = requests.Session()
    session.headers["Host"] = PUBLIC_HOST
    return session


def _csrf(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=10)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def _login(session, base, email, password):
    token = _csrf(session, f"{base}/konto/login/")
    return session.post(f"{base}/konto/login/", data={"csrfmiddlewaretoken": token, "login": email,
                        "password": password}, timeout=10, allow_redirects=False)


def _second_factor(session, base, login_response):
    """The code step after a staff login's password (allauth.mfa): the code from the app."""
    step = f"{base}{login_response.headers['Location']}" if login_response.headers["Location"].startswith("/") \
        else login_response.headers["Location"]
    token = _csrf(session, step)
    return session.post(step, data={"csrfmiddlewaretoken": token, "code": totp_code()}, timeout=10,
                        allow_redirects=False)


def test_two_web_hosts_two_workers_two_beats_share_one_database_and_redis(cluster, smtp_sink):
    one, two = (web.base for web in cluster["webs"])
    branch = BranchFactory(code="OSL")
    staff = UserFactory(email="drift@grossist.example", is_staff=True, is_superuser=True, branch=branch,
                        password=PASSWORD)
    give_totp(staff)  # every staff user logs in with a second factor
    customers = [CustomerFactory(branch=branch) for _ in range(CUSTOMERS)]
    for customer in customers:
        for n in range(ACCOUNTS):
            LegacyAccountFactory(customer=customer, is_main_user=n == 0)

    # A session made on host one is valid on host two (database sessions with the cache in front).
    staff_browser = _browser()
    password_step = _login(staff_browser, one, staff.email, PASSWORD)
    assert password_step.status_code == 302
    assert _second_factor(staff_browser, one, password_step).status_code == 302
    assert staff_browser.get(f"{two}/admin/", timeout=10, allow_redirects=False).status_code == 200
    assert _browser().get(f"{two}/admin/", timeout=10, allow_redirects=False).status_code == 302  # no cookie

    # Rate limits are shared: wrong passwords for one account, alternating between the hosts.
    statuses = []
    for n in range(8):
        with _browser() as attacker:
            statuses.append(_login(attacker, (one, two)[n % 2], "angrepet@firma.example", f"feil-{n}").status_code)
    keys = redis.Redis.from_url(settings.REDIS_URL).keys("hosts-*")
    web_logs = [(cluster["tmp"] / f"web-{n}.log").read_text()[-3000:] for n in (1, 2)]
    assert statuses == [200] * 5 + [429] * 3, (statuses, keys, web_logs)

    # The move button on host one for a wave; the chunks are shared by the two workers.
    pressed = time.monotonic()
    token = _csrf(staff_browser, f"{one}/admin/accounts/customer/")
    response = staff_browser.post(f"{one}/admin/accounts/customer/", data={
        "csrfmiddlewaretoken": token, "action": "flag_for_move", "_selected_action": [c.pk for c in customers],
        "apply": "1", "deadline": (timezone.localdate() + timedelta(days=21)).isoformat(),
    }, timeout=30)
    assert f"{CUSTOMERS} kunder flyttes nå" in response.text
    invitations = CUSTOMERS * ACCOUNTS
    received = smtp_sink.wait_for(invitations, timeout=60)
    wave_seconds = time.monotonic() - pressed
    time.sleep(0.5)  # a duplicate would arrive now
    assert len(smtp_sink.messages) == invitations
    per_address = Counter(m["To"] for m in received)
    expected = set(LegacyAccount.objects.values_list("email", flat=True))
    assert set(per_address) == expected and set(per_address.values()) == {1}, "no loss, no duplicate"
    assert LegacyAccount.objects.filter(state=State.INVITED).count() == invitations
    chunks = [(cluster["tmp"] / f"worker-{n}.log").read_text().count("migration.tasks.flag_customers[") for n in (1, 2)]
    assert all(chunks), f"both workers took chunks of the wave: {chunks}"

    # The deadline comes close: the 7-day reminders go once, from whichever beat holds the lock.
    reminded = time.monotonic()
    CustomerMove.objects.update(deadline=timezone.localdate() + timedelta(days=7))
    smtp_sink.wait_for(2 * invitations, timeout=60)
    reminder_seconds = time.monotonic() - reminded
    beats = cluster["beats"]
    wait_until(lambda: sum(b.sent("migration-reminders") for b in beats) >= 3, 15, message="more reminder runs")
    assert len(smtp_sink.messages) == 2 * invitations
    assert set(Counter(m["To"] for m in smtp_sink.messages).values()) == {2}
    assert OutboundEmail.objects.filter(kind="migration.reminder").count() == invitations
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {OutboundEmail.Status.SENT}
    assert sorted(b.has_lock() for b in beats) == [False, True], "one scheduler"
    assert min(b.sent("migration-reminders") for b in beats) == 0

    # The health probes see both workers by their node names, and the scheduler alive.
    for worker in cluster["workers"]:
        node = worker.hostname.replace("%h", socket.gethostname())
        assert _probe("worker", WORKER_NODE_NAME=node).returncode == 0
    assert _probe("worker", WORKER_NODE_NAME="celery@no-such-host").returncode == 1
    assert _probe("beat", BEAT_KEY_PREFIX=cluster["env"]["BEAT_KEY_PREFIX"]).returncode == 0

    # LOG_FORMAT=json: every line that web and beat wrote is one JSON object.
    for name in ("web-1", "web-2", "beat-1", "beat-2"):
        lines = [line for line in (cluster["tmp"] / f"{name}.log").read_text().splitlines() if line.strip()]
        assert lines and all(json.loads(line)["time"] for line in lines), name

    print(f"\ntwo hosts: start-up {cluster['startup']:.1f} s; wave of {CUSTOMERS} customers / {invitations} "
          f"invitations in {wave_seconds:.1f} s (chunks per worker {chunks}); {invitations} reminders in "
          f"{reminder_seconds:.1f} s; login limit {statuses.count(200)} x 200 then {statuses.count(429)} x 429")
