import datetime as dt

import pytest
from django.urls import reverse

from peersupport.accounts.models import Membership, Role
from peersupport.audit.models import AuditAction, AuditEvent
from programmes import actions
from programmes.models import CourseTemplate, LeavingReason, Participant, ParticipantStatus
from tests.factories import MembershipFactory

from .participant_paths import participant_at

pytestmark = pytest.mark.django_db

LIST = reverse("programmes:participant_list")
CREATE = reverse("programmes:participant_create")


@pytest.fixture(autouse=True)
def _english_speaking_coordinator(coordinator):
    """The coordinator reads the pages in English, so messages are compared as written."""
    coordinator.language = "en"
    coordinator.save(update_fields=["language"])


def detail_url(participant):
    return reverse("programmes:participant_detail", args=[participant.pk])


def status_url(participant):
    return reverse("programmes:participant_status", args=[participant.pk])


def account_url(participant):
    return reverse("programmes:participant_account", args=[participant.pk])


def cohort_in(coordinator, region, name="Hösten 2027"):
    return actions.create_cohort(
        actor=coordinator,
        region=region,
        template=CourseTemplate.objects.get(is_default=True),
        name=name,
        venue="Folkets hus",
        capacity=16,
        start_date=dt.date(2027, 9, 6),
    )


# Region scoping and roles -------------------------------------------------------------------


def test_a_coordinator_of_another_region_never_sees_a_stockholm_participant(
    coordinator, other_coordinator, stockholm, skane, client_for
):
    """Skåne's coordinator gets 404 on a Stockholm record and does not find it in the list."""
    alva = participant_at(coordinator, stockholm, full_name="Alva Ek")
    bengt = participant_at(other_coordinator, skane, full_name="Bengt Berg")
    client = client_for(other_coordinator)

    listed = client.get(LIST)
    assert list(listed.context["page"]) == [bengt]
    assert "Alva Ek" not in listed.content.decode()
    assert client.get(detail_url(alva)).status_code == 404
    assert client.post(status_url(alva), {"to_status": "interviewed"}).status_code == 404
    assert client.post(account_url(alva)).status_code == 404
    alva.refresh_from_db()
    assert alva.status == ParticipantStatus.APPLICANT
    assert alva.user is None


def test_a_peer_supporter_is_refused_the_recruitment_pages(
    coordinator, peer_supporter, stockholm, client_for
):
    """A peer supporter gets 403 on every recruitment page, even for their own region."""
    alva = participant_at(coordinator, stockholm, full_name="Alva Ek")
    client = client_for(peer_supporter)
    for url in (LIST, CREATE, detail_url(alva)):
        assert client.get(url).status_code == 403
    assert client.post(status_url(alva), {"to_status": "interviewed"}).status_code == 403
    assert client.post(account_url(alva)).status_code == 403


def test_a_coordinator_cannot_register_an_applicant_in_another_region(
    coordinator, skane, client_for
):
    """The region list holds only the coordinator's regions; another region is refused."""
    response = client_for(coordinator).post(
        CREATE,
        {
            "full_name": "Cilla Cedar",
            "email": "cilla@example.org",
            "region": skane.pk,
            "language": "sv",
            "lived_experience_declared": "on",
            "consent_method": "paper",
        },
    )
    assert response.status_code == 200
    assert "region" in response.context["form"].errors
    assert not Participant.objects.exists()


# The list, its filters and the funnel -------------------------------------------------------


