"""The evaluation in the admin.

Studies, waves, invitations, answers, slips and exports change only through the app's
actions: read-only here. An instrument is imported in the app; here a draft version's
description and source may be corrected, and nothing of a published version changes.

What would reveal a respondent or let someone answer in their place stays out: an
invitation's link token and slip code, a study's pseudonym key, and the answers' values
and text in any list (nor can the list be filtered on them, which would reveal them one
query at a time). Files are downloaded only through the app, where it is audit-logged.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models.constants import LOOKUP_SEP
from django.utils.translation import gettext_lazy as _

from peersupport.admin import AuditedModelAdmin, ReadOnlyInline, ReadOnlyModelAdmin

from .models import (
    Answer,
    Instrument,
    InstrumentVersion,
    Invitation,
    Item,
    ResearchExport,
    ResponseScale,
    SlipBatch,
    Study,
    StudyInformation,
    Subscale,
    Wave,
    WaveInstrument,
)

# Instruments ------------------------------------------------------------------------------


class InstrumentVersionInline(ReadOnlyInline):
    model = InstrumentVersion
    fields = ["version", "created_at", "published_at", "imported_by"]
    select_related = ("instrument", "imported_by")
    readonly_fields = fields
    show_change_link = True


@admin.register(Instrument)
class InstrumentAdmin(ReadOnlyModelAdmin):
    list_display = ["key", "name_sv", "name_en", "shipped", "created_at"]
    list_filter = ["shipped"]
    search_fields = ["key", "name_sv", "name_en"]
    inlines = [InstrumentVersionInline]


class ScaleInline(ReadOnlyInline):
    model = ResponseScale
    fields = ["key", "min_value", "max_value", "anchors"]
    select_related = ("version__instrument",)


class SubscaleInline(ReadOnlyInline):
    model = Subscale
    fields = ["key", "name_sv", "method", "min_answered", "prorate", "position"]
    select_related = ("version__instrument",)


class ItemInline(ReadOnlyInline):
    model = Item
    fields = ["position", "page", "key", "kind", "text_sv", "scale", "subscale", "reverse"]
    select_related = (
        "version__instrument",
        "scale__version__instrument",
        "subscale__version__instrument",
    )


# A draft version's wording about the instrument; its items and scoring come from the
# imported document, which the app keeps together with the rows.
DRAFT_EDITABLE = ("description_sv", "description_en", "source")


@admin.register(InstrumentVersion)
class InstrumentVersionAdmin(AuditedModelAdmin):
    list_display = ["instrument", "version", "total_method", "published_at", "imported_by"]
    list_filter = ["instrument", ("published_at", admin.EmptyFieldListFilter)]
    search_fields = ["instrument__key", "instrument__name_sv", "source"]
    list_select_related = ["instrument", "imported_by"]
    fields = [
        "instrument",
        "version",
        "description_sv",
        "description_en",
        "source",
        "total_method",
        "total_min_answered",
        "total_prorate",
        "imported_by",
        "created_at",
        "published_at",
        "definition",
    ]
    inlines = [ScaleInline, SubscaleInline, ItemInline]

    def get_readonly_fields(self, request, obj=None):
        return [name for name in self.fields if name not in DRAFT_EDITABLE]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)


@admin.register(ResponseScale)
class ResponseScaleAdmin(ReadOnlyModelAdmin):
    list_display = ["key", "version", "min_value", "max_value"]
    list_filter = ["version__instrument"]
    search_fields = ["key", "version__instrument__key"]
    list_select_related = ["version__instrument"]


@admin.register(Subscale)
class SubscaleAdmin(ReadOnlyModelAdmin):
    list_display = ["key", "name_sv", "version", "method", "min_answered", "prorate"]
    list_filter = ["method", "prorate", "version__instrument"]
    search_fields = ["key", "name_sv", "name_en", "version__instrument__key"]
    list_select_related = ["version__instrument"]


@admin.register(Item)
class ItemAdmin(ReadOnlyModelAdmin):
    list_display = ["key", "version", "position", "page", "kind", "subscale", "reverse"]
    list_filter = ["kind", "reverse", "required", "version__instrument"]
    search_fields = ["key", "text_sv", "text_en", "version__instrument__key"]
    list_select_related = ["version__instrument", "subscale__version__instrument"]


# Studies and waves ------------------------------------------------------------------------


class StudyInformationInline(ReadOnlyInline):
    model = StudyInformation
    fields = ["version", "created_at", "published_at"]
    select_related = ("study",)
    readonly_fields = fields
    show_change_link = True


class WaveInline(ReadOnlyInline):
    model = Wave
    fields = ["name", "group", "anchor", "offset_months", "window_days", "closed_at"]
    select_related = ("study",)
    show_change_link = True


@admin.register(Study)
class StudyAdmin(ReadOnlyModelAdmin):
    list_display = ["name", "status", "allows_free_text", "created_by", "created_at"]
    list_filter = ["status", "allows_free_text", "regions"]
    search_fields = ["name", "description"]
    list_select_related = ["created_by"]
    # Never the pseudonym key: with it, anyone could re-identify an export's rows.
    fields = [
        "name",
        "description",
        "regions",
        "status",
        "allows_free_text",
        "created_by",
        "created_at",
    ]
    readonly_fields = ["created_at"]
    inlines = [StudyInformationInline, WaveInline]


@admin.register(StudyInformation)
class StudyInformationAdmin(ReadOnlyModelAdmin):
    list_display = ["study", "version", "created_at", "published_at"]
    list_filter = ["study", ("published_at", admin.EmptyFieldListFilter)]
    search_fields = ["study__name", "text_sv", "text_en"]
    list_select_related = ["study"]
    exclude = ["pdf_sv", "pdf_en"]


class WaveInstrumentInline(ReadOnlyInline):
    model = WaveInstrument
    fields = ["instrument_version", "position"]
    select_related = ("wave__study", "instrument_version__instrument")


@admin.register(Wave)
class WaveAdmin(ReadOnlyModelAdmin):
    list_display = [
        "name",
        "study",
        "group",
        "anchor",
        "offset_months",
        "window_days",
        "max_reminders",
        "closed_at",
    ]
    list_filter = ["group", "anchor", "study", ("closed_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "study__name"]
    list_select_related = ["study"]
    inlines = [WaveInstrumentInline]


@admin.register(WaveInstrument)
class WaveInstrumentAdmin(ReadOnlyModelAdmin):
    list_display = ["wave", "instrument_version", "position"]
    list_filter = ["wave__study", "instrument_version__instrument"]
    search_fields = ["wave__name", "wave__study__name", "instrument_version__instrument__key"]
    list_select_related = ["wave__study", "instrument_version__instrument"]


# Invitations and answers ------------------------------------------------------------------


@admin.register(SlipBatch)
class SlipBatchAdmin(ReadOnlyModelAdmin):
    list_display = ["wave", "workplace", "size", "created_by", "created_at"]
    list_filter = ["wave__study", "wave__group", "workplace__region"]
    search_fields = ["workplace__name", "wave__name", "wave__study__name"]
    list_select_related = ["wave__study", "workplace", "created_by"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyModelAdmin):
    """Without the link token and the slip code: either lets its reader answer in the
    respondent's place."""

    list_display = [
        "pk",
        "wave",
        "region",
        "respondent",
        "status",
        "opens_at",
        "closes_at",
        "completed_at",
    ]
    list_filter = [
        "status",
        "region",
        "wave__study",
        "wave__group",
        ("code_used_at", admin.EmptyFieldListFilter),
        "answers_deleted",
    ]
    search_fields = [
        "wave__name",
        "wave__study__name",
        "participant__full_name",
        "user__full_name",
        "workplace__name",
    ]
    list_select_related = ["wave__study", "region", "participant", "user", "workplace"]
    fields = [
        "wave",
        "region",
        "anchor_key",
        "participant",
        "user",
        "workplace",
        "placement",
        "slip_batch",
        "language",
        "status",
        "opens_at",
        "closes_at",
        "information",
        "consent_answered_at",
        "step",
        "code_used_at",
        "started_at",
        "completed_at",
        "withdrawn_at",
        "answers_deleted",
        "cancelled_reason",
        "created_at",
    ]
    readonly_fields = ["created_at"]

    @admin.display(description=_("respondent"))
    def respondent(self, invitation: Invitation):
        if invitation.participant_id:
            return invitation.participant
        if invitation.user_id:
            return invitation.user
        return _("Anonymous (%(workplace)s)") % {"workplace": invitation.workplace or "–"}

    def lookup_allowed(self, lookup, value, request=None):
        # A filter from the address on the token or code would confirm one letter at a time.
        if lookup.split(LOOKUP_SEP)[0] in {"token", "code"}:
            return False
        return super().lookup_allowed(lookup, value, request)


