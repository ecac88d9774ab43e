"""Processes of a production-like deployment on this machine, for the scheduler and two-host tests:
gunicorn servers and Celery beat processes (workers come from tests/fixtures/services.py)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.fixtures.services import free_port

ROOT = Path(__file__).resolve().parents[2]


def app_env(**overrides) -> dict:
    """The environment of one app process: test settings, real broker, tasks never run in-process."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "CELERY_TASK_ALWAYS_EAGER": "False"}
    env.update({k: str(v) for k, v in overrides.items()})
    return env


class Beat:
    """`celery -A config --quiet beat` as compose runs it (the redbeat scheduler), its log in a file."""

    def __init__(self, log_path: Path, **env):
        self.log_path = log_path
        self.env = app_env(**env)
        self.process = None

    def start(self):
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "celery", "-A", "config", "--quiet", "beat"],
            cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT,
        )
        return self

    @property
    def log(self) -> str:
        return self.log_path.read_text()

    def sent(self, task_name: str) -> int:
        """How many times this beat dispatched the named schedule entry."""
        return self.log.count(f"Sending due task {task_name} ")

    def has_lock(self) -> bool:
        return "beat: Acquired lock" in self.log

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        if self.process:
            self._log.close()


class Gunicorn:
    """A gunicorn server (gunicorn.conf.py) on a free loopback port: one "host" of the web tier."""

    def __init__(self, log_path: Path, workers: int = 2, **env):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.env = app_env(GUNICORN_BIND=f"127.0.0.1:{self.port}", WEB_CONCURRENCY=workers,
                           GUNICORN_LOG_LEVEL="warning", **env)
        self.process = None

    def launch(self):
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "config.wsgi"], cwd=ROOT, env=self.env,
            stdout=self._log, stderr=subprocess.STDOUT,
        )
        return self

    def start(self, timeout: float = 60):
        if self.process is None:
            self.launch()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log_path.read_text()[-2000:]}")
            try:
                if requests.get(f"{self.base}/healthz", timeout=5).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not answer /healthz in time")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        if self.process:
            self._log.close()


def stop_all(processes) -> None:
    """SIGTERM to every process at once, then wait for each (a shutdown takes seconds, not N times that)."""
    for item in processes:
        process = getattr(item, "process", None)
        if process and process.poll() is None:
            process.terminate()
    for item in processes:
        item.stop()


def wait_until(predicate, timeout: float, interval: float = 0.1, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"{message} not reached within {timeout}s")
