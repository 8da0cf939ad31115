from django.urls import path

from . import views

app_name = "extracts"

urlpatterns = [
    path("mine/", views.own_extracts, name="own_extracts"),
    path("<int:pk>/", views.extract_detail, name="extract_detail"),
    path("<int:pk>/status/", views.extract_status, name="extract_status"),
    path("<int:pk>/<str:kind>/", views.extract_download, name="extract_download"),
    path("people/<str:kind>/<int:pk>/", views.person_extracts, name="person_extracts"),
    path("people/<str:kind>/<int:pk>/erase/", views.person_erase, name="person_erase"),
]
