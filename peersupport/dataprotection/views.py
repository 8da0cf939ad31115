"""The legal-basis register, for admins and the data protection officer working with them;
a person's own consents, which they can withdraw as easily as they gave them (art. 7.3)."""

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .actions import withdraw_consent
from .models import Consent, ConsentMethod, ConsentText
from .permissions import admin_required
from .registry import registry, subject_for_user


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


def _own_consents(user):
    return Consent.objects.of_subject(subject_for_user(user))


def my_consents(request):
    """The consents the logged-in person has given, with the text they were shown."""
    consents = _own_consents(request.user).select_related("text").order_by("-given_on", "-pk")
    return render(request, "dataprotection/my_consents.html", {"consents": consents})


@require_POST
def my_consent_withdraw(request, pk: int):
    """The person withdraws their own consent in the app; what depended on it goes at once."""
    consent = get_object_or_404(_own_consents(request.user).valid(), pk=pk)
    try:
        withdraw_consent(
            actor=request.user, consent=consent, method=ConsentMethod.DIGITAL, request=request
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Your consent is withdrawn, and what depended on it is removed.")
        )
    return redirect("dataprotection:my_consents")
