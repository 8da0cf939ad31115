"""Participants, cohorts, enrolments, attendance, certificates and events change only through
the app's actions: read-only here. Course templates are configuration, edited here."""

from django.contrib import admin

from peersupport.admin import (
    AuditedInline,
    AuditedModelAdmin,
    ReadOnlyInline,
    ReadOnlyModelAdmin,
)

from .models import (
    Attendance,
    Certificate,
    Cohort,
    CourseModule,
    CourseSession,
    CourseTemplate,
    Enrolment,
    Event,
    EventInvitation,
    Interview,
    Participant,
    StatusChange,
    TemplateDay,
)


class StatusChangeInline(ReadOnlyInline):
    model = StatusChange
    select_related = ("participant", "changed_by")
    readonly_fields = [
        "from_status",
        "to_status",
        "changed_at",
        "changed_by",
        "reason_category",
        "reason",
    ]


@admin.register(Participant)
class ParticipantAdmin(ReadOnlyModelAdmin):
    list_display = ["full_name", "email", "region", "status", "status_changed_at", "applied_on"]
    list_filter = ["status", "region", "lived_experience_declared"]
    search_fields = ["full_name", "email"]
    list_select_related = ["region"]
    raw_id_fields = ["user"]
    inlines = [StatusChangeInline]


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyModelAdmin):
    list_display = [
        "participant",
        "from_status",
        "to_status",
        "reason_category",
        "changed_at",
        "changed_by",
    ]
    list_filter = ["to_status", "reason_category", "participant__region"]
    search_fields = ["participant__full_name", "reason"]
    list_select_related = ["participant", "changed_by"]
    raw_id_fields = ["participant", "changed_by"]


class CourseModuleInline(AuditedInline):
    model = CourseModule


class TemplateDayInline(AuditedInline):
    model = TemplateDay
    filter_horizontal = ["modules"]
    select_related = ("template",)
    prefetch_related = ("modules",)


@admin.register(CourseTemplate)
class CourseTemplateAdmin(AuditedModelAdmin):
    list_display = ["name", "min_attendance_percent", "is_default", "day_start", "day_end"]
    list_filter = ["is_default"]
    search_fields = ["name", "description"]
    inlines = [CourseModuleInline, TemplateDayInline]


@admin.register(CourseModule)
class CourseModuleAdmin(AuditedModelAdmin):
    list_display = ["name", "template", "required", "position"]
    list_filter = ["template", "required"]
    search_fields = ["name", "learning_aims"]


@admin.register(TemplateDay)
class TemplateDayAdmin(AuditedModelAdmin):
    list_display = ["template", "number", "week", "weekday"]
    list_filter = ["template", "weekday"]
    search_fields = ["template__name"]
    filter_horizontal = ["modules"]


class CourseSessionInline(ReadOnlyInline):
    model = CourseSession
    fields = ["day_number", "date", "start_time", "end_time"]
    select_related = ("cohort",)


@admin.register(Cohort)
class CohortAdmin(ReadOnlyModelAdmin):
    list_display = ["name", "region", "template", "start_date", "end_date", "capacity", "status"]
    list_filter = ["status", "region", "template"]
    search_fields = ["name", "venue", "trainers"]
    list_select_related = ["region", "template"]
    date_hierarchy = "start_date"
    inlines = [CourseSessionInline]


@admin.register(CourseSession)
class CourseSessionAdmin(ReadOnlyModelAdmin):
    list_display = ["cohort", "day_number", "date", "start_time", "end_time"]
    list_filter = ["cohort__region", "cohort"]
    search_fields = ["cohort__name"]
    list_select_related = ["cohort"]
    date_hierarchy = "date"
    filter_horizontal = ["modules"]


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyModelAdmin):
    list_display = ["participant", "cohort", "status", "created_at"]
    list_filter = ["status", "cohort__region", "cohort"]
    search_fields = ["participant__full_name", "cohort__name"]
    list_select_related = ["participant", "cohort"]
    raw_id_fields = ["participant", "cohort"]


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyModelAdmin):
    list_display = ["enrolment", "session", "status", "reason", "recorded_by", "recorded_at"]
    list_filter = ["status", "session__cohort"]
    search_fields = ["enrolment__participant__full_name", "reason"]
    list_select_related = [
        "enrolment__participant",
        "enrolment__cohort",
        "session__cohort",
        "recorded_by",
    ]
    raw_id_fields = ["enrolment", "session", "recorded_by"]


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyModelAdmin):
    list_display = ["code", "participant", "cohort", "issued_at", "days_attended", "replaced_at"]
    list_filter = ["cohort__region", "cohort", ("replaced_at", admin.EmptyFieldListFilter)]
    search_fields = ["code", "participant__full_name"]
    list_select_related = ["participant", "cohort"]
    raw_id_fields = ["participant", "cohort", "issued_by"]


class EventInvitationInline(ReadOnlyInline):
    model = EventInvitation
    raw_id_fields = ["participant"]
    select_related = ("event", "participant", "user")


@admin.register(Event)
class EventAdmin(ReadOnlyModelAdmin):
    list_display = ["title", "kind", "region", "starts_at", "venue"]
    list_filter = ["kind", "region"]
    search_fields = ["title", "description", "venue"]
    date_hierarchy = "starts_at"
    inlines = [EventInvitationInline]


@admin.register(EventInvitation)
class EventInvitationAdmin(ReadOnlyModelAdmin):
    list_display = ["participant", "event", "invited_at", "attended"]
    list_filter = ["attended", "event__kind", "event__region"]
    search_fields = ["participant__full_name", "event__title"]
    # The audit of the rows read names each one's data subject: the participant, or the
    # invited account.
    list_select_related = ["participant", "event", "user"]
    raw_id_fields = ["participant", "event"]


@admin.register(Interview)
class InterviewAdmin(ReadOnlyModelAdmin):
    list_display = ["participant", "held_on", "interviewer", "outcome", "recorded_by"]
    list_filter = ["outcome", "participant__region", "held_on"]
    search_fields = ["participant__full_name", "interviewer__full_name"]
    list_select_related = ["participant", "interviewer", "recorded_by"]
    raw_id_fields = ["participant", "interviewer", "recorded_by"]
