from django.contrib import admin

from peersupport.admin import JoinedRowsInline

from .models import Message, MessageRecipient


class MessageRecipientInline(JoinedRowsInline):
    """Who a message went to: a record of what was sent, shown, not edited (a raw-id
    widget would look each recipient up on its own)."""

    model = MessageRecipient
    extra = 0
    readonly_fields = ["user", "read_at"]
    select_related = ("message", "user")


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["subject", "author", "audience", "group_name", "region", "created_at"]
    list_filter = ["audience", "region", "created_at"]
    search_fields = ["subject", "group_name", "author__email", "author__full_name"]
    raw_id_fields = ["author"]
    list_select_related = ["author", "region"]
    date_hierarchy = "created_at"
    inlines = [MessageRecipientInline]


@admin.register(MessageRecipient)
class MessageRecipientAdmin(admin.ModelAdmin):
    list_display = ["message", "user", "email", "language", "read_at"]
    list_filter = ["language", "read_at"]
    search_fields = ["message__subject", "user__email", "user__full_name", "email", "name"]
    raw_id_fields = ["message", "user"]
    list_select_related = ["message", "user"]
