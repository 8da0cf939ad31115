from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from peersupport.admin import AuditedAdminMixin
from peersupport.dataprotection.registry import registry

from . import actions
from .models import RetentionSetting


class RetentionSettingForm(forms.ModelForm):
    rule = forms.ChoiceField(label=_("kind of record"))

    class Meta:
        model = RetentionSetting
        fields = ["rule", "region", "months"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [
            (
                rule.key,
                _("%(title)s (default %(months)s months)")
                % {"title": rule.title, "months": rule.default_months},
            )
            for rule in actions.period_rules()
        ]


@admin.register(RetentionSetting)
class RetentionSettingAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Where a region, or the whole country, keeps a kind of record longer or shorter than
    its default. Changes go through the actions, so they are audit-logged."""

    audited_by_actions = True

    form = RetentionSettingForm
    list_display = ["rule_title", "region", "months", "changed_at", "changed_by"]
    list_filter = ["rule", "region"]
    search_fields = ["rule", "region__name"]
    list_select_related = ["region", "changed_by"]
    readonly_fields = ["changed_at", "changed_by"]

    @admin.display(description=_("kind of record"), ordering="rule")
    def rule_title(self, setting: RetentionSetting) -> str:
        return setting.rule_title

    def changelist_view(self, request, extra_context=None):
        followers = [rule for rule in registry.retention_rules.values() if rule.follows]
        rules = [
            {"rule": rule, "followers": [f for f in followers if f.follows == rule.key]}
            for rule in actions.period_rules()
        ]
        return super().changelist_view(
            request, extra_context={**(extra_context or {}), "retention_rules": rules}
        )

    def save_model(self, request, obj, form, change):
        actions.save_retention_setting(actor=request.user, setting=obj)

    def delete_model(self, request, obj):
        actions.delete_retention_setting(actor=request.user, setting=obj)

    def delete_queryset(self, request, queryset):
        for setting in queryset:
            actions.delete_retention_setting(actor=request.user, setting=setting)
