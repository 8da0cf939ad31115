"""Accounts, regions and role memberships are configuration: edited here, every change
audit-logged, names and free text guarded."""

from django.contrib import admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from peersupport.admin import AuditedAdminMixin, AuditedInline, AuditedModelAdmin
from peersupport.forms import PrivacyGuardedFormMixin

from .models import Membership, Region, User


class UserChangeForm(PrivacyGuardedFormMixin, auth_forms.UserChangeForm):
    identifying_fields_allowed = ("email",)
    person_name_fields = ("full_name",)


class UserCreationForm(PrivacyGuardedFormMixin, auth_forms.AdminUserCreationForm):
    identifying_fields_allowed = ("email", "password1", "password2")
    person_name_fields = ("full_name",)


class MembershipInline(AuditedInline):
    model = Membership
    fk_name = "user"
    select_related = ("user", "region", "created_by")
    autocomplete_fields = ["region"]
    readonly_fields = ["created_at", "created_by"]


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "language", "is_active", "is_staff", "last_login"]
    list_filter = [
        "is_active",
        "is_staff",
        "is_superuser",
        "language",
        "memberships__role",
        "memberships__region",
    ]
    search_fields = ["email", "full_name"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "language"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})
    ]


@admin.register(Region)
class RegionAdmin(AuditedModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(Membership)
class MembershipAdmin(AuditedModelAdmin):
    list_display = ["user", "role", "region", "created_at", "created_by"]
    list_filter = ["role", "region"]
    search_fields = ["user__email", "user__full_name", "region__name"]
    list_select_related = ["user", "region", "created_by"]
    autocomplete_fields = ["user", "region"]
    readonly_fields = ["created_at", "created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