# What an answer says: never a list column, a search or a filter.
ANSWER_CONTENT = {"value", "text"}


@admin.register(Answer)
class AnswerAdmin(ReadOnlyModelAdmin):
    """The list shows that an item was answered, never what: the value and text are read
    on one answer's page, where the read is audit-logged."""

    list_display = ["invitation", "item", "answered_at"]
    list_filter = ["invitation__wave__study", "item__version__instrument", "answered_at"]
    search_fields = ["item__key", "invitation__wave__name", "invitation__wave__study__name"]
    list_select_related = [
        "invitation__wave__study",
        "invitation__participant",
        "invitation__user",
        "item__version__instrument",
    ]
    fields = ["invitation", "item", "value", "text", "answered_at"]

    def lookup_allowed(self, lookup, value, request=None):
        if lookup.split(LOOKUP_SEP)[0] in ANSWER_CONTENT:
            return False
        return super().lookup_allowed(lookup, value, request)


# Research exports -------------------------------------------------------------------------


@admin.register(ResearchExport)
class ResearchExportAdmin(ReadOnlyModelAdmin):
    list_display = [
        "study",
        "status",
        "requested_by",
        "requested_at",
        "finished_at",
        "respondent_count",
    ]
    list_filter = ["status", "study", "requested_at"]
    search_fields = ["study__name", "requested_by__full_name", "requested_by__email"]
    list_select_related = ["study", "requested_by"]
    exclude = ["long_csv", "wide_csv", "spss", "codebook"]
