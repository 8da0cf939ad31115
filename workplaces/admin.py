"""Organisations and workplaces are configuration: their names and contact details can be
corrected here. Readiness, orders, placements, follow-ups and support sessions change only
through the app's actions: read-only here."""

from django.contrib import admin

from peersupport.admin import (
    AuditedModelAdmin,
    PrivacyGuardedModelForm,
    ReadOnlyInline,
    ReadOnlyModelAdmin,
)

from .models import (
    FollowUpReview,
    Incident,
    IncidentFollowUp,
    Organisation,
    Placement,
    ReadinessConfirmation,
    ReviewResponse,
    StaffTraining,
    SupportSession,
    TraineeOrder,
    Workplace,
)


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin):
    list_display = ["name", "principal", "region"]
    list_filter = ["principal", "region"]
    search_fields = ["name"]

    def get_readonly_fields(self, request, obj=None):
        # Its workplaces, and their placements, belong to the region it was created in.
        return ["region"] if obj else []


class ReadinessInline(ReadOnlyInline):
    model = ReadinessConfirmation
    raw_id_fields = ["confirmed_by"]
    select_related = ("workplace", "confirmed_by", "withdrawn_by")


class StaffTrainingInline(ReadOnlyInline):
    model = StaffTraining
    raw_id_fields = ["recorded_by"]
    select_related = ("workplace", "recorded_by")


class WorkplaceForm(PrivacyGuardedModelForm):
    identifying_fields_allowed = ("contact_email", "contact_phone")
    person_name_fields = ("contact_name",)


@admin.register(Workplace)
class WorkplaceAdmin(AuditedModelAdmin):
    """Name, type, address and contact can be corrected. Its region and organisation stay
    (its placements and sessions belong to that region), and unit managers are assigned in
    the app, which gives them the role and renews their access."""

    form = WorkplaceForm
    list_display = ["name", "organisation", "type", "region", "contact_name"]
    list_filter = ["type", "region", "organisation__principal"]
    search_fields = ["name", "organisation__name", "address", "contact_name"]
    list_select_related = ["organisation", "region"]
    readonly_fields = ["organisation", "region", "managers", "created_at"]
    inlines = [ReadinessInline, StaffTrainingInline]

    def has_add_permission(self, request):
        # A workplace is registered in the app, under a coordinator's region.
        return False


@admin.register(ReadinessConfirmation)
class ReadinessConfirmationAdmin(ReadOnlyModelAdmin):
    list_display = ["workplace", "item", "confirmed_on", "confirmed_by", "fte"]
    list_filter = ["item", "workplace__region"]
    search_fields = ["workplace__name", "contact_name", "note"]
    list_select_related = ["workplace", "confirmed_by"]
    raw_id_fields = ["confirmed_by"]


@admin.register(StaffTraining)
class StaffTrainingAdmin(ReadOnlyModelAdmin):
    list_display = ["workplace", "held_on", "staff_count", "recorded_by"]
    list_filter = ["workplace__region"]
    search_fields = ["workplace__name"]
    list_select_related = ["workplace", "recorded_by"]
    raw_id_fields = ["recorded_by"]


@admin.register(TraineeOrder)
class TraineeOrderAdmin(ReadOnlyModelAdmin):
    list_display = ["workplace", "posts", "ordered_on", "ordered_by"]
    list_filter = ["workplace__region"]
    search_fields = ["workplace__name", "note"]
    list_select_related = ["workplace", "ordered_by"]
    raw_id_fields = ["ordered_by"]


class ReviewInline(ReadOnlyInline):
    model = FollowUpReview
    select_related = ("placement__participant", "placement__workplace")


@admin.register(Placement)
class PlacementAdmin(ReadOnlyModelAdmin):
    list_display = [
        "participant",
        "workplace",
        "employer",
        "hours_per_week",
        "start_date",
        "end_date",
        "status",
        "ended_reason_category",
    ]
    list_filter = ["status", "ended_reason_category", "employer", "workplace__region"]
    search_fields = ["participant__full_name", "workplace__name"]
    list_select_related = ["participant", "workplace"]
    raw_id_fields = ["participant", "workplace", "coordinator_agreed_by", "manager_agreed_by"]
    inlines = [ReviewInline]


@admin.register(FollowUpReview)
class FollowUpReviewAdmin(ReadOnlyModelAdmin):
    list_display = ["placement", "months_after_start", "due_on"]
    list_filter = ["months_after_start", "placement__workplace__region"]
    search_fields = ["placement__participant__full_name", "placement__workplace__name"]
    list_select_related = ["placement__participant", "placement__workplace"]
    date_hierarchy = "due_on"


@admin.register(ReviewResponse)
class ReviewResponseAdmin(ReadOnlyModelAdmin):
    list_display = [
        "review",
        "respondent",
        "role_works",
        "role_clarity",
        "staff_attitudes",
        "submitted_at",
    ]
    list_filter = ["respondent", "role_works"]
    search_fields = ["review__placement__workplace__name"]
    list_select_related = ["review__placement__participant", "review__placement__workplace"]
    raw_id_fields = ["review", "submitted_by"]


@admin.register(SupportSession)
class SupportSessionAdmin(ReadOnlyModelAdmin):
    """Content stays out of the list columns."""

    list_display = ["date", "placement", "kind", "minutes", "participant_count"]
    list_filter = ["kind", "placement__workplace__region", "placement__workplace"]
    search_fields = ["placement__participant__full_name", "placement__workplace__name"]
    list_select_related = ["placement__participant", "placement__workplace"]
    raw_id_fields = ["placement", "created_by"]
    date_hierarchy = "date"


class IncidentFollowUpInline(ReadOnlyInline):
    model = IncidentFollowUp
    raw_id_fields = ["written_by"]
    select_related = ("incident", "written_by")


@admin.register(Incident)
class IncidentAdmin(ReadOnlyModelAdmin):
    """Reported and followed up in the app only; what happened stays out of the columns."""

    list_display = ["occurred_on", "kind", "region", "workplace", "status", "reported_at"]
    list_filter = ["kind", "status", "region", "shared_with_managers", "occurred_on"]
    search_fields = ["workplace__name", "reported_by__full_name"]
    list_select_related = ["region", "workplace"]
    raw_id_fields = ["workplace", "reported_by"]
    inlines = [IncidentFollowUpInline]


@admin.register(IncidentFollowUp)
class IncidentFollowUpAdmin(ReadOnlyModelAdmin):
    list_display = ["incident", "status", "written_by", "written_at"]
    list_filter = ["status", "incident__region", "written_at"]
    search_fields = ["incident__workplace__name", "written_by__full_name"]
    list_select_related = ["incident", "written_by"]
    raw_id_fields = ["incident", "written_by"]
