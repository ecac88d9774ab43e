from celery import shared_task

from .services import oidc_tokens_clear_expired


@shared_task
def oidc_tokens_clear() -> int:
    """Daily housekeeping (CELERY_BEAT_SCHEDULE); safe to run twice."""
    return oidc_tokens_clear_expired()