def test_the_list_filters_by_status_cohort_and_search(coordinator, stockholm, client_for):
    """Status, cohort and a search on name or e-mail each narrow the list."""
    alva = participant_at(coordinator, stockholm, "accepted", full_name="Alva Ek")
    bo = participant_at(coordinator, stockholm, "accepted", full_name="Bo Lind")
    cilla = participant_at(
        coordinator, stockholm, full_name="Cilla Cedar", email="cilla@kommun.example"
    )
    cohort = cohort_in(coordinator, stockholm)
    actions.enrol(actor=coordinator, cohort=cohort, participant=alva)
    client = client_for(coordinator)

    def listed(**params):
        return list(client.get(LIST, params).context["page"])

    assert listed() == [alva, bo, cilla]
    assert listed(status="accepted") == [bo]
    assert listed(status="trainee") == [alva]
    assert listed(cohort=cohort.pk) == [alva]
    assert listed(q="lind") == [bo]
    assert listed(q="KOMMUN") == [cilla]
    assert listed(q="nobody") == []


def test_the_region_filter_offers_only_the_coordinators_regions(
    coordinator, other_coordinator, stockholm, skane, client_for
):
    """A coordinator of two regions can narrow the list to one; a region they do not
    coordinate is refused and shows nothing of it."""
    alva = participant_at(coordinator, stockholm, full_name="Alva Ek")
    bengt = participant_at(other_coordinator, skane, full_name="Bengt Berg")
    client = client_for(coordinator)

    refused = client.get(LIST, {"region": skane.pk})
    assert "region" in refused.context["form"].errors
    assert list(refused.context["page"]) == [alva]

    MembershipFactory(user=coordinator, role=Role.COORDINATOR, region=skane)
    assert list(client.get(LIST).context["page"]) == [alva, bengt]
    assert list(client.get(LIST, {"region": skane.pk}).context["page"]) == [bengt]


def test_the_funnel_counts_every_status_in_path_order(
    coordinator, other_coordinator, stockholm, skane, client_for
):
    """Every status is counted, zeros included, in path order; the counts cover the chosen
    region but not the status filter, and never another region's people."""
    participant_at(coordinator, stockholm, full_name="Alva Ek")
    participant_at(coordinator, stockholm, full_name="Bo Lind")
    participant_at(coordinator, stockholm, "interviewed", full_name="Cilla Cedar")
    participant_at(coordinator, stockholm, "certified", full_name="Dan Dahl")
    participant_at(coordinator, stockholm, "declined", full_name="Eva Ek")
    participant_at(other_coordinator, skane, "certified", full_name="Bengt Berg")
    client = client_for(coordinator)

    response = client.get(LIST, {"status": "applicant"})
    funnel = [(step["status"], step["count"]) for step in response.context["funnel"]]
    assert funnel == [
        ("applicant", 2),
        ("interviewed", 1),
        ("accepted", 0),
        ("declined", 1),
        ("trainee", 0),
        ("certified", 1),
        ("placed", 0),
        ("alumni", 0),
        ("left", 0),
    ]
    assert len(response.context["page"]) == 2

    MembershipFactory(user=coordinator, role=Role.COORDINATOR, region=skane)
    in_skane = client.get(LIST, {"region": skane.pk}).context["funnel"]
    assert {step["status"]: step["count"] for step in in_skane}["certified"] == 1
    assert sum(step["count"] for step in in_skane) == 1


@pytest.mark.parametrize("rows", [1, 50])
def test_participant_list_query_count_is_constant(
    rows, coordinator, stockholm, client_for, django_assert_num_queries
):
    """The participant list costs the same number of queries for 1 and 50 participants."""
    cohort = cohort_in(coordinator, stockholm)
    for number in range(rows):
        participant = participant_at(
            coordinator, stockholm, "accepted", full_name=f"Person {number:02d}"
        )
        actions.enrol(actor=coordinator, cohort=cohort, participant=participant)
    client = client_for(coordinator)
    client.get(reverse("home"))
    # session, user, memberships, MFA check, region and cohort (each validated, then
    # listed as options), funnel, count, page
    with django_assert_num_queries(11):
        response = client.get(LIST, {"cohort": cohort.pk, "region": stockholm.pk})
    assert response.context["page"].paginator.count == rows


# Registering ---------------------------------------------------------------------------------


