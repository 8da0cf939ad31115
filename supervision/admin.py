"""Supervision changes only through the app's actions: read-only here."""

from django.contrib import admin
from django.db.models.constants import LOOKUP_SEP

from peersupport.admin import ReadOnlyInline, ReadOnlyModelAdmin

from .models import (
    SessionAttendance,
    SupervisionGroup,
    SupervisionSession,
    Supervisor,
    SupervisorNote,
)


@admin.register(Supervisor)
class SupervisorAdmin(ReadOnlyModelAdmin):
    list_display = ["user", "region", "experience_based", "created_at"]
    list_filter = ["region", "experience_based"]
    search_fields = ["user__full_name", "user__email"]
    list_select_related = ["user", "region"]
    raw_id_fields = ["user"]


@admin.register(SupervisionGroup)
class SupervisionGroupAdmin(ReadOnlyModelAdmin):
    list_display = ["name", "kind", "region", "supervisor", "weekday", "start_time", "active"]
    list_filter = ["kind", "active", "region", "weekday"]
    search_fields = ["name", "supervisor__user__full_name", "members__full_name", "place"]
    list_select_related = ["region", "supervisor__user"]
    raw_id_fields = ["supervisor", "members"]


class SessionAttendanceInline(ReadOnlyInline):
    """Who was expected and whether they came; the peer supporter's comment stays out."""

    model = SessionAttendance
    fields = ["participant", "status", "reason", "recorded_at", "confirmed_at", "rating"]
    readonly_fields = ["recorded_at", "confirmed_at", "rating"]
    raw_id_fields = ["participant"]
    select_related = ("participant", "session__group")


@admin.register(SupervisionSession)
class SupervisionSessionAdmin(ReadOnlyModelAdmin):
    list_display = ["starts_at", "group", "duration_minutes", "status", "attendance_recorded_at"]
    list_filter = ["status", "group__region", "group__kind", "group"]
    search_fields = ["group__name", "place", "cancelled_reason"]
    list_select_related = ["group"]
    raw_id_fields = ["group", "created_by"]
    readonly_fields = ["cancelled_at", "attendance_recorded_at", "created_at", "created_by"]
    date_hierarchy = "starts_at"
    inlines = [SessionAttendanceInline]


@admin.register(SessionAttendance)
class SessionAttendanceAdmin(ReadOnlyModelAdmin):
    """The peer supporter's comment stays out of the list columns."""

    list_display = ["session", "participant", "status", "reason", "recorded_at", "confirmed_at"]
    list_filter = ["status", "session__group__region", "session__group"]
    search_fields = ["participant__full_name", "session__group__name", "reason"]
    list_select_related = ["session__group", "participant"]
    raw_id_fields = ["session", "participant", "recorded_by"]


@admin.register(SupervisorNote)
class SupervisorNoteAdmin(ReadOnlyModelAdmin):
    """Private notes are their author's alone: the admin shows that a note exists, on
    which session and by whom, never its text (nor searches it, which would reveal the
    text one query at a time)."""

    list_display = ["session", "author", "created_at", "updated_at"]
    list_filter = ["session__group__region", ("updated_at", admin.DateFieldListFilter)]
    search_fields = ["author__full_name", "author__email", "session__group__name"]
    list_select_related = ["session__group", "author"]
    fields = ["session", "author", "created_at", "updated_at"]

    def lookup_allowed(self, lookup, value, request=None):
        # The list takes a filter on any of the model's own fields from the address
        # (?text__startswith=…), and its count would give the text away letter by letter.
        if lookup.split(LOOKUP_SEP)[0] == "text":
            return False
        return super().lookup_allowed(lookup, value, request)
