"""The legal-basis register, for admins and the data protection officer working with them."""

from django.apps import apps
from django.shortcuts import render

from .models import ConsentText
from .permissions import admin_required
from .registry import registry


def _record_kinds(labels: tuple[str, ...]) -> list[str]:
    return [str(apps.get_model(label)._meta.verbose_name_plural) for label in labels]


@admin_required
def legal_basis(request):
    """Every kind of personal record the apps registered, with its legal basis."""
    texts = {}
    for text in ConsentText.objects.order_by("purpose", "version"):
        texts[text.purpose] = text
    entries = [
        {
            "entry": entry,
            "anchor": entry.key.replace(".", "-"),
            "record_kinds": _record_kinds(entry.models),
            "consent": registry.consent_purposes.get(entry.consent_purpose),
            "consent_text": texts.get(entry.consent_purpose),
        }
        for entry in sorted(registry.legal_bases.values(), key=lambda entry: entry.key)
    ]
    return render(request, "dataprotection/legal_basis.html", {"entries": entries})
