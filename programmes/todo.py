"""Programme tasks on the home pages (``peersupport.todo``).

Coordinators: trainees at risk of not completing their course, by the completion rule the
attendance grid and the certificates use. Peer supporters (trainees): their course days in
the next two weeks.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from peersupport.accounts.models import Role
from peersupport.todo import TodoItem, TodoKind, register_todo

from .completion import Progress, Standing
from .models import (
    LOCKED_COHORT_STATUSES,
    Cohort,
    CourseSession,
    EnrolmentStatus,
    Participant,
)
from .reports import standings_of

# The trainee's course days this many days ahead are on their home page.
COURSE_DAYS_AHEAD = 14


def _why_at_risk(progress: Progress) -> str:
    reasons = []
    if progress.absences > progress.absences_allowed:
        reasons.append(
            ngettext(
                "%(absences)s absence; %(allowed)s allowed.",
                "%(absences)s absences; %(allowed)s allowed.",
                progress.absences,
            )
            % {"absences": progress.absences, "allowed": progress.absences_allowed}
        )
    if progress.unrecoverable_modules:
        reasons.append(
            _("Required modules not attended: %(modules)s.")
            % {"modules": ", ".join(progress.unrecoverable_modules)}
        )
    return " ".join(reasons)


def trainees_at_risk(user, region_ids, today) -> list[TodoItem]:
    """Enrolled trainees of the regions' open cohorts who can no longer meet the rule
    without the coordinator's help: too many absences, or a required module missed."""
    at_risk = [
        (standings.cohort, standings.participant_ids[enrolment_id], progress)
        for standings in standings_of(Cohort.objects.in_regions(region_ids).open())
        for enrolment_id, progress in standings.progress.items()
        if progress.standing == Standing.AT_RISK
    ]
    if not at_risk:
        return []
    names = dict(
        Participant.objects.filter(
            pk__in={participant_id for _cohort, participant_id, _progress in at_risk}
        ).values_list("pk", "full_name")
    )
    at_risk.sort(key=lambda row: (row[0].start_date, row[0].pk, names[row[1]]))
    return [
        TodoItem(
            text=names[participant_id],
            url=reverse("programmes:cohort_detail", args=[cohort.pk]),
            detail=f"{cohort.name}: {_why_at_risk(progress)}",
        )
        for cohort, participant_id, progress in at_risk
    ]


def course_days_ahead(user, region_ids, today) -> list[TodoItem]:
    """The trainee's course days from today to two weeks ahead, in the cohorts they are
    enrolled in (not those closed or cancelled)."""
    days = (
        CourseSession.objects.filter(
            cohort__enrolments__participant__user=user,
            cohort__enrolments__status=EnrolmentStatus.ENROLLED,
            date__gte=today,
            date__lte=today + dt.timedelta(days=COURSE_DAYS_AHEAD),
        )
        .exclude(cohort__status__in=LOCKED_COHORT_STATUSES)
        .select_related("cohort")
        .order_by("date", "start_time", "pk")
    )
    url = reverse("programmes:my_course")
    return [
        TodoItem(
            text=_("Course day %(day)d: %(cohort)s")
            % {"day": day.day_number, "cohort": day.cohort.name},
            url=f"{url}#cohort-{day.cohort_id}-heading",
            date=day.date,
            detail=f"{date_format(day.date, 'l j F')} {time_format(day.start_time)}–"
            f"{time_format(day.end_time)}, {day.cohort.venue}",
        )
        for day in days
    ]


register_todo(
    TodoKind(
        key="trainees_at_risk",
        title=gettext_lazy("Trainees at risk"),
        roles=frozenset({Role.COORDINATOR}),
        order=30,
        collect=trainees_at_risk,
        more_url="programmes:cohort_list",
    )
)
register_todo(
    TodoKind(
        key="course_days_ahead",
        title=gettext_lazy("Course days coming up"),
        roles=frozenset({Role.PEER_SUPPORTER}),
        order=40,
        collect=course_days_ahead,
        more_url="programmes:my_course",
    )
)
