"""The pages ``make bench`` measures, and who looks at each.

One list shared by the load run (``bench/run.py``), the query plans (``bench/explain.py``)
and the smoke test, so they always measure the same thing. Every page is looked at by the
person who would look at it in the busiest place: the coordinator of the region with the
most participants, the peer supporter there with the most support sessions, the unit
manager of the workplace with the most placements, the supervisor with the most groups,
and a researcher for the survey results (national). Who that is is found by query, so
the list works on the scale seed and on the demo alike.

``resolve_pages()`` needs Django set up and the database filled; it returns each page's
path and the user who looks at it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

FLOOR = "floor"


@dataclass(frozen=True)
class Page:
    name: str
    # Who looks at it: a key of ``people()``.
    role: str
    # The path, given the people and the objects found for them.
    path: Callable[[Context], str]
    # The calendar feed is fetched without a session (calendar apps cannot log in).
    logged_in: bool = True


@dataclass
class Context:
    users: dict  # role key -> User
    cohort_id: int
    study_id: int
    feed_token: str


@dataclass(frozen=True)
class ResolvedPage:
    name: str
    role: str
    path: str
    user: object | None


PAGES: list[Page] = [
    Page(FLOOR, "coordinator", lambda c: "/bench/floor/"),
    Page("coordinator_home", "coordinator", lambda c: "/"),
    Page("participant_list", "coordinator", lambda c: "/programme/participants/"),
    Page("cohort_detail", "coordinator", lambda c: f"/programme/cohorts/{c.cohort_id}/"),
    Page(
        "attendance_grid",
        "coordinator",
        lambda c: f"/programme/cohorts/{c.cohort_id}/attendance/",
    ),
    Page("placement_list", "coordinator", lambda c: "/workplaces/placements/"),
    Page("support_session_list", "coordinator", lambda c: "/workplaces/sessions/"),
    Page("follow_up_list", "coordinator", lambda c: "/workplaces/reviews/"),
    Page("cadence_grid", "coordinator", lambda c: "/supervision/cadence/"),
    Page("supervision_session_list", "coordinator", lambda c: "/supervision/sessions/"),
    Page("survey_results", "researcher", lambda c: f"/evaluation/studies/{c.study_id}/results/"),
    Page("unit_manager_overview", "unit_manager", lambda c: "/workplaces/overview/"),
    Page("peer_session_form", "peer_supporter", lambda c: "/workplaces/sessions/new/"),
    Page("peer_session_list", "peer_supporter", lambda c: "/workplaces/sessions/"),
    Page("supervisor_home", "supervisor", lambda c: "/supervision/"),
    Page(
        "calendar_feed",
        "peer_supporter",
        lambda c: f"/notifications/calendar/{c.feed_token}.ics",
        logged_in=False,
    ),
]


def people() -> dict:
    """The busiest person in each role (see the module's docstring)."""
    from django.db.models import Count

    from peersupport.accounts.models import Membership, Region, Role
    from programmes.models import Participant
    from supervision.models import Supervisor
    from workplaces.models import Workplace

    region = Region.objects.annotate(n=Count("participants")).order_by("-n", "pk").first()
    coordinator = (
        Membership.objects.filter(region=region, role=Role.COORDINATOR, user__is_active=True)
        .order_by("pk")
        .first()
        .user
    )
    peer = (
        Participant.objects.filter(region=region, user__isnull=False, user__is_active=True)
        .annotate(n=Count("placements__support_sessions"))
        .order_by("-n", "pk")
        .first()
        .user
    )
    workplace = (
        Workplace.objects.filter(region=region, managers__isnull=False)
        .annotate(n=Count("placements", distinct=True))
        .order_by("-n", "pk")
        .first()
    )
    manager = workplace.managers.filter(is_active=True).order_by("pk").first()
    supervisor = (
        Supervisor.objects.filter(region=region, user__is_active=True)
        .annotate(n=Count("groups"))
        .order_by("-n", "pk")
        .first()
        .user
    )
    researcher = (
        Membership.objects.filter(role=Role.RESEARCHER, user__is_active=True)
        .order_by("pk")
        .first()
        .user
    )
    return {
        "coordinator": coordinator,
        "peer_supporter": peer,
        "unit_manager": manager,
        "supervisor": supervisor,
        "researcher": researcher,
        "region": region,
    }


def resolve_pages(pages: list[Page] | None = None) -> list[ResolvedPage]:
    from django.db.models import Count

    from evaluation.models import Study
    from peersupport.notifications.models import CalendarFeed
    from programmes.models import Cohort

    found = people()
    cohort = (
        Cohort.objects.filter(region=found["region"])
        .annotate(n=Count("enrolments"))
        .order_by("-n", "-start_date", "pk")
        .first()
    )
    study = Study.objects.annotate(n=Count("waves__invitations")).order_by("-n", "pk").first()
    feed, _ = CalendarFeed.objects.get_or_create(user=found["peer_supporter"])
    context = Context(users=found, cohort_id=cohort.pk, study_id=study.pk, feed_token=feed.token)
    return [
        ResolvedPage(
            name=page.name,
            role=page.role,
            path=page.path(context),
            user=found[page.role] if page.logged_in else None,
        )
        for page in pages or PAGES
    ]
