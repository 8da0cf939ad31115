"""Participants who declared lived experience before consents were kept get a consent record
saying so ("recorded before the system kept consents"), dated the day they applied.

Registration has always required the applicant's own declaration, made to the coordinator,
so the declaration is kept rather than silently cleared; the record shows the coordinator
that the consent was not taken against a versioned text, and they can withdraw it or
record a new one from the participant's page.
"""

from django.db import migrations


def record_existing(apps, schema_editor):
    Participant = apps.get_model("programmes", "Participant")
    Consent = apps.get_model("dataprotection", "Consent")
    ConsentText = apps.get_model("dataprotection", "ConsentText")
    text = ConsentText.objects.filter(purpose="lived_experience").order_by("version").first()
    if text is None:
        return
    covered = set(
        Consent.objects.filter(
            subject_kind="programmes.participant",
            purpose="lived_experience",
            withdrawn_at__isnull=True,
        ).values_list("subject_pk", flat=True)
    )
    Consent.objects.bulk_create(
        Consent(
            subject_kind="programmes.participant",
            subject_pk=participant.pk,
            region_id=participant.region_id,
            purpose="lived_experience",
            text=text,
            given_on=participant.applied_on,
            method="before_system",
        )
        for participant in Participant.objects.filter(lived_experience_declared=True)
        if participant.pk not in covered
    )


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0002_default_course_template"),
        ("dataprotection", "0002_first_consent_texts"),
    ]

    operations = [migrations.RunPython(record_existing, migrations.RunPython.noop)]
