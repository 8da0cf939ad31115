"""Re-encrypt every encrypted text field with the first key of FIELD_ENCRYPTION_KEYS.

Rotation (README, "Encryption at rest"): put the new key first in FIELD_ENCRYPTION_KEYS and
keep the old ones after it, restart, run this command, then drop the old keys.
"""

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import TextField, Value
from django.db.models.functions import Cast

from peersupport.fields import encrypted_fields, rotate_token

BATCH = 500


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field with the first key of FIELD_ENCRYPTION_KEYS."

    def add_arguments(self, parser):
        parser.add_argument(
            "--add-key",
            action="store_true",
            help="Change nothing; print a value for FIELD_ENCRYPTION_KEYS with a new key "
            "first and the keys in use after it.",
        )

    def handle(self, *args, add_key: bool = False, **options):
        if add_key:
            keys = [Fernet.generate_key().decode(), *settings.FIELD_ENCRYPTION_KEYS]
            self.stdout.write(",".join(keys))
            return
        for model, field in encrypted_fields():
            count = self._rotate(model, field)
            self.stdout.write(f"{model._meta.label}.{field.name}: {count} re-encrypted")

    def _rotate(self, model, field) -> int:
        """Batch by batch, each row locked while it is rewritten so a concurrent edit (already
        encrypted with the first key) is not overwritten with older text."""
        pks = list(
            model._base_manager.filter(**{f"{field.name}__isnull": False})
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        rewritten = 0
        for start in range(0, len(pks), BATCH):
            with transaction.atomic():
                rows = (
                    model._base_manager.select_for_update()
                    .filter(pk__in=pks[start : start + BATCH], **{f"{field.name}__isnull": False})
                    .annotate(stored=Cast(field.name, TextField()))
                    .values_list("pk", "stored")
                )
                for pk, stored in rows:
                    model._base_manager.filter(pk=pk).update(
                        **{field.name: Value(rotate_token(stored), output_field=TextField())}
                    )
                    rewritten += 1
        return rewritten
