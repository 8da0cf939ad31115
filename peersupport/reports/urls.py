from django.urls import path

from . import register_views, views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("<int:pk>/status/", views.report_status, name="report_status"),
    path("<int:pk>/again/", views.report_regenerate, name="report_regenerate"),
    path("<int:pk>/<str:kind>/", views.report_download, name="report_download"),
    path("subscriptions/", views.subscription_list, name="subscription_list"),
    path("subscriptions/<int:pk>/end/", views.subscription_delete, name="subscription_delete"),
]

# The region's register sheets as spreadsheets (coordinators).
urlpatterns += [
    path("registers/", register_views.register_list, name="register_list"),
    path("registers/<int:pk>/", register_views.register_detail, name="register_detail"),
    path("registers/<int:pk>/status/", register_views.register_status, name="register_status"),
    path(
        "registers/<int:pk>/download/",
        register_views.register_download,
        name="register_download",
    ),
]
