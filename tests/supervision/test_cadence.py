"""The supervision cadence grid: who attends supervision twice a month, who falls short
and why, the trend per month, and what it costs in queries."""

import datetime as dt
import re
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from peersupport.accounts.models import Role
from peersupport.charts import percent_bar_chart
from supervision import actions
from supervision.cadence import CellState, cadence_rows, month_starts
from supervision.models import AttendanceStatus
from supervision.views import cadence as cadence_views
from tests.factories import MembershipFactory, person_with_role, ready_workplace

from .state import placed_peer, supervision_group

pytestmark = [pytest.mark.django_db, pytest.mark.english]

TODAY = timezone.localdate()
MONTHS = month_starts(TODAY, 7)
THIS_MONTH, LAST_MONTH = MONTHS[-1], MONTHS[-2]
PRESENT, ABSENT, EXCUSED = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.ABSENT,
    AttendanceStatus.EXCUSED,
)


@pytest.fixture
def workplace(coordinator, unit_manager, stockholm):
    return ready_workplace(coordinator, stockholm, managers=[unit_manager])


@pytest.fixture
def long_placed(coordinator, unit_manager, workplace, peer_supporter):
    """Placed since the first day of the grid's oldest month."""
    return placed_peer(coordinator, unit_manager, workplace, peer_supporter, start_date=MONTHS[0])


@pytest.fixture
def newly_placed(coordinator, unit_manager, workplace):
    """Placed today, in no supervision group."""
    return placed_peer(coordinator, unit_manager, workplace, name="Nora Ny")


@pytest.fixture
def group(coordinator, supervisor, long_placed):
    return supervision_group(coordinator, supervisor, [long_placed])


def session_on(actor, group, day: dt.date, hour: int = 10):
    [session] = actions.plan_series(
        actor=actor,
        group=group,
        first_date=day,
        until=day,
        start_time=dt.time(hour, 0),
        skip_holidays=False,
    )
    return session


def attended(supervisor, group, day: dt.date, status: str, reason: str = ""):
    session = session_on(supervisor, group, day)
    actions.record_attendance(
        actor=supervisor,
        session=session,
        statuses={member.pk: (status, reason) for member in group.members.all()},
    )
    return session


@pytest.fixture
def history(coordinator, supervisor, group):
    """Six past months of the long-placed peer supporter's supervision, one reason each;
    nothing planned this month."""
    attended(supervisor, group, LAST_MONTH.replace(day=10), PRESENT)
    attended(supervisor, group, LAST_MONTH.replace(day=20), PRESENT)
    attended(supervisor, group, MONTHS[4].replace(day=10), PRESENT)
    attended(supervisor, group, MONTHS[4].replace(day=20), ABSENT)
    attended(supervisor, group, MONTHS[3].replace(day=10), PRESENT)
    attended(supervisor, group, MONTHS[3].replace(day=20), EXCUSED, "Sjuk")
    attended(supervisor, group, MONTHS[2].replace(day=10), PRESENT)
    actions.cancel_session(
        actor=supervisor,
        session=session_on(supervisor, group, MONTHS[2].replace(day=20)),
        reason="Handledaren sjuk",
    )
    session_on(supervisor, group, MONTHS[1].replace(day=10))


def grid_of(response) -> dict:
    """{participant: {"YYYY-MM": display cell}} from the view's context."""
    return {
        line["participant"]: {f"{entry['cell'].month:%Y-%m}": entry for entry in line["cells"]}
        for line in response.context["grid"]
    }


def row_html(html: str, participant) -> str:
    match = re.search(rf'<tr data-participant="{participant.pk}">(.*?)</tr>', html, re.S)
    assert match, participant
    return match.group(1)


def cell_text(row: str, month: dt.date) -> tuple[str, str]:
    """A grid cell's state attribute and its text as read aloud (tags dropped)."""
    match = re.search(rf'<td data-month="{month:%Y-%m}" data-state="(\w+)">(.*?)</td>', row, re.S)
    assert match, month
    return match.group(1), " ".join(re.sub(r"<[^>]+>", " ", match.group(2)).split())


