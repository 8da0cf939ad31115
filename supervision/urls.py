from django.urls import path

from .views import cadence, groups, sessions, upkeep

app_name = "supervision"

urlpatterns = [
    # The supervisor's home: my groups, my next sessions, attendance still to record
    path("", sessions.supervisor_home, name="supervisor_home"),
    # Supervisors, groups and individual arrangements (coordinators; supervisors read theirs)
    path("supervisors/", groups.supervisor_list, name="supervisor_list"),
    path("groups/", groups.group_list, name="group_list"),
    path("groups/new/", groups.group_create, name="group_create"),
    path("groups/<int:pk>/", groups.group_detail, name="group_detail"),
    path("groups/<int:pk>/edit/", groups.group_edit, name="group_edit"),
    path("groups/<int:pk>/plan/", groups.group_plan, name="group_plan"),
    # Sessions
    path("sessions/", sessions.session_list, name="session_list"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", sessions.session_edit, name="session_edit"),
    path("sessions/<int:pk>/cancel/", sessions.session_cancel, name="session_cancel"),
    path("sessions/<int:pk>/attendance/", sessions.session_attendance, name="session_attendance"),
    path("sessions/<int:pk>/note/", sessions.session_note, name="session_note"),
    path("sessions/<int:pk>/confirm/", sessions.session_confirm, name="session_confirm"),
    # Cadence: who falls short of supervision twice a month, and why
    path("cadence/", cadence.cadence, name="cadence"),
]
urlpatterns += upkeep.urlpatterns
