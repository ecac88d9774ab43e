"""Request and task ids on every log line: set by RequestIdMiddleware (web) and by the Celery signals
in core/celery_signals.py (worker), read by RequestIdFilter; JSON lines when LOG_FORMAT=json."""

import contextvars
import logging
from datetime import UTC, datetime

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


def current_task_id() -> str:
    """The id of the Celery task this thread is running, or "-" (web, beat, management commands)."""
    from celery import current_task

    task = current_task._get_current_object() if current_task else None
    request = getattr(task, "request", None)
    return getattr(request, "id", None) or "-"


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = request_id_var.get()
        record.task_id = current_task_id()
        return True


class JsonFormatter(_JsonFormatter):
    """One JSON object per line: time, level, logger, message, request_id, task_id (+ exception).

    python-json-logger does the encoding (escaping, extra fields, exception text); we fix the field
    names so that web, worker and beat lines can be searched alike.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(task_id)s")
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"})
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(*args, **kwargs)

    def formatTime(self, record, datefmt=None):  # noqa: N802 (logging's name)
        # UTC, ISO 8601: the same clock on every process (Django sets the process's TZ to Oslo).
        return datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds")

    def add_fields(self, log_record, record, message_dict):
        # Lines logged outside RequestIdFilter's handler (e.g. gunicorn's) still carry both keys.
        record.__dict__.setdefault("request_id", request_id_var.get())
        record.__dict__.setdefault("task_id", "-")
        super().add_fields(log_record, record, message_dict)