def test_every_month_shows_its_state_and_the_reasons_as_text(
    coordinator, long_placed, newly_placed, history, client_for
):
    """Each cell says attended of goal and its state in words; a short month names why:
    an absence, an excused absence, a cancelled session, attendance not recorded, too
    few or no sessions planned. Months before a placement are not expected."""
    response = client_for(coordinator).get(reverse("supervision:cadence"))

    assert response.status_code == 200
    grid = grid_of(response)
    cells = grid[long_placed]
    states = [cells[f"{month:%Y-%m}"]["state"] for month in MONTHS]
    assert states == [
        CellState.SHORT,
        CellState.SHORT,
        CellState.SHORT,
        CellState.SHORT,
        CellState.SHORT,
        CellState.MET,
        CellState.SHORT,
    ]
    reasons = [cells[f"{month:%Y-%m}"]["reasons"] for month in MONTHS]
    assert reasons == [
        ["None planned"],
        ["Attendance not recorded: 1", "Too few planned: 1 of 2"],
        ["Session cancelled: 1", "Too few planned: 1 of 2"],
        ["Excused absence: 1"],
        ["Absent: 1"],
        [],
        ["None planned"],
    ]
    newcomer = [grid[newly_placed][f"{month:%Y-%m}"]["state"] for month in MONTHS]
    assert newcomer == [CellState.NOT_EXPECTED] * 6 + [CellState.SHORT]

    html = response.content.decode()
    row = row_html(html, long_placed)
    assert cell_text(row, LAST_MONTH) == ("met", "Met 2 of 2")
    assert cell_text(row, MONTHS[4]) == ("short", "Short 1 of 2 Absent: 1")
    assert cell_text(row, MONTHS[2]) == (
        "short",
        "Short 1 of 2 Session cancelled: 1 Too few planned: 1 of 2",
    )
    assert cell_text(row_html(html, newly_placed), MONTHS[0]) == ("not_expected", "Not expected")


def test_who_falls_short_this_month_and_in_which_group(
    coordinator, long_placed, newly_placed, history, client_for
):
    """The summary lists everyone short this month with why, and their supervision
    group – or that they are in none."""
    response = client_for(coordinator).get(reverse("supervision:cadence"))

    short = {line["participant"]: line for line in response.context["short_now"]}
    assert set(short) == {long_placed, newly_placed}
    assert short[long_placed]["groups"] == ["Tisdagsgruppen"]
    assert short[newly_placed]["groups"] == []
    summary = response.content.decode().split('id="short-list"')[1].split("</ul>")[0]
    assert "Nora Ny" in summary
    assert "0 of 2 attended" in summary
    assert "None planned" in summary
    assert "In no active supervision group" in summary


def test_the_grid_shows_a_page_while_the_summary_and_trend_count_everyone(
    coordinator, long_placed, newly_placed, history, client_for, monkeypatch
):
    """A page of the grid holds a few people; who falls short this month and the trend
    still count everyone, whichever page is shown."""
    monkeypatch.setattr(cadence_views, "GRID_PAGE_SIZE", 1)
    client = client_for(coordinator)
    url = reverse("supervision:cadence")

    first, second = client.get(url), client.get(url, {"page": 2})

    assert set(grid_of(first)) | set(grid_of(second)) == {long_placed, newly_placed}
    assert len(grid_of(first)) == len(grid_of(second)) == 1
    for response in (first, second):
        short = {line["participant"] for line in response.context["short_now"]}
        assert short == {long_placed, newly_placed}
        assert response.context["trend"][-1].expected == 2
    assert "2 peer supporters with an active placement" in first.content.decode()


def test_the_trend_gives_the_share_meeting_the_goal_per_month(
    coordinator, long_placed, newly_placed, history, client_for
):
    """Per month: how many were expected, how many met the goal, and the share – in a
    table and in an SVG chart."""
    response = client_for(coordinator).get(reverse("supervision:cadence"))

    trend = {point.month: point for point in response.context["trend"]}
    assert (trend[LAST_MONTH].expected, trend[LAST_MONTH].met) == (1, 1)
    assert trend[LAST_MONTH].percent == 100
    assert trend[MONTHS[4]].percent == 0
    assert (trend[THIS_MONTH].expected, trend[THIS_MONTH].met) == (2, 0)
    html = response.content.decode()
    assert 'id="trend-table"' in html
    assert "<svg" in html and "100 %" in html


def test_on_track_while_enough_sessions_are_still_to_come(
    coordinator, supervisor, stockholm, long_placed, group
):
    """Midway through a month with one session attended and one to come, the month is
    on track, not short."""
    attended(supervisor, group, LAST_MONTH.replace(day=10), PRESENT)
    session_on(supervisor, group, LAST_MONTH.replace(day=20))
    midway = timezone.make_aware(dt.datetime.combine(LAST_MONTH.replace(day=15), dt.time(12)))

    [row] = cadence_rows([stockholm.pk], [LAST_MONTH], now=midway)

    assert row.current.state == CellState.ON_TRACK
    assert (row.current.attended, row.current.upcoming) == (1, 1)
    assert row.current.reasons == []


def test_other_regions_peer_supporters_are_not_in_the_grid(
    coordinator, other_coordinator, skane, long_placed, client_for
):
    skane_manager = person_with_role(Role.UNIT_MANAGER, skane)
    skane_workplace = ready_workplace(
        other_coordinator, skane, name="Mottagningen Malmö", managers=[skane_manager]
    )
    skane_peer = placed_peer(other_coordinator, skane_manager, skane_workplace, name="Lina Lund")

    mine = client_for(coordinator).get(reverse("supervision:cadence"))
    theirs = client_for(other_coordinator).get(reverse("supervision:cadence"))

    assert set(grid_of(mine)) == {long_placed}
    assert set(grid_of(theirs)) == {skane_peer}
    assert "Lina Lund" not in mine.content.decode()


