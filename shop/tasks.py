"""The shop's periodic work (Celery beat; schedule in config/settings/base.py)."""

from celery import shared_task

from .caching import popular_product_ids


@shared_task
def popular_refresh() -> int:
    """Count what sells most before the cached count expires, so no front page view waits for it."""
    return len(popular_product_ids(refresh=True))
