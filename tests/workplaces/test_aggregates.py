"""Support-session aggregates: the workplace page and the unit manager's overview show
counts only – never a session's reflection or code – and the coordinator's CSV export."""

import csv
import datetime as dt
import io

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from peersupport.accounts.models import Role
from peersupport.audit.models import AuditAction, AuditEvent
from tests.factories import (
    UserFactory,
    active_placement,
    certified_participant,
    person_with_role,
    ready_workplace,
)
from workplaces import actions
from workplaces.models import Employer, SessionKind, Theme

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
LAST_MONTH = (TODAY.replace(day=1) - dt.timedelta(days=1)).replace(day=15)
REFLECTION = "Hen berättade om grannen och sömnen, xyzzy-hemlis"
CODE = "KORP-77"


@pytest.fixture
def workplace(coordinator, unit_manager, stockholm):
    return ready_workplace(coordinator, stockholm, managers=[unit_manager])


@pytest.fixture
def placement(coordinator, unit_manager, peer_supporter, stockholm, workplace):
    """The peer supporter's active placement, started ten months ago."""
    return active_placement(
        coordinator,
        unit_manager,
        workplace,
        certified_participant(stockholm, user=peer_supporter),
        start_date=TODAY - dt.timedelta(days=300),
    )


@pytest.fixture
def sessions(peer_supporter, placement):
    """Two conversations this month (one with a code and a reflection), a group last month."""
    log = actions.log_support_session
    return [
        log(
            actor=peer_supporter,
            placement=placement,
            date=TODAY,
            minutes=45,
            kind=SessionKind.CONVERSATION,
            themes=[Theme.SLEEP, Theme.RELATIONSHIPS],
            service_user_code=CODE,
            reflection=REFLECTION,
        ),
        log(
            actor=peer_supporter,
            placement=placement,
            date=TODAY,
            minutes=30,
            kind=SessionKind.CONVERSATION,
            themes=[Theme.SLEEP],
        ),
        log(
            actor=peer_supporter,
            placement=placement,
            date=LAST_MONTH,
            minutes=90,
            kind=SessionKind.GROUP_ACTIVITY,
            themes=[Theme.LEISURE],
            participant_count=5,
        ),
    ]


def assert_no_session_content(html: str) -> None:
    assert REFLECTION not in html
    assert "xyzzy" not in html
    assert CODE not in html


@pytest.mark.parametrize("url_name", ["workplaces:manager_home", "workplaces:workplace_detail"])
@pytest.mark.parametrize("viewer", ["unit_manager", "coordinator"])
def test_pages_show_counts_but_never_reflection_or_code(
    url_name, viewer, request, workplace, sessions, client_for
):
    """Sessions are counted on the overview and the workplace page, for unit managers and
    coordinators alike, and no reflection text or service-user code appears there."""
    user = request.getfixturevalue(viewer)
    kwargs = {"pk": workplace.pk} if url_name == "workplaces:workplace_detail" else {}
    response = client_for(user).get(reverse(url_name, kwargs=kwargs))
    assert response.status_code == 200
    html = response.content.decode()
    assert_no_session_content(html)
    if url_name == "workplaces:manager_home":
        aggregates = response.context["cards"][0]["aggregates"]
    else:
        aggregates = response.context["aggregates"]
    assert (aggregates.sessions, aggregates.minutes, aggregates.people_reached) == (3, 165, 7)
    assert aggregates.hours == 2.8
    assert "<svg" in html and 'role="img"' in html


def test_aggregates_table_gives_the_chart_numbers_by_month_and_kind(
    coordinator, workplace, sessions, client_for
):
    """The accessible table holds the sessions per kind for each of the last 12 months; the
    coordinator sees every number as it is."""
    response = client_for(coordinator).get(
        reverse("workplaces:workplace_detail", args=[workplace.pk])
    )
    aggregates = response.context["aggregates"]
    assert len(aggregates.months) == 12
    assert aggregates.months[-1] == TODAY.replace(day=1)
    rows = {str(label): counts for label, counts, _total in aggregates.kind_rows()}
    assert rows[str(SessionKind.CONVERSATION.label)][-1] == 2
    assert rows[str(SessionKind.GROUP_ACTIVITY.label)][-2:] == [1, 0]
    assert dict((str(k), v) for k, v in aggregates.theme_rows())[str(Theme.SLEEP.label)] == 2
    html = response.content.decode()
    assert '<th scope="row">' in html
    assert html.count('<td class="text-end">2</td>') >= 1
    assert "&lt;5" not in html


