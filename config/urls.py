from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from core import views as core_views

handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"

admin.site.site_header = f"{settings.SHOP_NAME} – administrasjon"
admin.site.site_title = settings.SHOP_NAME

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    # A provider's tracking webhooks (bounces, complaints): /anymail/<esp>/tracking/, see core/webhooks.py.
    path("anymail/", include("anymail.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("konto/", include("allauth.urls")),
    path("konto/", include("accounts.urls")),
    path("flytt/", include("migration.urls")),
    path("hjelp/", include("faq.urls")),
    path("kontakt/", include("faq.contact_urls")),
    # One password for every system: OpenID Connect provider (/.well-known/openid-configuration,
    # /identity/o/...) and the app API (/_allauth/app/v1/...); see docs/OIDC.md.
    path("", include("allauth.idp.urls")),
    path("_allauth/", include("allauth.headless.urls")),
    path("", include("shop.urls")),
]
