from django.urls import path

from . import views

app_name = "migration"

urlpatterns = [
    path("", views.gate, name="gate"),
    path("logg-ut/", views.legacy_logout, name="legacy_logout"),
    path("glemt-passord/", views.legacy_reset_request, name="legacy_reset"),
    path("glemt-passord/<str:token>/", views.legacy_reset_confirm, name="legacy_reset_confirm"),
    path("overlevering/", views.handoff, name="handoff"),
    path("invitasjon/<str:token>/", views.invitation, name="invitation"),
    path("konto/", views.legacy_home, name="legacy_home"),
    path("utsett/", views.postpone, name="postpone"),
    path("interesse/", views.interest, name="interest"),
    path("aktiver/", views.activate_request, name="activate_request"),
    path("aktiver/<str:token>/", views.activate, name="activate"),
    path("dagens-nettbutikk/", views.legacy_shop, name="legacy_shop"),
]