def test_a_coordinator_of_several_regions_filters_by_region(
    coordinator, other_coordinator, stockholm, skane, long_placed, client_for
):
    MembershipFactory(user=coordinator, role=Role.COORDINATOR, region=skane)
    skane_manager = person_with_role(Role.UNIT_MANAGER, skane)
    skane_workplace = ready_workplace(
        other_coordinator, skane, name="Mottagningen Malmö", managers=[skane_manager]
    )
    skane_peer = placed_peer(other_coordinator, skane_manager, skane_workplace, name="Lina Lund")
    client = client_for(coordinator)
    url = reverse("supervision:cadence")

    both = client.get(url)
    assert set(grid_of(both)) == {long_placed, skane_peer}
    assert 'id="region-filter"' in both.content.decode()
    assert set(grid_of(client.get(url, {"region": skane.pk}))) == {skane_peer}
    assert set(grid_of(client.get(url, {"region": "²"}))) == {long_placed, skane_peer}


def test_one_region_has_no_filter(coordinator, long_placed, client_for):
    html = client_for(coordinator).get(reverse("supervision:cadence")).content.decode()
    assert 'id="region-filter"' not in html


@pytest.mark.swedish
def test_months_are_named_in_swedish(coordinator, long_placed, client_for):
    """The column headings are the Swedish month names, as the product speaks."""
    html = client_for(coordinator).get(reverse("supervision:cadence")).content.decode()
    for month in MONTHS:
        heading = date_format(month, "F Y")
        assert heading[0].islower()
        assert f'data-month="{month:%Y-%m}">{heading}</th>' in html


def test_cadence_is_for_coordinators(supervisor, peer_supporter, unit_manager, client_for):
    for user in (supervisor, peer_supporter, unit_manager):
        assert client_for(user).get(reverse("supervision:cadence")).status_code == 403


@pytest.mark.parametrize("people", [1, 8])
def test_the_grid_costs_the_same_queries_for_1_and_many_peer_supporters(
    people,
    coordinator,
    supervisor,
    unit_manager,
    workplace,
    client_for,
    django_assert_num_queries,
):
    """Seven months of weekly sessions, attended or not, for 1 or 8 peer supporters in
    two groups: the page issues the same queries either way."""
    members = [
        placed_peer(coordinator, unit_manager, workplace, name=f"Peer {n}", start_date=MONTHS[0])
        for n in range(people)
    ]
    groups = [
        supervision_group(coordinator, supervisor, members[0::2], name="Måndagsgruppen"),
        *(
            [supervision_group(coordinator, supervisor, members[1::2], name="Torsdagsgruppen")]
            if people > 1
            else []
        ),
    ]
    for group in groups:
        sessions = actions.plan_series(
            actor=coordinator,
            group=group,
            first_date=MONTHS[0],
            until=TODAY + dt.timedelta(weeks=2),
            start_time=dt.time(0, 0),
            interval_weeks=1,
            skip_holidays=False,
        )
        for index, session in enumerate(
            s for s in sessions if timezone.localtime(s.starts_at).date() < TODAY
        ):
            if index % 3 == 2:
                continue
            actions.record_attendance(
                actor=supervisor,
                session=session,
                statuses={
                    member.pk: (PRESENT if index % 2 else ABSENT, "")
                    for member in group.members.all()
                },
            )
    client = client_for(coordinator)
    client.get(reverse("home"))
    # session, user, memberships, MFA check, regions, people, placements, attendance
    # counts, group memberships
    with django_assert_num_queries(9):
        response = client.get(reverse("supervision:cadence"))
    assert len(response.context["grid"]) == people


def test_trend_chart_is_csp_safe_svg_with_a_dash_for_months_without_anyone():
    """Plain SVG with no script or style; a month with nobody expected has no bar."""
    svg = percent_bar_chart(
        title="Andel <som> når målet",
        categories=["jan", "feb", "mar"],
        values=[None, 50, 100],
    )
    root = ElementTree.fromstring(svg)
    tags = {element.tag.split("}")[1] for element in root.iter()}
    assert "script" not in tags and "style" not in tags
    assert not any("style" in element.attrib for element in root.iter())
    titles = [e.text for e in root.iter() if e.tag.endswith("title")]
    assert "Andel <som> når målet" in titles
    assert "feb: 50 %" in titles
    bars = [e for e in root.iter() if e.tag.endswith("rect")]
    assert len(bars) == 2
    texts = [e.text for e in root.iter() if e.tag.endswith("text")]
    assert "–" in texts
