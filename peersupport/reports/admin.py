"""Reports in the admin: read-only, and without their files (a file is downloaded only
through the app, where the download is audit-logged)."""

from django.contrib import admin

from peersupport.admin import ReadOnlyModelAdmin

from .models import RegisterExport, Report, ReportSubscription


@admin.register(Report)
class ReportAdmin(ReadOnlyModelAdmin):
    list_display = [
        "__str__",
        "region",
        "period_start",
        "period_end",
        "language",
        "status",
        "requested_by",
        "requested_at",
        "page_count",
    ]
    list_filter = ["status", "period_kind", "language", "region", "requested_at"]
    search_fields = ["region__name", "requested_by__email"]
    list_select_related = ["region", "requested_by"]
    exclude = ["pdf", "xlsx"]


@admin.register(ReportSubscription)
class ReportSubscriptionAdmin(ReadOnlyModelAdmin):
    list_display = ["user", "region", "frequency", "language", "last_period_end", "created_at"]
    list_filter = ["frequency", "region"]
    search_fields = ["user__email", "region__name"]
    list_select_related = ["user", "region"]


@admin.register(RegisterExport)
class RegisterExportAdmin(ReadOnlyModelAdmin):
    list_display = [
        "region",
        "kind",
        "language",
        "status",
        "requested_by",
        "requested_at",
        "row_count",
    ]
    list_filter = ["status", "kind", "language", "region"]
    search_fields = ["region__name", "requested_by__email"]
    list_select_related = ["region", "requested_by"]
    exclude = ["file"]
