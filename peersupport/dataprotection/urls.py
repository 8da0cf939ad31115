from django.urls import path

from . import views

app_name = "dataprotection"

urlpatterns = [
    path("legal-basis/", views.legal_basis, name="legal_basis"),
]
