"""The supervisor's private note: only its author reads it, every read is audit-logged,
and its text never appears on any other page – not to the peer supporters, not to the
coordinator."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from peersupport.accounts.models import Membership, Role
from peersupport.audit.models import AuditAction, AuditEvent
from peersupport.privacy import validate_no_identifying_data
from supervision import actions
from supervision.models import AttendanceStatus, SupervisorNote
from tests.factories import MembershipFactory, certified_participant

from .state import supervision_group

pytestmark = pytest.mark.django_db
NOTE = "Elias verkade trött i dag; fråga hur det går med sömnen."


@pytest.fixture
def elias(stockholm, peer_supporter):
    return certified_participant(stockholm, peer_supporter)


@pytest.fixture
def session(coordinator, supervisor, elias):
    """Yesterday's session of a group led by the supervisor, with Elias expected."""
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


@pytest.fixture
def note(supervisor, session):
    return actions.save_private_note(actor=supervisor, session=session, text=NOTE)


def note_reads():
    return AuditEvent.objects.filter(
        action=AuditAction.READ, object_type=SupervisorNote._meta.label_lower
    )


def note_url(session):
    return reverse("supervision:session_note", args=[session.pk])


def html_of(response) -> str:
    return response.content.decode()


def test_supervisor_reads_their_note_in_the_form(supervisor, session, note, client_for):
    """The note page shows the saved text in the note field, and is never cached."""
    response = client_for(supervisor, reauthenticated=True).get(note_url(session))

    assert response.status_code == 200
    assert response.context["form"]["text"].value() == NOTE
    assert f"{NOTE}</textarea>" in html_of(response)
    assert 'id="id_text"' in html_of(response)
    assert "no-store" in response["Cache-Control"]


def test_every_read_of_a_note_is_audit_logged(supervisor, session, note, client_for):
    """Each time the note is shown, one READ event names the reader and the note."""
    client = client_for(supervisor, reauthenticated=True)

    client.get(note_url(session))
    client.get(note_url(session))

    reads = list(note_reads())
    assert len(reads) == 2
    assert {(e.actor, e.object_id, e.path) for e in reads} == {
        (supervisor, str(note.pk), note_url(session))
    }
    assert all(NOTE not in e.object_repr and NOTE not in str(e.detail) for e in reads)


def test_a_note_read_is_filed_under_the_groups_region(supervisor, session, note, client_for):
    """The read names the session's region, so the region's log auditor follows it up."""
    client_for(supervisor, reauthenticated=True).get(note_url(session))

    assert [event.region_id for event in note_reads()] == [session.group.region_id]


def test_an_empty_note_page_logs_no_read(supervisor, session, client_for):
    """With no note saved there is nothing to read, so nothing is logged."""
    response = client_for(supervisor, reauthenticated=True).get(note_url(session))

    assert response.status_code == 200
    assert response.context["form"]["text"].value() == ""
    assert not note_reads().exists()


def test_supervisor_saves_a_note_and_returns_to_the_session(supervisor, session, client_for):
    """Saving stores the note and goes back to the session page, which does not show it."""
    response = client_for(supervisor, reauthenticated=True).post(
        note_url(session), {"text": NOTE}, follow=True
    )

    assert response.redirect_chain == [
        (reverse("supervision:session_detail", args=[session.pk]), 302)
    ]
    assert SupervisorNote.objects.get(session=session, author=supervisor).text == NOTE
    assert [str(m) for m in response.context["messages"]] == [gettext("Your note is saved.")]
    assert NOTE not in html_of(response)
    assert not note_reads().exists()


def test_saving_an_empty_note_deletes_it(supervisor, session, note, client_for):
    """An emptied note is deleted."""
    response = client_for(supervisor, reauthenticated=True).post(
        note_url(session), {"text": "  "}, follow=True
    )

    assert not SupervisorNote.objects.exists()
    assert [str(m) for m in response.context["messages"]] == [gettext("Your note is deleted.")]


def test_identifying_text_in_a_note_is_refused_and_kept_in_the_field(
    supervisor, session, note, client_for
):
    """A phone number is refused next to the field; the typed text stays, the saved note
    is unchanged, and showing the typed text is not a read of the note."""
    typed = "Ring Elias på 070-123 45 67 om sömnen."
    with pytest.raises(ValidationError) as refused:
        validate_no_identifying_data(typed)

    response = client_for(supervisor, reauthenticated=True).post(note_url(session), {"text": typed})

    assert response.status_code == 200
    assert response.context["form"].errors["text"] == refused.value.messages
    assert f"{typed}</textarea>" in html_of(response)
    assert SupervisorNote.objects.get().text == NOTE
    assert not note_reads().exists()