@pytest.mark.parametrize("url_name", ["workplaces:manager_home", "workplaces:workplace_detail"])
def test_a_unit_manager_sees_small_numbers_as_under_five(
    url_name, unit_manager, workplace, sessions, client_for
):
    """At a workplace with a single peer supporter, who logged three sessions, the unit
    manager's pages show "<5" for every count from 1 to 4 – in the summary, the table and
    the chart – and the hours and contacts of those few sessions not at all."""
    kwargs = {"pk": workplace.pk} if url_name == "workplaces:workplace_detail" else {}
    response = client_for(unit_manager).get(reverse(url_name, kwargs=kwargs))

    html = response.content.decode()
    if url_name == "workplaces:manager_home":
        figures, chart = (
            response.context["cards"][0]["figures"],
            response.context["cards"][0]["chart"],
        )
    else:
        figures, chart = response.context["figures"], response.context["chart"]
    assert (str(figures.sessions), str(figures.hours), str(figures.people_reached)) == (
        "<5",
        "x",
        "x",
    )
    rows = {str(label): [str(cell) for cell in cells] for label, cells, _t in figures.kind_rows}
    assert rows[str(SessionKind.CONVERSATION.label)][-1] == "<5"
    assert rows[str(SessionKind.GROUP_ACTIVITY.label)][-2:] == ["<5", "0"]
    assert dict((str(k), str(v)) for k, v in figures.theme_rows)[str(Theme.SLEEP.label)] == "<5"
    assert '<td class="text-end">&lt;5</td>' in html
    assert '<td class="text-end">2</td>' not in html and '<td class="text-end">1</td>' not in html
    assert "<strong>&lt;5</strong>" in html
    assert "small-numbers-note" in html
    # The chart marks the small counts and draws no bar whose height would tell them.
    assert "&lt;5</text>" in chart
    assert " 2</title>" not in chart and " 1</title>" not in chart


def test_small_numbers_keep_the_unit_managers_page_from_giving_a_count_away(
    unit_manager, workplace, placement, peer_supporter, client_for
):
    """Six conversations in one month and three in the next, with the kind's total shown:
    the 3 is "<5", and one more figure in its row is hidden so that 9 − 6 does not give the
    3 away."""
    this_month = TODAY.replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    for day, count in ((this_month, 6), (last_month, 3)):
        for _ in range(count):
            actions.log_support_session(
                actor=peer_supporter,
                placement=placement,
                date=day,
                minutes=30,
                kind=SessionKind.CONVERSATION,
                themes=[],
            )
    response = client_for(unit_manager).get(
        reverse("workplaces:workplace_detail", args=[workplace.pk])
    )

    figures = response.context["figures"]
    label, cells, total = next(
        row for row in figures.kind_rows if str(row[0]) == str(SessionKind.CONVERSATION.label)
    )
    shown = [str(cell) for cell in cells]
    assert str(total) == "9" and str(figures.sessions) == "9"
    assert shown[-2] == "<5"
    assert sum(1 for text in shown if text in ("<5", "x")) >= 2


