"""A URL conf whose view fails with personal data about, for the Sentry scrubbing test."""

from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from config.urls import handler403, handler404, handler500  # noqa: F401


@csrf_exempt  # called without a browser session (the test drives the WSGI application directly)
def fail_with_personal_data(request, token):
    password = request.POST.get("password")  # noqa: F841 (a local variable Sentry would send)
    customer_email = "ola.nordmann@kunde.example"
    raise RuntimeError(f"could not invite {customer_email} with link /flytt/invitasjon/{token}/")


urlpatterns = [
    path("feil/<str:token>/", fail_with_personal_data),
    path("", include("config.urls")),
]
