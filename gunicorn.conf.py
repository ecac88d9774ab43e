"""gunicorn's settings, from the environment (`gunicorn config.wsgi` reads this file by itself).

Every value has a default that suits one container with 1–2 cores; README «Operations» says how to
size them. The access log carries the request id (the X-Request-ID response header, the same id as
on the application's log lines); LOG_FORMAT=json makes gunicorn's own lines JSON too.
"""

import os
import shutil


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Worker processes; the usual rule is 2 × cores + 1, within the database's connection budget
# (each process holds up to one connection per thread; see README «Scaling»).
workers = _int("WEB_CONCURRENCY", 3)
threads = _int("GUNICORN_THREADS", 1)
# A request that takes longer is killed (its worker restarted); slow pages are bugs, not waits.
timeout = _int("GUNICORN_TIMEOUT", 30)
# On SIGTERM (a deploy, a scale-down) workers finish their requests for this long.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 25)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Workers are replaced after this many requests (± jitter so they do not all restart at once),
# which bounds any slow memory growth. Each replacement starts with empty in-process caches (compiled
# templates, the category tree): at 1,000 a worker serving 500 req/s restarted every two seconds,
# which cost a tenth of the throughput and put ~1 s stalls into p99 (docs/PERFORMANCE.md).
max_requests = _int("GUNICORN_MAX_REQUESTS", 20000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 2000)
# The app is loaded once in the master and forked: a worker (re)starts in milliseconds, not the
# ~1 s of importing Django and the apps. Nothing opens a database or Redis connection at import
# time (connections are per worker, opened on first use). GUNICORN_PRELOAD=0 turns it off.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"
# Addresses of the proxies whose X-Forwarded-* headers gunicorn trusts ("*" only when nothing but
# the proxy can reach the port, as in the compose file and the Kubernetes Service).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Heartbeat files in memory, not on the container's overlay file system (gunicorn creates them
# with mkstemp, so a shared directory is safe).
_SHM = "/dev/shm"  # noqa: S108
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR", _SHM if os.path.isdir(_SHM) else None)

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s "%(a)s"'

if os.environ.get("LOG_FORMAT", "text") == "json":
    logger_class = "core.gunicorn_logging.JsonLogger"
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "core.logging.JsonFormatter"}},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
            "error_console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
        },
        "root": {"level": "INFO", "handlers": []},
        "loggers": {
            "gunicorn.error": {"level": loglevel.upper(), "handlers": ["error_console"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
        },
    }


# Prometheus request metrics summed over all workers (core/metrics.py): each worker writes its
# figures to files in PROMETHEUS_MULTIPROC_DIR, which must be empty when the server starts.
def on_starting(server):
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
