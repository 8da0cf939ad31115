from django.db import migrations
from django.db.models import TextField, Value
from django.db.models.functions import Cast

import peersupport.fields


def _convert(apps, convert) -> None:
    """Rewrite every note's stored text; the Cast reads the column as it is, without the
    field decrypting it."""
    notes = apps.get_model("supervision", "SupervisorNote").objects
    for pk, stored in notes.annotate(stored=Cast("text", TextField())).values_list("pk", "stored"):
        notes.filter(pk=pk).update(text=Value(convert(stored), output_field=TextField()))


def encrypt_notes(apps, schema_editor) -> None:
    _convert(apps, peersupport.fields.encrypt_text)


def decrypt_notes(apps, schema_editor) -> None:
    _convert(apps, peersupport.fields.decrypt_text)


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="supervisornote",
            name="text",
            field=peersupport.fields.EncryptedTextField(verbose_name="private note"),
        ),
        migrations.RunPython(encrypt_notes, decrypt_notes),
    ]