def test_registering_an_applicant_records_the_first_step(coordinator, stockholm, client_for):
    """A registered applicant is in the coordinator's region, with a dated, signed first step."""
    response = client_for(coordinator).post(
        CREATE,
        {
            "full_name": "Alva Ek",
            "email": "Alva@Example.org",
            "phone": "070-000 00 00",
            "region": stockholm.pk,
            "language": "en",
            "lived_experience_declared": "on",
            "consent_method": "paper",
        },
    )
    alva = Participant.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(alva)
    assert (alva.region, alva.email, alva.language) == (stockholm, "alva@example.org", "en")
    assert alva.lived_experience_declared
    assert list(alva.status_changes.values_list("to_status", "changed_by")) == [
        ("applicant", coordinator.pk)
    ]


def test_registering_without_the_self_declaration_is_refused(coordinator, stockholm, client_for):
    """Without the self-declared lived experience nobody is registered; what was typed stays."""
    response = client_for(coordinator).post(
        CREATE,
        {
            "full_name": "Alva Ek",
            "email": "alva@example.org",
            "region": stockholm.pk,
            "language": "sv",
        },
    )
    assert response.status_code == 200
    [error] = response.context["form"].errors["lived_experience_declared"]
    assert "declare own lived experience" in error
    assert not Participant.objects.exists()
    page = response.content.decode()
    assert 'value="Alva Ek"' in page
    assert "self-declared" in page


def test_the_registration_form_asks_for_no_diagnosis(coordinator, client_for):
    """The form has a self-declaration checkbox and no field for a diagnosis."""
    form = client_for(coordinator).get(CREATE).context["form"]
    assert "lived_experience_declared" in form.fields
    assert not any("diagnos" in name for name in form.fields)


def test_the_same_email_twice_in_a_region_is_refused_next_to_the_field(
    coordinator, stockholm, client_for
):
    """A second registration with the same e-mail shows the action's message on the field."""
    participant_at(coordinator, stockholm, full_name="Alva Ek", email="alva@example.org")
    response = client_for(coordinator).post(
        CREATE,
        {
            "full_name": "Alva Ek",
            "email": "alva@example.org",
            "region": stockholm.pk,
            "language": "sv",
            "lived_experience_declared": "on",
            "consent_method": "paper",
        },
    )
    assert response.status_code == 200
    assert "already registered" in response.context["form"].errors["email"][0]
    assert Participant.objects.count() == 1


# The record ----------------------------------------------------------------------------------


def test_the_record_shows_history_cohorts_certificates_and_events(
    coordinator, stockholm, client_for
):
    """The record lists the dated steps with who took them and why, the cohorts, the
    certificates and the events attended and invited to; the read is audited."""
    alva = participant_at(coordinator, stockholm, "accepted", full_name="Alva Ek")
    cohort = cohort_in(coordinator, stockholm)
    enrolment = actions.enrol(actor=coordinator, cohort=cohort, participant=alva)
    for session in cohort.sessions.all():
        actions.record_attendance(
            actor=coordinator, session=session, enrolment=enrolment, status="present"
        )
    [certificate] = actions.certify(actor=coordinator, cohort=cohort, enrolments=[enrolment])
    came = actions.create_event(
        actor=coordinator,
        region=stockholm,
        kind="reunion",
        title="Återträff våren",
        starts_at=dt.datetime(2028, 3, 1, 13, tzinfo=dt.UTC),
        ends_at=dt.datetime(2028, 3, 1, 16, tzinfo=dt.UTC),
    )
    missed = actions.create_event(
        actor=coordinator,
        region=stockholm,
        kind="continuing_education",
        title="Fortbildning om gränser",
        starts_at=dt.datetime(2028, 4, 1, 8, tzinfo=dt.UTC),
        ends_at=dt.datetime(2028, 4, 1, 15, tzinfo=dt.UTC),
    )
    for event in (came, missed):
        actions.invite_alumni(actor=coordinator, event=event)
    actions.record_event_attendance(
        actor=coordinator, invitation=came.invitations.get(), attended=True
    )
    actions.change_status(
        actor=coordinator,
        participant=alva,
        to_status="left",
        reason="Flyttar utomlands",
        reason_category=LeavingReason.PERSONAL,
    )

    response = client_for(coordinator).get(detail_url(alva))
    assert response.status_code == 200
    steps = [(c.to_status, c.changed_by, c.reason) for c in response.context["status_changes"]]
    assert steps == [
        ("applicant", coordinator, ""),
        ("interviewed", coordinator, ""),
        ("accepted", coordinator, ""),
        ("trainee", coordinator, ""),
        ("certified", coordinator, ""),
        ("left", coordinator, "Flyttar utomlands"),
    ]
    page = response.content.decode()
    assert "Flyttar utomlands" in page
    assert str(LeavingReason.PERSONAL.label) in page
    assert coordinator.full_name in page
    assert reverse("programmes:cohort_detail", args=[cohort.pk]) in page
    assert reverse("programmes:certificate_pdf", args=[certificate.pk]) in page
    assert [i.event for i in response.context["events_attended"]] == [came]
    assert [i.event for i in response.context["events_invited"]] == [missed]
    read = AuditEvent.objects.get(action=AuditAction.READ)
    assert (read.actor, read.object_id) == (coordinator, str(alva.pk))


