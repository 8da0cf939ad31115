"""Private notes are encrypted at rest: the database, and so any dump or backup of it, holds
no note text; its author still reads the note; keys rotate without losing a note."""

import datetime as dt
import io
import subprocess

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import TextField
from django.db.models.functions import Cast
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from peersupport.fields import field_encryption_keys_are_valid
from supervision import actions
from supervision.models import SupervisorNote
from tests.factories import certified_participant

from .state import supervision_group

NOTE = "Elias berättade om sömnproblemen och om konflikten med hyresvärden Qwzx."
# Distinctive fragments: any trace of the note in the dump would hold one of them.
FRAGMENTS = ["Elias berättade", "sömnproblemen", "hyresvärden", "Qwzx"]


@pytest.fixture
def session(coordinator, supervisor, stockholm, peer_supporter):
    elias = certified_participant(stockholm, peer_supporter)
    group = supervision_group(coordinator, supervisor, [elias])
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    return actions.plan_series(
        actor=coordinator,
        group=group,
        first_date=yesterday,
        until=yesterday,
        start_time=dt.time(13, 0),
        skip_holidays=False,
    )[0]


def stored_text(note: SupervisorNote) -> str:
    """The column as the database holds it, not decrypted by the field."""
    return (
        SupervisorNote.objects.annotate(stored=Cast("text", TextField()))
        .values_list("stored", flat=True)
        .get(pk=note.pk)
    )


def pg_dump() -> str:
    """A plain-SQL dump of the whole test database, as a backup would hold it."""
    settings = connection.settings_dict
    command = ["pg_dump", "--no-owner", "--dbname", settings["NAME"]]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings[key]:
            command += [option, str(settings[key])]
    environment = {"PGPASSWORD": settings["PASSWORD"] or ""}
    return subprocess.run(
        command, check=True, capture_output=True, env=environment, text=True
    ).stdout


@pytest.mark.django_db(transaction=True)
def test_a_dump_of_the_database_holds_no_note_text(supervisor, session, client_for):
    """A note saved on its page, then read there by its author (which writes the audit log),
    appears nowhere in a pg_dump of the database; the author's page still shows it."""
    client = client_for(supervisor, reauthenticated=True)
    url = reverse("supervision:session_note", args=[session.pk])
    client.post(url, {"text": NOTE})
    page = client.get(url).content.decode()

    dump = pg_dump()

    assert f"{NOTE}</textarea>" in page
    note = SupervisorNote.objects.get()
    assert stored_text(note) in dump
    for fragment in FRAGMENTS:
        assert fragment not in dump


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_the_notes_written_before_it(supervisor, session):
    """Migrating back leaves a note in plain text, as it was before encryption; migrating
    forward encrypts it, and the note reads the same."""
    note = actions.save_private_note(actor=supervisor, session=session, text=NOTE)
    executor = MigrationExecutor(connection)

    executor.migrate([("supervision", "0001_initial")])
    before = stored_text(note)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert before == NOTE
    assert NOTE not in stored_text(note)
    assert SupervisorNote.objects.get(pk=note.pk).text == NOTE


@pytest.mark.django_db
def test_the_column_holds_a_token_of_the_current_key(supervisor, session, settings):
    """What the column holds is a Fernet token that the first key decrypts to the note."""
    note = actions.save_private_note(actor=supervisor, session=session, text=NOTE)

    token = stored_text(note)

    assert NOTE not in token
    first_key = Fernet(settings.FIELD_ENCRYPTION_KEYS[0].encode())
    assert first_key.decrypt(token.encode()).decode() == NOTE
    assert SupervisorNote.objects.get().text == NOTE


@pytest.mark.django_db
def test_a_key_is_rotated_without_losing_a_note(supervisor, session):
    """Add the new key first, run the command, drop the old key: the note reads the same,
    and only the new key opens what is stored."""
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(FIELD_ENCRYPTION_KEYS=[old_key]):
        note = actions.save_private_note(actor=supervisor, session=session, text=NOTE)
    with override_settings(FIELD_ENCRYPTION_KEYS=[new_key, old_key]):
        call_command("rotate_field_encryption", stdout=io.StringIO())

    with override_settings(FIELD_ENCRYPTION_KEYS=[new_key]):
        assert SupervisorNote.objects.get(pk=note.pk).text == NOTE
        token = stored_text(note).encode()
    assert Fernet(new_key.encode()).decrypt(token).decode() == NOTE
    with pytest.raises(InvalidToken):
        Fernet(old_key.encode()).decrypt(token)


@pytest.mark.django_db
def test_the_database_is_never_asked_to_compare_note_text(supervisor, session):
    """A filter on the text would silently match nothing (each token is different), so it
    is refused outright; only 'has a note' can be asked."""
    actions.save_private_note(actor=supervisor, session=session, text=NOTE)

    for lookup in ("text", "text__contains", "text__icontains", "text__startswith"):
        with pytest.raises(FieldError):
            SupervisorNote.objects.filter(**{lookup: NOTE}).exists()
    assert SupervisorNote.objects.filter(text__isnull=False).count() == 1


def test_a_malformed_key_stops_the_system_at_start():
    """A key that is not a Fernet key is a system-check error, not unreadable notes later."""
    with override_settings(FIELD_ENCRYPTION_KEYS=[Fernet.generate_key().decode(), "secret"]):
        errors = field_encryption_keys_are_valid(None)

    assert [error.id for error in errors] == ["peersupport.E011"]
