"""Register extracts in the admin: read-only, and without their files (a file is downloaded
only through the app, where the download is audit-logged)."""

from django.contrib import admin

from peersupport.admin import ReadOnlyModelAdmin

from .models import Extract


@admin.register(Extract)
class ExtractAdmin(ReadOnlyModelAdmin):
    list_display = [
        "subject_name",
        "subject_kind",
        "region",
        "own_request",
        "status",
        "requested_by",
        "requested_at",
    ]
    list_filter = ["status", "own_request", "language", "region", "requested_at"]
    search_fields = ["subject_name"]
    list_select_related = ["region", "requested_by"]
    exclude = ["pdf", "json"]
