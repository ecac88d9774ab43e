from anymail.webhooks.mailgun import MailgunTrackingWebhookView
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from core import metrics as core_metrics
from core import views as core_views
from core.views import media_serve
from identity import views as identity_views

handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"

admin.site.site_header = f"{settings.SHOP_NAME} – administrasjon"
admin.site.site_title = settings.SHOP_NAME

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("metrics", core_metrics.metrics, name="metrics"),
    # The email provider's tracking webhook (bounces, complaints), see core/webhooks.py. Only the
    # provider we send through is routed (anymail's include would answer for every provider, and
    # some of their views give a 500 on a malformed body); another provider is one more line here.
    path("anymail/mailgun/tracking/", MailgunTrackingWebhookView.as_view(), name="mailgun_tracking_webhook"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("konto/", include("allauth.urls")),
    path("konto/", include("accounts.urls")),
    path("flytt/", include("migration.urls")),
    path("hjelp/", include("faq.urls")),
    path("kontakt/", include("faq.contact_urls")),
    # One password for every system: OpenID Connect provider (/.well-known/openid-configuration,
    # /identity/o/...) and the app API (/_allauth/app/v1/...); see docs/OIDC.md.
    # allauth's authorization view with remembered consent and 400 error pages (identity/views.py).
    path("identity/o/authorize", identity_views.authorization),
    path("", include("allauth.idp.urls")),
    path("_allauth/", include("allauth.headless.urls")),
    # The old shop's orders, under «Mine ordre» (the shop may not import the migration app).
    path("ordre/dagens-nettbutikk/", include("migration.history_urls")),
    path("", include("shop.urls")),
]

if settings.MEDIA_SERVE:
    # Product pictures and datasheets from MEDIA_ROOT (public catalogue files, never customer data).
    urlpatterns.insert(0, path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media_serve, name="media"))

