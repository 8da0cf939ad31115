from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="notification_list"),
    path("calendar/", views.calendar_settings, name="calendar_settings"),
    # Tokens are URL-safe base64 (letters, digits, "-" and "_"), exactly what a slug is;
    # anything else (a NUL byte, say, which PostgreSQL refuses) never reaches the database.
    path("calendar/<slug:token>.ics", views.calendar_feed, name="calendar_feed"),
]
