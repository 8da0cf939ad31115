"""The admin keeps the supervisor's private notes private: it shows that a note exists,
never what it says, and cannot write one."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from supervision import actions
from supervision.models import SupervisorNote
from tests.factories import certified_participant

from .state import supervision_group

pytestmark = pytest.mark.django_db
SECRET = "Verkar tyngd av situationen hemma – ta upp nästa gång"


@pytest.fixture
def note(coordinator, supervisor, stockholm):
    group = supervision_group(coordinator, supervisor, [certified_participant(stockholm)])
    (session,) = actions.plan_series(
        actor=supervisor,
        group=group,
        first_date=timezone.localdate() + dt.timedelta(days=3),
        until=timezone.localdate() + dt.timedelta(days=3),
        start_time=dt.time(13, 0),
        skip_holidays=False,
    )
    return actions.save_private_note(actor=supervisor, session=session, text=SECRET)


def test_the_admin_never_shows_or_searches_a_private_notes_text(admin_user, client_for, note):
    """The list and the note's page show the session and the author only; a search for
    words of the note finds nothing (which would otherwise reveal it word by word)."""
    client = client_for(admin_user)
    changelist = reverse("admin:supervision_supervisornote_changelist")
    page = reverse("admin:supervision_supervisornote_change", args=[note.pk])

    listing = client.get(changelist).content.decode()
    detail = client.get(page).content.decode()
    search = client.get(changelist, {"q": "situationen"})

    assert str(note.session.group) in listing
    assert "Verkar tyngd" not in listing
    assert detail.count("Verkar tyngd") == 0
    assert note.author.full_name in detail
    assert search.context["cl"].result_count == 0


def test_the_admin_cannot_add_or_change_a_private_note(admin_user, client_for, note):
    """No add page, and posting to the note's page changes nothing."""
    client = client_for(admin_user)

    add = client.get(reverse("admin:supervision_supervisornote_add"))
    client.post(
        reverse("admin:supervision_supervisornote_change", args=[note.pk]),
        {"text": "Overwritten", "session": note.session_id, "author": note.author_id},
    )

    assert add.status_code == 403
    assert SupervisorNote.objects.get().text == SECRET


@pytest.mark.parametrize(
    "lookup", ["text__contains", "text__startswith", "text__regex", "text", "text__in"]
)
def test_the_admin_list_cannot_be_filtered_on_a_notes_text(admin_user, client_for, note, lookup):
    """A filter on the text typed into the address is refused (400), rather than telling
    through its count whether the note says something – a letter at a time."""
    response = client_for(admin_user).get(
        reverse("admin:supervision_supervisornote_changelist"), {lookup: "Verkar"}
    )

    assert response.status_code == 400
