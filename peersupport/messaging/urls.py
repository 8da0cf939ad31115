from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("", views.message_inbox, name="message_inbox"),
    path("sent/", views.message_sent, name="message_sent"),
    path("write/", views.message_groups, name="message_groups"),
    path("write/<slug:audience>/<int:group_id>/", views.message_write, name="message_write"),
    path("<int:pk>/", views.message_detail, name="message_detail"),
]
