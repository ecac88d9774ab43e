"""Celery signal handlers: Django's logging in worker and beat, and the request id carried into tasks.

Connected from config/celery.py, so they are in place in every process that loads the Celery app
(web processes publishing tasks, workers running them, beat).
"""

from celery import signals

from .logging import request_id_var

REQUEST_ID_HEADER = "shop_request_id"


@signals.setup_logging.connect
def _django_logging(**kwargs):
    """Celery leaves logging alone when this signal has a receiver: apply Django's LOGGING.

    Without it the worker replaces the root handlers with its own text format (LOG_FORMAT and the
    request id were lost in worker logs).
    """
    import logging
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
    if settings.LOG_FORMAT == "json":
        logging.captureWarnings(True)  # e.g. Celery's SecurityWarning, as a JSON line too


@signals.before_task_publish.connect
def _carry_request_id(headers=None, **kwargs):
    """A task enqueued while serving a request carries that request's id in a message header."""
    request_id = request_id_var.get()
    if headers is not None and request_id != "-":
        headers.setdefault(REQUEST_ID_HEADER, request_id)


@signals.task_prerun.connect
def _restore_request_id(task=None, **kwargs):
    """In the worker, the task's log lines get the id of the request that enqueued it (or "-")."""
    request = getattr(task, "request", None)
    if request is None or getattr(request, "is_eager", False):
        return  # eager: same process and context as the request, the id is already set
    request_id_var.set(getattr(request, REQUEST_ID_HEADER, None) or "-")


@signals.task_postrun.connect
def _forget_request_id(task=None, **kwargs):
    request = getattr(task, "request", None)
    if request is not None and not getattr(request, "is_eager", False):
        request_id_var.set("-")