def test_manager_home_shows_readiness_placements_and_agreements_awaited(
    coordinator, unit_manager, stockholm, workplace, placement, client_for
):
    """The overview lists active placements and proposals awaiting the viewer's agreement."""
    proposal = actions.propose_placement(
        actor=coordinator,
        participant=certified_participant(stockholm, name="Nora Ny"),
        workplace=workplace,
        employer=Employer.WORKPLACE,
        hours_per_week=10,
        start_date=TODAY + dt.timedelta(days=30),
    )
    actions.agree_placement(actor=coordinator, placement=proposal)
    manager_view = client_for(unit_manager).get(reverse("workplaces:manager_home"))
    card = manager_view.context["cards"][0]
    assert card["missing"] == []
    assert [p.pk for p in card["active"]] == [placement.pk]
    assert [(p.pk, p.awaits_you) for p in card["upcoming"]] == [(proposal.pk, True)]
    html = manager_view.content.decode()
    assert reverse("workplaces:placement_detail", args=[proposal.pk]) in html
    assert "Nora Ny" in html
    coordinator_view = client_for(coordinator).get(reverse("workplaces:manager_home"))
    assert [p.awaits_you for p in coordinator_view.context["cards"][0]["upcoming"]] == [False]


def test_manager_home_counts_follow_ups_due_and_overdue_for_the_viewer(
    coordinator, unit_manager, stockholm, workplace, placement, client_for
):
    """Follow-ups past due and unanswered by the viewer's side are overdue; those falling
    due within two weeks are due soon. An answer by the unit manager leaves the
    coordinator's count alone."""
    recent = active_placement(
        coordinator,
        unit_manager,
        workplace,
        certified_participant(stockholm, name="Sam Senare"),
        start_date=TODAY - relativedelta(months=1) + dt.timedelta(days=5),
    )
    assert recent.reviews.get(months_after_start=1).due_on > TODAY
    first = placement.reviews.get(months_after_start=1)
    actions.submit_review(
        actor=unit_manager, review=first, role_works=4, role_clarity=4, staff_attitudes=5
    )
    manager_card = client_for(unit_manager).get(reverse("workplaces:manager_home"))
    assert manager_card.context["cards"][0]["reviews"] == {"overdue": 2, "due": 1}
    coordinator_card = client_for(coordinator).get(reverse("workplaces:manager_home"))
    assert coordinator_card.context["cards"][0]["reviews"] == {"overdue": 3, "due": 1}
    assert reverse("workplaces:review_list") in manager_card.content.decode()


def test_manager_home_lists_only_the_managers_workplaces(
    coordinator, unit_manager, stockholm, workplace, client_for
):
    """A unit manager sees their own workplaces only; a manager of none sees a hint."""
    ready_workplace(coordinator, stockholm, name="Annan enhet")
    response = client_for(unit_manager).get(reverse("workplaces:manager_home"))
    assert [card["workplace"].pk for card in response.context["cards"]] == [workplace.pk]
    newcomer = person_with_role(Role.UNIT_MANAGER, stockholm)
    assert client_for(newcomer).get(reverse("workplaces:manager_home")).context["cards"] == []


@pytest.mark.parametrize("role", ["peer_supporter", "researcher", "supervisor"])
def test_manager_home_is_forbidden_to_other_roles(role, request, client_for):
    user = request.getfixturevalue(role)
    assert client_for(user).get(reverse("workplaces:manager_home")).status_code == 403


def _placements_with_sessions(coordinator, unit_manager, stockholm, workplace, rows):
    """``rows`` active placements at the workplace, each with one logged session."""
    start = TODAY - dt.timedelta(days=60)
    for index in range(rows):
        user = UserFactory()
        placement = active_placement(
            coordinator,
            unit_manager,
            workplace,
            certified_participant(stockholm, user=user, name=f"Peer {index}"),
            start_date=start,
            hours_per_week=10,
        )
        actions.log_support_session(
            actor=user,
            placement=placement,
            date=start + dt.timedelta(days=index % 60),
            minutes=30 + index,
            kind=list(SessionKind)[index % len(SessionKind)],
            themes=[Theme.SLEEP],
            participant_count=3,
            reflection=REFLECTION,
        )


