"""The coordinator's cohort pages: list, create, edit, schedule, enrolment, certify, close."""

import datetime as dt

import pytest
from django.urls import reverse

from programmes import actions
from programmes.models import (
    Certificate,
    Cohort,
    CohortStatus,
    CourseTemplate,
    EnrolmentStatus,
    ParticipantStatus,
    TemplateDay,
)
from tests.programmes.course_state import accepted_applicant, default_cohort, fill_attendance

pytestmark = [pytest.mark.django_db, pytest.mark.english]

START = dt.date(2027, 9, 6)  # a Monday; no public holiday in the five weeks after


def enrol_new(coordinator, cohort, name):
    participant = accepted_applicant(coordinator, cohort.region, name)
    return actions.enrol(actor=coordinator, cohort=cohort, participant=participant)


def detail_url(cohort):
    return reverse("programmes:cohort_detail", kwargs={"pk": cohort.pk})


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def cohort(coordinator, stockholm):
    return default_cohort(coordinator, stockholm, START, name="Höst 2027")


# List -------------------------------------------------------------------------------------


@pytest.mark.swedish
def test_cohort_list_shows_own_regions_cohorts_with_places_and_waiting(
    coordinator, other_coordinator, stockholm, skane, client_for
):
    """The list shows the coordinator's cohorts with enrolled/capacity and the waiting
    count, and nothing of another region's."""
    small = actions.create_cohort(
        actor=coordinator,
        region=stockholm,
        template=CourseTemplate.objects.get(is_default=True),
        name="Liten grupp",
        venue="Rum 3",
        capacity=1,
        start_date=START,
    )
    enrol_new(coordinator, small, "Ada Först")
    enrol_new(coordinator, small, "Bo Sedan")
    default_cohort(other_coordinator, skane, START, name="Skånes kurs")

    response = client_for(coordinator).get(reverse("programmes:cohort_list"))

    assert response.status_code == 200
    (listed,) = response.context["page"]
    assert listed == small
    assert (listed.enrolled_count, listed.waiting_count) == (1, 1)
    content = response.content.decode()
    assert "Skånes kurs" not in content
    assert "6 september 2027" in content


@pytest.mark.parametrize("rows", [1, 50])
def test_cohort_list_query_count_is_constant(
    rows, coordinator, stockholm, client_for, django_assert_num_queries
):
    """The cohort list costs the same queries for 1 and for 50 cohorts and trainees."""
    first = default_cohort(coordinator, stockholm, START, name="Kurs 0")
    # The other cohorts run a one-day course, which is quicker to set up.
    one_day = CourseTemplate.objects.create(name="Endagskurs")
    TemplateDay.objects.create(template=one_day, number=1, week=0, weekday=0)
    for number in range(1, rows):
        actions.create_cohort(
            actor=coordinator,
            region=stockholm,
            template=one_day,
            name=f"Kurs {number}",
            venue="Rum",
            capacity=16,
            start_date=START + dt.timedelta(weeks=number),
        )
    for number in range(rows):
        enrol_new(coordinator, first, f"Deltagare {number}")
    client = client_for(coordinator)
    client.get(reverse("home"))
    # session, user, memberships, MFA check, count, page of cohorts with their counts
    with django_assert_num_queries(6):
        response = client.get(reverse("programmes:cohort_list"))
    assert response.context["page"].paginator.count == rows


# Create, edit, schedule -------------------------------------------------------------------


def test_create_form_preselects_the_default_template_and_offers_own_regions(
    coordinator, stockholm, skane, client_for
):
    """The form offers only the coordinator's regions and preselects NSPH's template."""
    response = client_for(coordinator).get(reverse("programmes:cohort_create"))
    form = response.context["form"]
    assert list(form.fields["region"].queryset) == [stockholm]
    assert form["template"].value() == CourseTemplate.objects.get(is_default=True).pk


