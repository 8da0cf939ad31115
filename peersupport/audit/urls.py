from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("events.csv", views.event_export, name="event_export"),
    path("people/", views.person_search, name="person_search"),
    path("patterns/", views.patterns, name="patterns"),
]
