from django.contrib import admin
from django.db.models.constants import LOOKUP_SEP
from django.utils.translation import gettext_lazy as _

from peersupport.admin import ReadOnlyModelAdmin

from .models import CalendarFeed, Notification


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("pending", _("Pending")), ("sent", _("Sent")), ("failed", _("Given up"))]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return queryset.pending()
        if self.value() == "sent":
            return queryset.filter(sent_at__isnull=False)
        if self.value() == "failed":
            return queryset.filter(failed_at__isnull=False)
        return queryset


@admin.register(Notification)
class NotificationAdmin(ReadOnlyModelAdmin):
    """The outbox: what is sent to whom, sent by the dispatcher and never edited."""

    list_display = ["kind", "recipient", "due_at", "sent_at", "attempts", "failed_at", "title"]
    list_filter = [StatusFilter, "kind", ("due_at", admin.DateFieldListFilter)]
    search_fields = ["recipient__email", "recipient__full_name", "title", "last_error"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient"]
    date_hierarchy = "due_at"


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ReadOnlyModelAdmin):
    """Who has a calendar feed and since when; the secret token itself is never shown."""

    list_display = ["user", "created_at"]
    list_filter = [("created_at", admin.DateFieldListFilter)]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user"]
    fields = ["user", "created_at"]

    def lookup_allowed(self, lookup, value, request=None):
        # The list takes a filter on any of the model's own fields from the address
        # (?token__startswith=…), and its count would give the token away.
        if lookup.split(LOOKUP_SEP)[0] == "token":
            return False
        return super().lookup_allowed(lookup, value, request)
