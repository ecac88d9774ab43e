from django.urls import path

from . import views

app_name = "faq"

urlpatterns = [
    path("", views.help_index, name="index"),
    path("sok/", views.help_search, name="search"),
    path("svar/<slug:slug>/", views.question_redirect, name="question"),
    path("<slug:slug>/", views.help_topic, name="topic"),
]