@pytest.mark.swedish
def test_coordinator_creates_a_cohort_with_its_schedule(coordinator, stockholm, client_for):
    """Creating a cohort generates its 15 course days and opens the cohort page."""
    template = CourseTemplate.objects.get(is_default=True)
    response = client_for(coordinator).post(
        reverse("programmes:cohort_create"),
        {
            "region": stockholm.pk,
            "template": template.pk,
            "name": "Vår 2027",
            "venue": "Folkets hus",
            "capacity": 12,
            "trainers": "Eva Utbildare, Per Utbildare",
            "start_date": "2027-09-06",
        },
        follow=True,
    )
    cohort = Cohort.objects.get(name="Vår 2027")
    assert response.redirect_chain[-1][0] == detail_url(cohort)
    assert cohort.sessions.count() == 15
    assert (cohort.capacity, cohort.trainers) == (12, "Eva Utbildare, Per Utbildare")
    assert "15" in messages_of(response)[0]
    assert "måndag 6 september 2027" in response.content.decode()


def test_create_refuses_another_regions_region_and_keeps_the_input(coordinator, skane, client_for):
    """A region the coordinator does not coordinate is refused; what was typed stays."""
    response = client_for(coordinator).post(
        reverse("programmes:cohort_create"),
        {
            "region": skane.pk,
            "template": CourseTemplate.objects.get(is_default=True).pk,
            "name": "Fel region",
            "venue": "Malmö",
            "capacity": 10,
            "start_date": "2027-09-06",
        },
    )
    assert response.status_code == 200
    assert "region" in response.context["form"].errors
    assert 'value="Fel region"' in response.content.decode()
    assert not Cohort.objects.exists()