@pytest.mark.english
def test_a_step_taken_by_the_system_shows_as_the_system(coordinator, stockholm, client_for):
    """A status change with no person behind it (an agreed placement places the participant)
    reads "The system" in the history instead of failing the page."""
    alva = participant_at(coordinator, stockholm, "certified", full_name="Alva Ek")
    actions.change_status(actor=None, participant=alva, to_status="placed")

    response = client_for(coordinator).get(detail_url(alva))

    assert response.status_code == 200
    assert "The system" in response.content.decode()


# Status changes ------------------------------------------------------------------------------


def test_only_the_open_next_steps_are_offered(coordinator, stockholm, client_for):
    """From applicant the form offers interviewed, declined and left, nothing else."""
    alva = participant_at(coordinator, stockholm, full_name="Alva Ek")
    form = client_for(coordinator).get(detail_url(alva)).context["status_form"]
    offered = [value for value, _label in form.fields["to_status"].widget.choices if value]
    assert offered == ["interviewed", "declined", "left"]


def test_a_status_change_is_recorded_and_confirmed(coordinator, stockholm, client_for):
    """A coordinator moves an applicant to interviewed; the step is dated and signed."""
    alva = participant_at(coordinator, stockholm, full_name="Alva Ek")
    client = client_for(coordinator)
    response = client.post(status_url(alva), {"to_status": "interviewed"}, follow=True)
    alva.refresh_from_db()
    assert alva.status == ParticipantStatus.INTERVIEWED
    assert alva.status_changes.last().changed_by == coordinator
    assert "Alva Ek is now interviewed." in [str(m) for m in response.context["messages"]]


def test_declining_without_a_reason_shows_the_message_next_to_the_field(
    coordinator, stockholm, client_for
):
    """Declining needs a reason: the page comes back with the message on the reason field
    and the chosen status still selected; nothing changes."""
    alva = participant_at(coordinator, stockholm, full_name="Alva Ek")
    response = client_for(coordinator).post(
        status_url(alva),
        {"to_status": "declined", "reason_category": "own_health", "reason": "   "},
    )
    assert response.status_code == 200
    form = response.context["status_form"]
    assert form.errors["reason"] == ["Give a reason when the path ends here."]
    page = response.content.decode()
    assert "Give a reason when the path ends here." in page
    assert '<option value="declined" selected>' in page
    alva.refresh_from_db()
    assert alva.status == ParticipantStatus.APPLICANT


