import re
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponsePermanentRedirect
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import get_supported_language_variant

from .logging import request_id_var

_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class ShopUrlAliasMiddleware:
    """A request to one of the shop's earlier addresses (`SHOP_URL_ALIASES`, e.g. the beta address)
    gets a 301 to the same path and query on `SHOP_URL`, so links in emails sent before the switch
    (activation, invitation, password reset) keep working.

    Django's CommonMiddleware only adds "www." or a slash; no built-in redirects one host to another.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SHOP_URL_ALIASES:
            hosts = {urlsplit(u).netloc.lower() for u in settings.SHOP_URL_ALIASES}
            host = request.get_host().lower()
            if host in hosts and host != urlsplit(settings.SHOP_URL).netloc.lower():
                return HttpResponsePermanentRedirect(settings.SHOP_URL + request.get_full_path())
        return self.get_response(request)


class RequestIdMiddleware:
    """Give each request an id (kept from a trusted proxy's X-Request-ID if well-formed).

    The id is on every log line of the request and echoed in the response's X-Request-ID header,
    so an operator can match a customer's report with the logs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        # Not reset on the way out: Django logs 4xx/5xx responses after the middleware chain has
        # returned, and those lines need the id too. The next request sets its own.
        request_id_var.set(request_id)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class SecurityHeadersMiddleware:
    """Content-Security-Policy (Django 5.2 has no built-in CSP) and a conservative
    Permissions-Policy. The admin gets no CSP: its bundled scripts use inline handlers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/admin/"):
            response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class LanguageMiddleware(LocaleMiddleware):
    """Norwegian unless the user chose otherwise with the language switch (a cookie).

    Django's LocaleMiddleware also follows the browser's Accept-Language header; we do not: the
    shop's language is Norwegian bokmål for everyone (an English browser still sees «Logg inn»),
    and English is there for those who ask for it.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        try:
            language = get_supported_language_variant(chosen) if chosen else settings.LANGUAGE_CODE
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class ProbeMiddleware:
    """/healthz and /metrics answered before host validation and the HTTPS redirect.

    Load balancers, kubelets and Prometheus call a pod by its address (Host: 10.1.2.3:8000), which
    is not in ALLOWED_HOSTS, over plain HTTP inside the cluster; neither endpoint builds URLs from
    the host. /metrics keeps its own guard (METRICS_TOKEN), /healthz tells nothing secret.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)  # the ordinary way: CSRF refuses a POST
        if request.path_info == "/healthz":
            from .views import healthz

            return healthz(request)
        if request.path_info == "/metrics":
            from . import metrics

            # Without the token the request takes the ordinary way: the shop's own 404 page.
            if metrics.authorised(request):
                return metrics.metrics(request)
        return self.get_response(request)