def test_only_the_supervisor_gets_a_link_to_the_note(
    supervisor, coordinator, elias, session, note, client_for
):
    """The session page links the supervisor to "Private note"; the coordinator and the
    peer supporter get no link. Nobody reads the note text there."""
    url = reverse("supervision:session_detail", args=[session.pk])

    own = html_of(client_for(supervisor, reauthenticated=True).get(url))
    coordinators = html_of(client_for(coordinator, reauthenticated=True).get(url))
    peers = html_of(client_for(elias.user, reauthenticated=True).get(url))

    assert note_url(session) in own
    assert gettext("Private note") in own
    assert note_url(session) not in coordinators
    assert note_url(session) not in peers
    for html in (own, coordinators, peers):
        assert NOTE not in html
    assert not note_reads().exists()


def test_coordinator_and_peer_supporter_are_refused_the_note(
    coordinator, elias, session, note, client_for
):
    """The region's coordinator and the member get 403 and never the text; nothing is
    logged as read."""
    for user in (coordinator, elias.user):
        for response in (
            client_for(user, reauthenticated=True).get(note_url(session)),
            client_for(user, reauthenticated=True).post(
                note_url(session), {"text": "Skrivet av någon annan"}
            ),
        ):
            assert response.status_code == 403
            assert NOTE not in html_of(response)
    assert SupervisorNote.objects.get().text == NOTE
    assert not note_reads().exists()


def test_another_supervisor_gets_404(coordinator, other_supervisor, session, note, client_for):
    """Another supervisor of the region cannot tell the note exists, nor write one."""
    actions.register_supervisor(
        actor=coordinator, user=other_supervisor, region=session.group.region
    )
    client = client_for(other_supervisor, reauthenticated=True)

    assert client.get(note_url(session)).status_code == 404
    assert client.post(note_url(session), {"text": "Min anteckning"}).status_code == 404
    assert SupervisorNote.objects.get().author_id == session.group.supervisor.user_id
    assert not note_reads().exists()


def test_a_supervisor_whose_role_in_the_region_ended_no_longer_reads_their_note(
    supervisor, session, note, skane, client_for
):
    """A note is its author's only while they supervise the group: once their supervisor
    role in the region has ended (they supervise in Skåne now), the note page is 404 and
    no read is logged, though the group still names them."""
    Membership.objects.filter(user=supervisor, role=Role.SUPERVISOR).delete()
    MembershipFactory(user=supervisor, role=Role.SUPERVISOR, region=skane)
    client = client_for(supervisor, reauthenticated=True)

    assert client.get(note_url(session)).status_code == 404
    assert client.post(note_url(session), {"text": "Ny text"}).status_code == 404
    assert SupervisorNote.objects.get().text == NOTE
    assert not note_reads().exists()


def test_peer_supporter_never_sees_the_note_text_anywhere(
    supervisor, elias, session, note, client_for
):
    """Session page, "My supervision", the confirmation page and the home page: the note's
    text is on none of them, also after attendance is recorded and confirmed."""
    actions.record_attendance(
        actor=supervisor, session=session, statuses={elias.pk: (AttendanceStatus.PRESENT, "")}
    )
    client = client_for(elias.user, reauthenticated=True)

    pages = [
        reverse("supervision:session_detail", args=[session.pk]),
        reverse("supervision:session_list"),
        reverse("supervision:session_confirm", args=[session.pk]),
        reverse("home"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert NOTE not in html_of(response), url


def test_coordinator_never_sees_the_note_text_anywhere(coordinator, session, note, client_for):
    """The coordinator's session page, session list and home page leave the note out."""
    client = client_for(coordinator, reauthenticated=True)

    for url in [
        reverse("supervision:session_detail", args=[session.pk]),
        reverse("supervision:session_list"),
        reverse("home"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert NOTE not in html_of(response), url


def test_the_supervisors_own_pages_show_the_note_only_on_the_note_page(
    supervisor, session, note, client_for
):
    """Even the author reads the note only on its own, audited, page."""
    client = client_for(supervisor, reauthenticated=True)

    for url in [
        reverse("supervision:supervisor_home"),
        reverse("supervision:session_list"),
        reverse("supervision:session_detail", args=[session.pk]),
        reverse("home"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert NOTE not in html_of(response), url
    assert not note_reads().exists()