def test_capacity_below_the_enrolled_is_refused_next_to_the_field(coordinator, cohort, client_for):
    """Lowering the capacity below the number enrolled is refused at the field; the other
    changes typed are kept in the form and nothing is saved."""
    enrol_new(coordinator, cohort, "Ada Först")
    enrol_new(coordinator, cohort, "Bo Sedan")
    response = client_for(coordinator).post(
        reverse("programmes:cohort_edit", kwargs={"pk": cohort.pk}),
        {"name": "Nytt namn", "venue": "Nytt rum", "capacity": 1, "trainers": ""},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "2 trainees are already enrolled" in errors["capacity"][0]
    assert 'value="Nytt namn"' in response.content.decode()
    cohort.refresh_from_db()
    assert (cohort.name, cohort.capacity) == ("Höst 2027", 16)


def test_edit_saves_name_venue_capacity_and_trainers(coordinator, cohort, client_for):
    """The cohort's details change through the edit page."""
    response = client_for(coordinator).post(
        reverse("programmes:cohort_edit", kwargs={"pk": cohort.pk}),
        {"name": "Höst 2027 B", "venue": "Rum 4", "capacity": 20, "trainers": "Eva"},
    )
    assert response.status_code == 302
    cohort.refresh_from_db()
    assert (cohort.name, cohort.venue, cohort.capacity, cohort.trainers) == (
        "Höst 2027 B",
        "Rum 4",
        20,
        "Eva",
    )


def test_session_edit_moves_a_day_and_refuses_a_date_already_taken(coordinator, cohort, client_for):
    """A course day moves to a free date; a date another day has is refused at the field."""
    client = client_for(coordinator)
    first, second = cohort.sessions.order_by("day_number")[:2]
    url = reverse("programmes:session_edit", kwargs={"pk": first.pk})

    taken = client.post(
        url, {"date": second.date.isoformat(), "start_time": "09:00", "end_time": "16:00"}
    )
    assert "already has a course day on this date" in taken.context["form"].errors["date"][0]
    first.refresh_from_db()
    assert first.date == START

    moved = client.post(url, {"date": "2027-09-13", "start_time": "10:00", "end_time": "15:00"})
    assert moved.status_code == 302
    first.refresh_from_db()
    assert (first.date, first.start_time) == (dt.date(2027, 9, 13), dt.time(10, 0))


def test_session_edit_refuses_an_end_before_the_start(coordinator, cohort, client_for):
    """A day that would end before it starts is refused next to the end time."""
    session = cohort.sessions.first()
    response = client_for(coordinator).post(
        reverse("programmes:session_edit", kwargs={"pk": session.pk}),
        {"date": session.date.isoformat(), "start_time": "15:00", "end_time": "09:00"},
    )
    assert "end_time" in response.context["form"].errors


def test_schedule_is_generated_again_until_attendance_exists(coordinator, cohort, client_for):
    """Regenerating restores the template's plan; once attendance is recorded it is
    refused with a message saying why."""
    client = client_for(coordinator)
    first = cohort.sessions.order_by("day_number").first()
    actions.update_session(
        actor=coordinator,
        session=first,
        date=dt.date(2027, 9, 13),
        start_time=first.start_time,
        end_time=first.end_time,
    )
    url = reverse("programmes:cohort_schedule", kwargs={"pk": cohort.pk})

    response = client.post(url, follow=True)
    assert cohort.sessions.order_by("day_number").first().date == START
    assert "15" in messages_of(response)[0]

    enrolment = enrol_new(coordinator, cohort, "Ada Först")
    actions.record_attendance(
        actor=coordinator,
        session=cohort.sessions.first(),
        enrolment=enrolment,
        status="present",
    )
    session_ids = set(cohort.sessions.values_list("pk", flat=True))
    response = client.post(url, follow=True)
    assert "can no longer be regenerated" in messages_of(response)[0]
    assert set(cohort.sessions.values_list("pk", flat=True)) == session_ids


def test_schedule_regeneration_needs_post(coordinator, cohort, client_for):
    """Opening the regenerate address does nothing."""
    response = client_for(coordinator).get(
        reverse("programmes:cohort_schedule", kwargs={"pk": cohort.pk})
    )
    assert response.status_code == 405


# Detail -----------------------------------------------------------------------------------


@pytest.mark.swedish
def test_cohort_page_shows_schedule_standings_and_waiting_list_in_order(
    coordinator, stockholm, client_for
):
    """The page lists the course days with weekday, each trainee's standing with days
    present, and the waiting list in the order people joined it."""
    cohort = actions.create_cohort(
        actor=coordinator,
        region=stockholm,
        template=CourseTemplate.objects.get(is_default=True),
        name="Två platser",
        venue="Rum",
        capacity=2,
        start_date=START,
    )
    on_track = enrol_new(coordinator, cohort, "Ada Först")
    at_risk = enrol_new(coordinator, cohort, "Bo Sedan")
    enrol_new(coordinator, cohort, "Cia Väntar")
    enrol_new(coordinator, cohort, "Dan Väntar")
    fill_attendance(coordinator, at_risk, {1: "", 2: "", 3: "", 4: ""})
    actions.record_attendance(
        actor=coordinator,
        session=cohort.sessions.get(day_number=1),
        enrolment=on_track,
        status="present",
    )

    response = client_for(coordinator).get(detail_url(cohort))

    content = response.content.decode()
    assert "måndag 6 september 2027" in content
    assert "fredag 8 oktober 2027" in content
    assert "09:00–16:00" in content
    standings = {
        t["enrolment"].participant.full_name: (t["progress"].standing, t["progress"].present)
        for t in response.context["trainees"]
    }
    assert standings == {"Ada Först": ("on_track", 1), "Bo Sedan": ("at_risk", 11)}
    assert [e.participant.full_name for e in response.context["waiting"]] == [
        "Cia Väntar",
        "Dan Väntar",
    ]
    assert f'data-enrolment="{at_risk.pk}" data-standing="at_risk"' in content


@pytest.mark.parametrize("trainees", [1, 50])
def test_cohort_page_query_count_is_constant(
    trainees, coordinator, stockholm, client_for, django_assert_num_queries
):
    """The cohort page costs the same queries with 1 and with 50 trainees."""
    cohort = default_cohort(coordinator, stockholm, START)
    cohort.capacity = 60
    cohort.save()
    enrolments = [enrol_new(coordinator, cohort, f"Deltagare {n}") for n in range(trainees)]
    fill_attendance(coordinator, enrolments[0], {2: "Sjuk"})
    accepted_applicant(coordinator, stockholm, "Ny Sökande")
    client = client_for(coordinator)
    client.get(reverse("home"))
    # session, user, memberships, MFA check, cohort, the audit row; sessions, their modules,
    # every enrolment (trainees, waiting, withdrawn), attendance (also: whether any is
    # recorded), required modules; certificates, applicants to enrol
    with django_assert_num_queries(13):
        response = client.get(detail_url(cohort))
    assert len(response.context["trainees"]) == trainees


# Enrolment --------------------------------------------------------------------------------


def test_enrol_offers_only_accepted_applicants_not_yet_in_the_cohort(
    coordinator, cohort, stockholm, client_for
):
    """The choice lists accepted applicants of the region who are not in the cohort."""
    enrolled = enrol_new(coordinator, cohort, "Ada Först").participant
    free = accepted_applicant(coordinator, stockholm, "Bo Ledig")
    actions.register_applicant(
        actor=coordinator,
        region=stockholm,
        full_name="Cia Sökande",
        email="cia@example.org",
        lived_experience_declared=True,
        consent_method="paper",
    )
    response = client_for(coordinator).get(
        reverse("programmes:cohort_enrol", kwargs={"pk": cohort.pk})
    )
    offered = [
        value for value, _label in response.context["form"].fields["participant"].widget.choices
    ]
    assert offered == ["", free.pk]
    assert enrolled.full_name not in response.content.decode().split('id="enrol-form"')[1]


def test_enrolling_says_enrolled_or_waiting_list(coordinator, stockholm, client_for):
    """Within capacity the applicant is enrolled; past it the message says waiting list."""
    cohort = actions.create_cohort(
        actor=coordinator,
        region=stockholm,
        template=CourseTemplate.objects.get(is_default=True),
        name="En plats",
        venue="Rum",
        capacity=1,
        start_date=START,
    )
    first = accepted_applicant(coordinator, stockholm, "Ada Först")
    second = accepted_applicant(coordinator, stockholm, "Bo Sedan")
    client = client_for(coordinator)
    url = reverse("programmes:cohort_enrol", kwargs={"pk": cohort.pk})

    response = client.post(url, {"participant": first.pk}, follow=True)
    assert messages_of(response) == ["Ada Först is enrolled."]

    response = client.post(url, {"participant": second.pk}, follow=True)
    (message,) = messages_of(response)
    assert "waiting list" in message
    assert "place 1" in message
    assert cohort.enrolments.get(participant=second).status == EnrolmentStatus.WAITLISTED
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (ParticipantStatus.TRAINEE, ParticipantStatus.ACCEPTED)


def test_overlapping_cohort_is_refused_next_to_the_field_keeping_the_choice(
    coordinator, cohort, stockholm, client_for
):
    """A trainee already in an overlapping cohort is refused with a message naming it,
    next to the field, and the choice stays selected."""
    participant = enrol_new(coordinator, cohort, "Ada Först").participant
    later = default_cohort(coordinator, stockholm, START + dt.timedelta(weeks=2), name="Parallell")

    response = client_for(coordinator).post(
        reverse("programmes:cohort_enrol", kwargs={"pk": later.pk}),
        {"participant": participant.pk},
    )

    assert response.status_code == 200
    (error,) = response.context["form"].errors["participant"]
    assert error == "Ada Först is already in Höst 2027, which overlaps these dates."
    assert response.context["form"]["participant"].value() == str(participant.pk)
    assert not later.enrolments.exists()


def test_enrolling_a_stale_choice_gives_the_actions_reason(
    coordinator, cohort, stockholm, client_for
):
    """An applicant who is not accepted, or already in the cohort, is refused with the
    reason, not a generic invalid choice."""
    client = client_for(coordinator)
    url = reverse("programmes:cohort_enrol", kwargs={"pk": cohort.pk})
    applicant = actions.register_applicant(
        actor=coordinator,
        region=stockholm,
        full_name="Cia Sökande",
        email="cia@example.org",
        lived_experience_declared=True,
        consent_method="paper",
    )
    response = client.post(url, {"participant": applicant.pk})
    assert response.context["form"].errors["participant"] == [
        "Only accepted applicants can be enrolled; Cia Sökande is applicant."
    ]

    enrolled = enrol_new(coordinator, cohort, "Ada Först").participant
    response = client.post(url, {"participant": enrolled.pk})
    assert response.context["form"].errors["participant"] == [
        "Ada Först is already in this cohort."
    ]


def test_another_regions_participant_cannot_be_enrolled(
    coordinator, other_coordinator, cohort, skane, client_for
):
    """A participant of another region is not a valid choice."""
    stranger = accepted_applicant(other_coordinator, skane, "Sven Skåning")
    response = client_for(coordinator).post(
        reverse("programmes:cohort_enrol", kwargs={"pk": cohort.pk}),
        {"participant": stranger.pk},
    )
    assert "participant" in response.context["form"].errors
    assert not cohort.enrolments.exists()


def test_withdrawal_asks_for_a_reason_and_moves_up_the_first_waiting(
    coordinator, stockholm, client_for
):
    """Withdrawing needs a reason; then the first on the waiting list gets the place and
    the message says so."""
    cohort = actions.create_cohort(
        actor=coordinator,
        region=stockholm,
        template=CourseTemplate.objects.get(is_default=True),
        name="En plats",
        venue="Rum",
        capacity=1,
        start_date=START,
    )
    leaving = enrol_new(coordinator, cohort, "Ada Först")
    first_waiting = enrol_new(coordinator, cohort, "Bo Väntar")
    enrol_new(coordinator, cohort, "Cia Väntar")
    client = client_for(coordinator)
    url = reverse(
        "programmes:enrolment_withdraw", kwargs={"pk": cohort.pk, "enrolment_pk": leaving.pk}
    )

    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Ada Först" in confirm.content.decode()

    without_reason = client.post(url, {"reason": ""})
    assert "reason" in without_reason.context["form"].errors
    leaving.refresh_from_db()
    assert leaving.status == EnrolmentStatus.ENROLLED

    response = client.post(url, {"reason": "Flyttar"}, follow=True)
    (message,) = messages_of(response)
    assert "Ada Först is withdrawn" in message
    assert "Bo Väntar moved up from the waiting list" in message
    first_waiting.refresh_from_db()
    assert first_waiting.status == EnrolmentStatus.ENROLLED


def test_another_cohorts_enrolment_is_not_found(coordinator, cohort, stockholm, client_for):
    """An enrolment is reached only through its own cohort."""
    other = default_cohort(coordinator, stockholm, START + dt.timedelta(weeks=10), name="Annan")
    enrolment = enrol_new(coordinator, other, "Ada Först")
    response = client_for(coordinator).get(
        reverse(
            "programmes:enrolment_withdraw",
            kwargs={"pk": cohort.pk, "enrolment_pk": enrolment.pk},
        )
    )
    assert response.status_code == 404


# Certify and close ------------------------------------------------------------------------


@pytest.fixture
def finished_course(coordinator, cohort):
    """Two trainees who completed the course and one with four absences."""
    complete = [enrol_new(coordinator, cohort, name) for name in ("Ada Först", "Bo Sedan")]
    at_risk = enrol_new(coordinator, cohort, "Cia Borta")
    for enrolment in complete:
        fill_attendance(coordinator, enrolment)
    fill_attendance(coordinator, at_risk, {3: "", 4: "", 5: "", 6: "Sjuk"})
    return complete, at_risk


def test_certify_page_checks_the_complete_and_explains_the_others(
    coordinator, cohort, finished_course, client_for
):
    """Those complete are offered checked; the others are listed with why not."""
    complete, at_risk = finished_course
    response = client_for(coordinator).get(
        reverse("programmes:cohort_certify", kwargs={"pk": cohort.pk})
    )
    content = response.content.decode()
    for enrolment in complete:
        assert f'value="{enrolment.pk}" id="certify-{enrolment.pk}" checked' in content
    (item,) = response.context["not_complete"]
    assert item["enrolment"] == at_risk
    assert item["reasons"] == [
        "11 of 12 required days present.",
        "4 absences; 3 allowed.",
        "Required modules not attended: Självstigma.",
    ]


def test_certify_issues_certificates_to_the_chosen(
    coordinator, cohort, finished_course, client_for
):
    """Certifying gives each chosen trainee a certificate and the status certified."""
    complete, _at_risk = finished_course
    response = client_for(coordinator).post(
        reverse("programmes:cohort_certify", kwargs={"pk": cohort.pk}),
        {"enrolments": [e.pk for e in complete]},
        follow=True,
    )
    assert messages_of(response) == ["2 trainees are certified and have certificates."]
    for enrolment in complete:
        enrolment.participant.refresh_from_db()
        assert enrolment.participant.status == ParticipantStatus.CERTIFIED
        certificate = Certificate.objects.get(participant=enrolment.participant)
        assert (certificate.days_attended, certificate.days_total) == (15, 15)
    assert "certificate-link" in response.content.decode()


def test_certifying_someone_not_complete_certifies_nobody(
    coordinator, cohort, finished_course, client_for
):
    """Choosing a trainee who has not completed gives a message naming them and
    certifies nobody, keeping the choices."""
    complete, at_risk = finished_course
    response = client_for(coordinator).post(
        reverse("programmes:cohort_certify", kwargs={"pk": cohort.pk}),
        {"enrolments": [complete[0].pk, at_risk.pk]},
    )
    assert response.status_code == 200
    (error,) = response.context["form"].errors["enrolments"]
    assert "Only trainees who have completed the course can be certified" in error
    assert "Cia Borta" in error
    assert "Cia Borta" in response.content.decode()
    assert not Certificate.objects.exists()
    assert response.context["chosen"] == {str(complete[0].pk), str(at_risk.pk)}


def test_certifying_with_nobody_chosen_asks_to_choose(
    coordinator, cohort, finished_course, client_for
):
    """An empty choice asks for at least one trainee."""
    response = client_for(coordinator).post(
        reverse("programmes:cohort_certify", kwargs={"pk": cohort.pk}), {}
    )
    assert response.context["form"].errors["enrolments"] == [
        "Choose at least one trainee to certify."
    ]


def test_closing_asks_to_confirm_then_locks_the_cohort(
    coordinator, cohort, finished_course, client_for
):
    """GET asks to confirm; POST closes; afterwards the page offers no enrolment or
    withdrawal and attendance is refused."""
    client = client_for(coordinator)
    url = reverse("programmes:cohort_close", kwargs={"pk": cohort.pk})
    confirm = client.get(url)
    assert confirm.context["uncertified_complete"] == 2
    cohort.refresh_from_db()
    assert cohort.status != CohortStatus.CLOSED

    response = client.post(url, follow=True)

    cohort.refresh_from_db()
    assert cohort.status == CohortStatus.CLOSED
    assert "is closed" in messages_of(response)[0]
    assert response.context["enrol_form"] is None
    assert (
        reverse(
            "programmes:enrolment_withdraw",
            kwargs={"pk": cohort.pk, "enrolment_pk": finished_course[1].pk},
        )
        not in response.content.decode()
    )

    again = client.post(url, follow=True)
    assert "The cohort is closed" in messages_of(again)[0]


# Scoping ----------------------------------------------------------------------------------


def test_another_regions_coordinator_cannot_change_the_cohort(
    other_coordinator, coordinator, cohort, finished_course, client_for
):
    """Skåne's coordinator gets 404 on every write to a Stockholm cohort; nothing changes."""
    client = client_for(other_coordinator)
    complete, _at_risk = finished_course
    posts = {
        "programmes:cohort_edit": {"name": "X", "venue": "Y", "capacity": 30},
        "programmes:cohort_schedule": {},
        "programmes:cohort_enrol": {"participant": complete[0].participant.pk},
        "programmes:cohort_certify": {"enrolments": [complete[0].pk]},
        "programmes:cohort_close": {},
    }
    for name, data in posts.items():
        response = client.post(reverse(name, kwargs={"pk": cohort.pk}), data)
        assert response.status_code == 404, name
    cohort.refresh_from_db()
    assert (cohort.name, cohort.status) == ("Höst 2027", CohortStatus.RUNNING)
    assert not Certificate.objects.exists()


def test_peer_supporter_is_denied_the_cohort_pages(peer_supporter, cohort, client_for):
    """A peer supporter gets 403 on the cohort pages, also when posting."""
    client = client_for(peer_supporter)
    assert client.get(reverse("programmes:cohort_list")).status_code == 403
    assert client.get(detail_url(cohort)).status_code == 403
    response = client.post(reverse("programmes:cohort_close", kwargs={"pk": cohort.pk}))
    assert response.status_code == 403
    cohort.refresh_from_db()
    assert cohort.status != CohortStatus.CLOSED


def test_opening_a_cohort_is_audited(coordinator, cohort, client_for):
    """The cohort page lists names and attendance, so reading it is written to the audit log."""
    from peersupport.audit.models import AuditAction, AuditEvent

    client_for(coordinator).get(reverse("programmes:cohort_detail", args=[cohort.pk]))
    event = AuditEvent.objects.get(action=AuditAction.READ, object_type="programmes.cohort")
    assert (event.actor, event.object_id) == (coordinator, str(cohort.pk))
