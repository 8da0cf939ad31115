from django.urls import path

from . import views

app_name = "golive"

urlpatterns = [
    path("", views.import_upload, name="import_upload"),
    path("<int:pk>/", views.import_preview, name="import_preview"),
    path("<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("<int:pk>/cancel/", views.import_cancel, name="import_cancel"),
    path(
        "template/<slug:kind>.<str:file_format>",
        views.template_download,
        name="template_download",
    ),
]