@pytest.mark.parametrize("rows", [1, 50])
def test_manager_home_query_count_is_constant(
    rows, coordinator, unit_manager, stockholm, workplace, client_for, django_assert_num_queries
):
    """The overview costs the same number of queries for 1 and 50 placements and sessions."""
    _placements_with_sessions(coordinator, unit_manager, stockholm, workplace, rows)
    client = client_for(unit_manager)
    client.get(reverse("home"))
    # session, user, memberships, managed workplaces, workplaces, readiness, staff
    # trainings, open placements, follow-ups, sessions
    with django_assert_num_queries(10):
        response = client.get(reverse("workplaces:manager_home"))
    assert response.context["cards"][0]["aggregates"].sessions == rows


@pytest.mark.parametrize("rows", [1, 50])
def test_workplace_detail_query_count_is_constant(
    rows, coordinator, unit_manager, stockholm, workplace, client_for, django_assert_num_queries
):
    """The workplace page costs the same number of queries for 1 and 50 placements and
    sessions."""
    _placements_with_sessions(coordinator, unit_manager, stockholm, workplace, rows)
    client = client_for(unit_manager)
    client.get(reverse("home"))
    # session, user, memberships, managed workplaces, workplace, readiness, staff trainings,
    # sessions, managers, trainee orders, placements
    with django_assert_num_queries(11):
        response = client.get(reverse("workplaces:workplace_detail", args=[workplace.pk]))
    assert len(response.context["placements"]) == rows
    assert response.context["aggregates"].sessions == rows


def read_csv(response) -> list[dict]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_coordinator_exports_aggregates_as_csv_and_the_export_is_audited(
    coordinator, workplace, sessions, client_for
):
    """Workplace × month × kind with counts and minutes – no text, no codes – and an EXPORT
    row in the audit log saying what was exported."""
    response = client_for(coordinator, reauthenticated=True).get(
        reverse("workplaces:aggregates_export")
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"support-session-aggregates-{TODAY:%Y-%m-%d}.csv" in response["Content-Disposition"]
    content = response.content.decode()
    assert REFLECTION not in content and CODE not in content and "xyzzy" not in content
    rows = read_csv(response)
    # The file leaves the system: counts under 5 are "<5", and those rows' minutes hidden.
    assert {
        (r["month"], r["kind"], r["sessions"], r["minutes"], r["participants"]) for r in rows
    } == {
        (f"{TODAY:%Y-%m}", "conversation", "<5", "x", "<5"),
        (f"{LAST_MONTH:%Y-%m}", "group_activity", "<5", "x", "5"),
    }
    assert {r["workplace"] for r in rows} == {workplace.name}
    assert {r["workplace_id"] for r in rows} == {str(workplace.pk)}
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor == coordinator
    assert event.detail["export"] == "support_session_aggregates"
    assert event.detail["regions"] == ["stockholm"]
    assert event.detail["rows"] == 2
    assert "reflection" not in event.detail["columns"]
    assert event.detail["small_number_threshold"] == 5


def test_export_is_limited_to_the_coordinators_regions(
    coordinator, other_coordinator, stockholm, skane, workplace, sessions, client_for
):
    """Skåne's coordinator exports no Stockholm rows and cannot ask for Stockholm."""
    client = client_for(other_coordinator, reauthenticated=True)
    assert read_csv(client.get(reverse("workplaces:aggregates_export"))) == []
    asked = client.get(reverse("workplaces:aggregates_export"), {"region": stockholm.pk})
    assert asked.status_code == 404
    own = client_for(coordinator, reauthenticated=True).get(
        reverse("workplaces:aggregates_export"), {"region": stockholm.pk}
    )
    assert len(read_csv(own)) == 2


@pytest.mark.parametrize("role", ["unit_manager", "peer_supporter", "researcher"])
def test_export_is_for_coordinators_only(role, request, sessions, client_for):
    """Unit managers see aggregates on their pages but do not export them."""
    user = request.getfixturevalue(role)
    response = client_for(user, reauthenticated=True).get(reverse("workplaces:aggregates_export"))
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_export_asks_for_the_password_again(coordinator, client_for):
    """Without a recent password, the export sends the coordinator to re-authenticate."""
    response = client_for(coordinator).get(reverse("workplaces:aggregates_export"))
    assert response.status_code == 302
    assert "reauthenticate" in response["Location"]
