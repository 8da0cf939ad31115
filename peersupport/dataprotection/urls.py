from django.urls import path

from . import views

app_name = "dataprotection"

urlpatterns = [
    path("legal-basis/", views.legal_basis, name="legal_basis"),
    path("my-consents/", views.my_consents, name="my_consents"),
    path("my-consents/<int:pk>/withdraw/", views.my_consent_withdraw, name="my_consent_withdraw"),
]
