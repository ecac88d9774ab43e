"""What the import benchmarks share: a scratch database next to DATABASE_URL, and a timed command.

Each import runs as its own `manage.py` process under `/usr/bin/time -v`, so its wall time and peak
resident memory are its own, not the benchmark script's.
"""

import os
import re
import resource
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def scratch_database(suffix: str, *, keep: bool = False, **env_overrides: str):
    """A migrated, empty database `<DATABASE_URL's name>_<suffix>`; yields the env to run commands in.

    Dropped afterwards unless `keep`.
    """
    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL=postgres://…; the import runs in a scratch database next to it.")
    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/')}_{suffix}"
    admin_url = urlunsplit(parts._replace(path="/postgres"))

    def admin(sql: str) -> None:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql)

    env = {**os.environ, "DATABASE_URL": urlunsplit(parts._replace(path=f"/{name}")),
           "DJANGO_SETTINGS_MODULE": "config.settings.base", "DEBUG": "0", "LOG_LEVEL": "WARNING",
           **env_overrides}
    admin(f'DROP DATABASE IF EXISTS "{name}"')
    admin(f'CREATE DATABASE "{name}"')
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)
        yield env
    finally:
        if not keep:
            admin(f'DROP DATABASE IF EXISTS "{name}"')


def timed_manage(env: dict, *args: str) -> dict:
    """Run `manage.py *args`: seconds, peak RSS in MB, and the last line it printed."""
    command = [sys.executable, "manage.py", *args]
    gnu_time = shutil.which("time", path="/usr/bin")
    if gnu_time:
        command = [gnu_time, "-v", *command]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(done.stdout + done.stderr)
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    peak_kb = int(match.group(1)) if match else resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    return {"seconds": elapsed, "peak_rss_mb": peak_kb / 1024, "summary": lines[-1] if lines else ""}
