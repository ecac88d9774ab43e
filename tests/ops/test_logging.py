"""LOG_FORMAT=json: one JSON object per line on web, worker and beat, with request and task ids."""

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import UserFactory
from tests.fixtures.services import CeleryWorker, database_url_for_tests

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import logging, django
django.setup()
from django.test import Client
from core.logging import request_id_var
logging.getLogger("shop.probe").warning("hei «Ola» %s", 42)
Client().get("/finnes-ikke/", HTTP_X_REQUEST_ID="probe-request-0001")
"""


def _run_probe(log_format: str) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.test", LOG_FORMAT=log_format)
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True)
    return [line for line in out.stderr.splitlines() if line.strip()]


def test_json_format_gives_one_object_per_line_with_the_ids():
    lines = _run_probe("json")
    records = [json.loads(line) for line in lines]  # every line is JSON
    probe = next(r for r in records if r["logger"] == "shop.probe")
    assert probe["message"] == "hei «Ola» 42" and probe["level"] == "WARNING"
    assert probe["request_id"] == "-" and probe["task_id"] == "-"
    assert probe["time"].endswith("+00:00")
    not_found = next(r for r in records if r["logger"] == "django.request")
    assert not_found["request_id"] == "probe-request-0001"
    assert "/finnes-ikke/" in not_found["message"]


def test_text_format_stays_the_default_for_development():
    lines = _run_probe("text")
    assert any("WARNING [-] shop.probe: hei «Ola» 42" in line for line in lines)
    assert any("[probe-request-0001] django.request" in line for line in lines)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_task_enqueued_by_a_request_logs_in_json_with_that_request_id_and_its_task_id(
    client, smtp_sink, tmp_path
):
    from config.celery import app

    if not settings.REDIS_URL:
        pytest.fail("worker tests need REDIS_URL")
    user = UserFactory(email="logg@firma.example")
    queue = f"test-{uuid.uuid4().hex[:10]}"
    saved = app.conf.task_always_eager, app.conf.task_default_queue
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    log = tmp_path / "worker.log"
    with log.open("w") as log_file:
        worker = CeleryWorker(database_url=database_url_for_tests(), email_url=smtp_sink.url, queue=queue,
                              concurrency=1, extra_env={"LOG_FORMAT": "json"}, log_file=log_file)
        worker.start()
        try:
            response = client.post("/konto/password/reset/", {"email": user.email},
                                   HTTP_X_REQUEST_ID="reset-request-0001")
            assert response.status_code == 302
            smtp_sink.wait_for(1)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and "emails sent" not in log.read_text():
                time.sleep(0.1)
        finally:
            worker.stop()
            app.conf.task_always_eager, app.conf.task_default_queue = saved
    lines = [line for line in log.read_text().splitlines() if line.strip()]
    # The fixture's command line prints Celery's start-up banner (compose and Kubernetes pass
    # --quiet); every line after it, the worker's and its tasks' log lines, is JSON.
    ready = next(n for n, line in enumerate(lines) if " ready." in line)
    banner = [line for line in lines[:ready] if not line.startswith("{")]
    assert all("---" in line or ".>" in line or line.startswith(("[", " ")) for line in banner), banner
    # Celery prints this one notice on SIGTERM itself, outside logging; every other line is JSON.
    others = [line for line in lines[ready:] if not line.startswith("{")]
    assert others in ([], ["worker: Warm shutdown (MainProcess)"]), others
    records = [json.loads(line) for line in lines if line.startswith("{")]
    sent = next(r for r in records if r["message"].startswith("emails sent"))
    assert sent["request_id"] == "reset-request-0001"
    assert len(sent["task_id"]) == 36  # a Celery task id (uuid)
    assert any(r["logger"].startswith("celery") for r in records)