@pytest.mark.english
def test_ending_a_path_without_a_kind_of_reason_is_refused_at_the_field(
    coordinator, stockholm, client_for
):
    """Leaving needs a kind of reason: the message stands at that field, the typed
    reason and the chosen status are kept, and nothing changes."""
    alva = participant_at(coordinator, stockholm, full_name="Alva Ek")
    response = client_for(coordinator).post(
        status_url(alva), {"to_status": "left", "reason_category": "", "reason": "Min text"}
    )
    assert response.status_code == 200
    form = response.context["status_form"]
    assert form.errors == {
        "reason_category": ["Choose the kind of reason when the path ends here."]
    }
    page = response.content.decode()
    assert "Min text</textarea>" in page
    assert '<option value="left" selected>' in page
    alva.refresh_from_db()
    assert alva.status == ParticipantStatus.APPLICANT


def test_a_path_ended_through_the_form_keeps_its_kind_of_reason(coordinator, stockholm, client_for):
    """The kind of reason chosen on the form is stored with the step that ends the path."""
    alva = participant_at(coordinator, stockholm, full_name="Alva Ek")
    client_for(coordinator).post(
        status_url(alva),
        {"to_status": "declined", "reason_category": "no_placement", "reason": "Ingen plats"},
    )
    change = alva.status_changes.last()
    assert (change.to_status, change.reason_category) == ("declined", "no_placement")


def test_a_typed_reason_is_kept_when_the_change_is_refused(coordinator, stockholm, client_for):
    """A refused change keeps the reason the coordinator typed."""
    alva = participant_at(coordinator, stockholm, full_name="Alva Ek")
    response = client_for(coordinator).post(
        status_url(alva), {"to_status": "certified", "reason": "Mitt långa resonemang"}
    )
    assert response.status_code == 200
    assert "Mitt långa resonemang</textarea>" in response.content.decode()


def test_an_invalid_transition_is_refused_with_a_message(coordinator, stockholm, client_for):
    """An applicant cannot jump to certified: the page says so and the status stays."""
    alva = participant_at(coordinator, stockholm, full_name="Alva Ek")
    response = client_for(coordinator).post(status_url(alva), {"to_status": "certified"})
    assert response.status_code == 200
    [error] = response.context["status_form"].errors["to_status"]
    assert error == "Alva Ek cannot go from Applicant to Certified."
    assert error in response.content.decode()
    alva.refresh_from_db()
    assert alva.status == ParticipantStatus.APPLICANT
    assert alva.status_changes.count() == 1


def test_a_status_that_does_not_exist_is_refused(coordinator, stockholm, client_for):
    """Made-up input gives a form error, never a server error."""
    alva = participant_at(coordinator, stockholm, full_name="Alva Ek")
    response = client_for(coordinator).post(status_url(alva), {"to_status": "emperor"})
    assert response.status_code == 200
    assert "to_status" in response.context["status_form"].errors


def test_status_change_is_post_only(coordinator, stockholm, client_for):
    alva = participant_at(coordinator, stockholm, full_name="Alva Ek")
    assert client_for(coordinator).get(status_url(alva)).status_code == 405


# Accounts ------------------------------------------------------------------------------------


def test_giving_an_account_invites_the_person_as_peer_supporter(coordinator, stockholm, client_for):
    """The participant is invited to log in as a peer supporter of their region; a second
    try says they already have an account."""
    alva = participant_at(coordinator, stockholm, "certified", full_name="Alva Ek")
    client = client_for(coordinator)

    response = client.post(account_url(alva), follow=True)
    alva.refresh_from_db()
    assert alva.user is not None
    assert Membership.objects.filter(
        user=alva.user, role=Role.PEER_SUPPORTER, region=stockholm
    ).exists()
    assert "Alva Ek is invited by e-mail to log in as a peer supporter." in [
        str(m) for m in response.context["messages"]
    ]

    again = client.post(account_url(alva), follow=True)
    assert [str(m) for m in again.context["messages"]] == ["Alva Ek already has an account."]
    assert [m.level_tag for m in again.context["messages"]] == ["error"]
