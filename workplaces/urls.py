from django.urls import path

from .views import incidents, placements, sessions, units, upkeep

app_name = "workplaces"

urlpatterns = [
    # Organisations, workplaces, readiness
    path("", units.workplace_list, name="workplace_list"),
    path("new/", units.workplace_create, name="workplace_create"),
    path("organisations/new/", units.organisation_create, name="organisation_create"),
    path("<int:pk>/", units.workplace_detail, name="workplace_detail"),
    path("<int:pk>/readiness/<str:item>/", units.readiness_confirm, name="readiness_confirm"),
    path("<int:pk>/trainings/new/", units.staff_training_create, name="staff_training_create"),
    path("<int:pk>/order/", units.trainee_order_create, name="trainee_order_create"),
    path("overview/", units.manager_home, name="manager_home"),
    path("aggregates.csv", units.aggregates_export, name="aggregates_export"),
    # Placements and follow-up reviews
    path("placements/", placements.placement_list, name="placement_list"),
    path("placements/new/", placements.placement_create, name="placement_create"),
    path("placements/<int:pk>/", placements.placement_detail, name="placement_detail"),
    path("placements/<int:pk>/agree/", placements.placement_agree, name="placement_agree"),
    path("placements/<int:pk>/end/", placements.placement_end, name="placement_end"),
    path("reviews/", placements.review_list, name="review_list"),
    path("reviews/<int:pk>/", placements.review_respond, name="review_respond"),
    # Support sessions
    path("sessions/", sessions.session_list, name="session_list"),
    path("sessions/new/", sessions.session_create, name="session_create"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", sessions.session_edit, name="session_edit"),
]
urlpatterns += upkeep.urlpatterns + incidents.urlpatterns
