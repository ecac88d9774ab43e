import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.fixtures.services import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_answers_ok_when_services_are_up(client, settings):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    if settings.REDIS_URL:
        assert body["checks"]["redis"] == "ok"


def _serve(env_overrides):
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.base", "DEBUG": "False", **env_overrides}
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1",
         "--log-level", "warning"],
        cwd=ROOT, env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            return process, requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10)
        except requests.ConnectionError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError("gunicorn did not start")


def test_healthz_answers_503_when_the_database_is_unreachable():
    # A real server whose database does not answer: nothing listens on port 9.
    process, response = _serve({"DATABASE_URL": "postgres://postgres@127.0.0.1:9/nothing", "REDIS_URL": ""})
    try:
        assert response.status_code == 503
        assert json.loads(response.text)["checks"]["database"] == "error"
    finally:
        process.terminate()
        process.wait(10)


def test_healthz_answers_503_when_redis_is_unreachable(tmp_path):
    process, response = _serve({
        "DATABASE_URL": f"sqlite:///{tmp_path / 'h.sqlite3'}",
        "REDIS_URL": "redis://127.0.0.1:9/0",
    })
    try:
        assert response.status_code == 503
        assert json.loads(response.text)["checks"] == {"database": "ok", "redis": "error"}
    finally:
        process.terminate()
        process.wait(10)
