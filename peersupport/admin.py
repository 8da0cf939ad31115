"""What every admin page shares, so the admin cannot go round the rules the app keeps.

- Every addition, change, deletion and bulk action made in the admin is written to the audit
  log (Django's own admin history is kept too), naming the fields changed, never their values.
- Reading a record about a person in the admin is audit-logged like reading it in the app.
- Domain records (a participant, a placement, a support session…) are read-only: they change
  only through the app's actions, which enforce the domain's rules and write the audit log.
- Configuration (regions, course templates, organisations…) stays editable, and its free text
  passes the same privacy guard as the app's forms.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.http import HttpRequest

from .audit.actions import record_event, record_reads
from .audit.models import AuditAction
from .forms import PrivacyGuardedFormMixin

VIA_ADMIN = {"via": "admin"}


def _fields_changed(message: Any) -> list[dict[str, Any]]:
    """The admin's change message without the objects' text: what was added, changed or
    deleted (the model's name) and which fields."""
    if not isinstance(message, list):
        return []
    changes = []
    for entry in message:
        for kind, about in entry.items():
            change = {"kind": kind}
            if "name" in about:
                change["model"] = str(about["name"])
            if "fields" in about:
                change["fields"] = [str(field) for field in about["fields"]]
            changes.append(change)
    return changes


class PrivacyGuardedModelForm(PrivacyGuardedFormMixin, forms.ModelForm):
    """An admin form whose free text passes the privacy guard, with the message at the field."""


class AuditedAdminMixin:
    """Writes every change made through this admin page to the audit log, and logs reads of
    records about a person.

    An admin whose saves already go through an action that writes the audit log sets
    ``audited_by_actions`` so each change is logged once."""

    audited_by_actions = False

    def _record(self, request: HttpRequest, action: AuditAction, obj, detail: dict) -> None:
        if not self.audited_by_actions:
            record_event(
                actor=request.user,
                action=action,
                obj=obj,
                request=request,
                detail={**VIA_ADMIN, **detail},
            )

    def log_addition(self, request, obj, message):
        self._record(request, AuditAction.CREATE, obj, {"changes": _fields_changed(message)})
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._record(request, AuditAction.UPDATE, obj, {"changes": _fields_changed(message)})
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            self._record(request, AuditAction.DELETE, obj, {})
        return super().log_deletions(request, queryset)

    def response_action(self, request, queryset):
        # Bulk actions other than deleting (which logs each deletion) change rows without
        # going through log_change: log which action ran on which rows.
        name = request.POST.get("action", "")
        selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
        response = super().response_action(request, queryset)
        if name and name != "delete_selected" and selected and not self.audited_by_actions:
            record_event(
                actor=request.user,
                action=AuditAction.UPDATE,
                request=request,
                detail={
                    **VIA_ADMIN,
                    "model": self.model._meta.label_lower,
                    "admin_action": name,
                    "ids": selected,
                },
            )
        return response

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None and hasattr(self.model, "data_subject"):
            record_reads(
                actor=request.user,
                records=changelist.result_list,
                request=request,
                detail=VIA_ADMIN,
            )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        original = getattr(response, "context_data", {}).get("original")
        if request.method == "GET" and original is not None and hasattr(self.model, "data_subject"):
            record_event(
                actor=request.user,
                action=AuditAction.READ,
                obj=original,
                request=request,
                detail=VIA_ADMIN,
            )
        return response


class AuditedModelAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Configuration edited in the admin: every change audit-logged, free text guarded."""

    form = PrivacyGuardedModelForm


class ReadOnlyAdminMixin:
    """A domain record: the admin shows it, but it is added, changed and deleted only through
    the app's actions."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyModelAdmin(ReadOnlyAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    """A domain record in the admin: read-only, reads of a person's records audit-logged."""


class JoinedRowsInline(admin.TabularInline):
    """An inline whose ``select_related`` joins what each row shows: its heading (the row's
    ``__str__``, which often names the parent) and its read-only links, so the parent's page
    costs the same queries for one row as for a hundred."""

    select_related: tuple[str, ...] = ()
    # Many-to-many fields each row's form shows (a filter_horizontal's chosen options).
    prefetch_related: tuple[str, ...] = ()

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        # An empty select_related() would join every foreign key.
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        return queryset.prefetch_related(*self.prefetch_related)


class ReadOnlyInline(ReadOnlyAdminMixin, JoinedRowsInline):
    """A domain record shown on its parent's admin page, read-only."""

    extra = 0


class AuditedInline(JoinedRowsInline):
    """Configuration edited on its parent's admin page (logged with the parent's change),
    free text guarded."""

    form = PrivacyGuardedModelForm
    extra = 0


def audit_every_admin(site: admin.AdminSite) -> None:
    """Give every admin page registered by a library (allauth's authenticators and e-mail
    addresses, Celery beat's schedules, Django's groups) the audit log too."""
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, AuditedAdminMixin):
            continue
        cls = type(model_admin)
        site.unregister(model)
        site.register(model, type(cls.__name__, (AuditedAdminMixin, cls), {}))
