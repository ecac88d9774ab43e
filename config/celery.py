"""The Celery app (`celery -A config worker`, `celery -A config beat`).

Broker and behaviour come from Django settings (the ``CELERY_`` namespace), so that with no
``REDIS_URL`` tasks run eagerly in-process and with one they go to a real worker. Logging and the
request id carried into tasks: core/celery_signals.py.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

import core.celery_signals  # noqa: E402,F401  (connects the signal handlers)
