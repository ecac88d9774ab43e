from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.account_home, name="home"),
    path("min-konto/", views.profile, name="profile"),
    path("kunde/bytt/", views.switch_customer, name="switch_customer"),
    path("brukere/", views.users, name="users"),
    path("brukere/ny/", views.user_add, name="user_add"),
    path("brukere/<int:pk>/", views.membership_detail, name="membership_detail"),
    path("brukere/<int:pk>/rolle/", views.membership_role, name="membership_role"),
    path("brukere/<int:pk>/deaktiver/", views.membership_deactivate, name="membership_deactivate"),
    path("brukere/<int:pk>/gjenopprett/", views.membership_reactivate, name="membership_reactivate"),
    path("brukere/<int:pk>/send-invitasjon/", views.invitation_resend, name="invitation_resend"),
    path("brukere/venter/<int:pk>/", views.offer_detail, name="offer_detail"),
    path("bli-med/", views.offers, name="offers"),
    path("invitasjon/<int:customer_id>/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
