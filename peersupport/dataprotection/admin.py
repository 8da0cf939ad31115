"""Consents in the admin: read-only, and a consent text is published through the action
(a new version; a published text is never edited)."""

from django import forms
from django.contrib import admin

from peersupport.admin import AuditedAdminMixin, ReadOnlyModelAdmin

from .actions import publish_consent_text
from .models import Consent, ConsentText
from .registry import registry


class ConsentTextForm(forms.ModelForm):
    """The next version of a purpose's text; the action numbers it."""

    purpose = forms.ChoiceField(choices=())

    class Meta:
        model = ConsentText
        fields = ["purpose", "text_sv", "text_en"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A published text is shown read-only, without the field.
        if "purpose" in self.fields:
            self.fields["purpose"].choices = [
                (key, entry.title) for key, entry in registry.consent_purposes.items()
            ]


@admin.register(ConsentText)
class ConsentTextAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audited_by_actions = True
    form = ConsentTextForm
    list_display = ["purpose", "version", "published_on"]
    list_filter = ["purpose"]
    readonly_fields = ["purpose", "version", "text_sv", "text_en", "published_on"]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def get_fields(self, request, obj=None):
        return self.readonly_fields if obj else ["purpose", "text_sv", "text_en"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        published = publish_consent_text(
            actor=request.user,
            purpose=form.cleaned_data["purpose"],
            text_sv=form.cleaned_data["text_sv"],
            text_en=form.cleaned_data["text_en"],
        )
        obj.pk, obj.version = published.pk, published.version
        obj._state.adding = False


@admin.register(Consent)
class ConsentAdmin(ReadOnlyModelAdmin):
    list_display = ["subject_kind", "subject_pk", "purpose", "given_on", "method", "withdrawn_at"]
    list_filter = ["purpose", "method", "region"]
    readonly_fields = [field.name for field in Consent._meta.fields]
