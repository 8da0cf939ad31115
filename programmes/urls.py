from django.urls import path

from .views import (
    cohorts,
    course_templates,
    documents,
    event_upkeep,
    events,
    intake,
    recruitment,
    trainee,
    upkeep,
)

app_name = "programmes"

urlpatterns = [
    # Recruitment
    path("participants/", recruitment.participant_list, name="participant_list"),
    path("participants/new/", recruitment.participant_create, name="participant_create"),
    path("participants/<int:pk>/", recruitment.participant_detail, name="participant_detail"),
    path(
        "participants/<int:pk>/status/", recruitment.participant_status, name="participant_status"
    ),
    path(
        "participants/<int:pk>/consents/",
        recruitment.participant_consent_record,
        name="participant_consent_record",
    ),
    path(
        "participants/<int:pk>/consents/<int:consent_pk>/withdraw/",
        recruitment.participant_consent_withdraw,
        name="participant_consent_withdraw",
    ),
    path(
        "participants/<int:pk>/account/",
        recruitment.participant_account,
        name="participant_account",
    ),
    # Course templates
    path("templates/", course_templates.template_list, name="template_list"),
    path("templates/<int:pk>/", course_templates.template_edit, name="template_edit"),
    # Cohorts, schedule, enrolment, attendance, completion
    path("cohorts/", cohorts.cohort_list, name="cohort_list"),
    path("cohorts/new/", cohorts.cohort_create, name="cohort_create"),
    path("cohorts/<int:pk>/", cohorts.cohort_detail, name="cohort_detail"),
    path("cohorts/<int:pk>/edit/", cohorts.cohort_edit, name="cohort_edit"),
    path("cohorts/<int:pk>/schedule/", cohorts.cohort_schedule, name="cohort_schedule"),
    path("cohorts/<int:pk>/enrol/", cohorts.cohort_enrol, name="cohort_enrol"),
    path(
        "cohorts/<int:pk>/enrolments/<int:enrolment_pk>/withdraw/",
        cohorts.enrolment_withdraw,
        name="enrolment_withdraw",
    ),
    path("cohorts/<int:pk>/attendance/", cohorts.attendance_grid, name="attendance_grid"),
    path("cohorts/<int:pk>/certify/", cohorts.cohort_certify, name="cohort_certify"),
    path("cohorts/<int:pk>/close/", cohorts.cohort_close, name="cohort_close"),
    path("sessions/<int:pk>/edit/", cohorts.session_edit, name="session_edit"),
    # Certificates
    path("certificates/<int:pk>/pdf/", documents.certificate_pdf, name="certificate_pdf"),
    path(
        "certificates/<int:pk>/reissue/", documents.certificate_reissue, name="certificate_reissue"
    ),
    path("verify/", documents.certificate_verify, name="certificate_verify"),
    # The trainee's own pages
    path("my-course/", trainee.my_course, name="my_course"),
    # Reunions and continuing education
    path("events/", events.event_list, name="event_list"),
    path("events/new/", events.event_create, name="event_create"),
    path("events/<int:pk>/", events.event_detail, name="event_detail"),
    path("events/<int:pk>/invite/", events.event_invite, name="event_invite"),
    path(
        "events/<int:pk>/attendance/<int:invitation_pk>/",
        events.event_attendance,
        name="event_attendance",
    ),
]
urlpatterns += upkeep.urlpatterns + event_upkeep.urlpatterns + intake.urlpatterns
