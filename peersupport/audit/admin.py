from django.contrib import admin

from peersupport.admin import ReadOnlyModelAdmin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyModelAdmin):
    list_display = ["at", "actor_email", "action", "object_type", "object_repr", "ip_address"]
    list_filter = ["action", "object_type", ("at", admin.DateFieldListFilter)]
    search_fields = ["actor_email", "object_repr", "object_id", "ip_address", "path"]
    date_hierarchy = "at"
    list_select_related = False
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
