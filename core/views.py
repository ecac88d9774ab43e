import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


def _redis_ping(url: str) -> None:
    import redis

    redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2).ping()


@never_cache
def healthz(request):
    """For load balancers and compose: 200 when the database and Redis (broker, cache) answer.

    `?deep=1` also checks the outbox backlog: 503 when the oldest pending email has waited longer
    than HEALTHZ_OUTBOX_MAX_AGE_SECONDS (workers down or far behind). For monitoring, not for the
    load balancer's liveness probe: a backlog is no reason to restart a web process.
    """
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # any failure means "not healthy"; the reason goes to the log
        logger.error("healthz: database unreachable: %s", exc)
        checks["database"] = "error"
    redis_urls = {"redis": settings.REDIS_URL}
    if settings.CACHE_URL and settings.CACHE_URL != settings.REDIS_URL:
        redis_urls["cache"] = settings.CACHE_URL
    for name, url in redis_urls.items():
        if not url:
            continue
        try:
            _redis_ping(url)
            checks[name] = "ok"
        except Exception as exc:
            logger.error("healthz: %s unreachable: %s", name, exc)
            checks[name] = "error"
    body = {}
    if request.GET.get("deep") == "1" and checks["database"] == "ok":
        from django.db.models import Min
        from django.utils import timezone

        from .models import OutboundEmail

        oldest = OutboundEmail.objects.pending().aggregate(oldest=Min("created_at"))["oldest"]
        age = (timezone.now() - oldest).total_seconds() if oldest else 0
        body["outbox_oldest_pending_seconds"] = round(age)
        checks["outbox"] = "ok" if age <= settings.HEALTHZ_OUTBOX_MAX_AGE_SECONDS else "backlog"
        if checks["outbox"] != "ok":
            logger.warning("healthz: the oldest pending email has waited %d s", age)
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks, **body}, status=200 if healthy else 503
    )


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    # Rendered without the request context processors' database work where possible: the
    # database may be what failed. The template only needs static values.
    try:
        return render(request, "500.html", status=500)
    except Exception:
        from django.http import HttpResponseServerError

        return HttpResponseServerError(
            "<!doctype html><html lang=nb><title>Feil</title><h1>Noe gikk galt</h1>"
            "<p>Prøv igjen om litt. <a href=/hjelp/>Hjelp</a> · <a href=/kontakt/>Kontakt oss</a></p>"
        )


def media_serve(request, path):
    """Files from MEDIA_ROOT (product pictures and datasheets) when the app serves them itself.

    Django's static `serve` (path checks, Last-Modified, If-Modified-Since) with a cache lifetime:
    the files are public catalogue content, and a replaced file gets a new name.
    """
    from django.views.static import serve

    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = "public, max-age=86400"
    return response
