"""Who is due for a wave, and from which day: one function per anchor (programme event).

Each function yields ``Due`` rows for one wave: the respondent, the date of the event
the wave is counted from and the ``anchor_key`` naming that event. They only read, so
running them again yields the same rows; ``actions.invitations.make_due_invitations``
turns them into invitations once. A ``Focus`` narrows a run to what one domain event
touched (the hooks' fast path); the daily sweep runs without one.

The anonymous groups (service users, staff) get no personal invitations: their slips are
printed for a workplace, and ``open_anonymous_windows`` says for which waves that may be
done now.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from peersupport.accounts.models import User
from programmes.models import Enrolment, EnrolmentStatus, Participant, ParticipantStatus
from workplaces.models import (
    Placement,
    PlacementStatus,
    ReadinessConfirmation,
    ReadinessItem,
    StaffTraining,
    Workplace,
)

from .models import Anchor, RespondentGroup, StudyStatus, Wave

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# A wave opens at eight in the morning, Swedish time, so its e-mail arrives in office hours.
OPENING_TIME = dt.time(8, 0)
# Peer supporters asked in a custom wave: everyone from the course onwards.
CUSTOM_WAVE_PARTICIPANT_STATUSES = (
    ParticipantStatus.TRAINEE,
    ParticipantStatus.CERTIFIED,
    ParticipantStatus.PLACED,
    ParticipantStatus.ALUMNI,
)
# Workplaces whose unit managers are asked in a custom wave: those that have had a
# peer supporter agreed, placed or ended.
TAKING_PART_PLACEMENT_STATUSES = (
    PlacementStatus.AGREED,
    PlacementStatus.ACTIVE,
    PlacementStatus.ENDED,
)


@dataclass(frozen=True)
class Focus:
    """Limits a run to the respondents one domain event touched."""

    enrolment_id: int | None = None
    placement_id: int | None = None
    workplace_id: int | None = None


@dataclass(frozen=True)
class Due:
    anchor_key: str
    anchor_date: dt.date
    region_id: int
    language: str
    participant_id: int | None = None
    user_id: int | None = None
    workplace_id: int | None = None
    placement_id: int | None = None


def moment_of(today: dt.date) -> dt.datetime:
    """ "Now" for a run on ``today``: the real now, or that day at the opening time when a
    run is made for another day (the sweep's ``today=``, as tests travel in time)."""
    if today == timezone.localdate():
        return timezone.now()
    return at_opening_time(today)


def at_opening_time(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, OPENING_TIME, tzinfo=STOCKHOLM)


def end_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=STOCKHOLM)


def opening_day(wave: Wave, anchor_date: dt.date) -> dt.date:
    """The day the wave opens for a respondent whose event was on ``anchor_date``."""
    if wave.anchor == Anchor.CUSTOM:
        return wave.opens_on
    return anchor_date + relativedelta(months=wave.offset_months, days=wave.offset_days)


def is_due(wave: Wave, anchor_date: dt.date, today: dt.date) -> bool:
    """The wave has opened for this event and its window has not passed."""
    if wave.anchor == Anchor.CUSTOM:
        return wave.opens_on <= today <= wave.closes_on
    opens = opening_day(wave, anchor_date)
    return opens <= today < opens + dt.timedelta(days=wave.window_days)


def _anchor_dates_between(wave: Wave, today: dt.date) -> tuple[dt.date, dt.date]:
    """A range of event dates that holds every event whose window is open today (a day
    wider on each side: months differ in length; ``is_due`` decides exactly)."""
    offset = relativedelta(months=wave.offset_months, days=wave.offset_days)
    latest = today - offset + dt.timedelta(days=1)
    earliest = today - offset - dt.timedelta(days=wave.window_days + 3)
    return earliest, latest


def _in_regions(queryset: QuerySet, field: str, region_ids: set[int] | None) -> QuerySet:
    return queryset if region_ids is None else queryset.filter(**{f"{field}__in": region_ids})


# Peer supporters --------------------------------------------------------------------------


def enrolment_respondents(
    wave: Wave, *, today: dt.date, region_ids: set[int] | None, focus: Focus | None = None
) -> Iterator[Due]:
    """Everyone enrolled in a course, from the day of their enrolment (the baseline)."""
    enrolments = Enrolment.objects.filter(status=EnrolmentStatus.ENROLLED).select_related(
        "participant"
    )
    if focus and focus.enrolment_id:
        enrolments = enrolments.filter(pk=focus.enrolment_id)
    else:
        earliest, latest = _anchor_dates_between(wave, today)
        enrolments = enrolments.filter(
            created_at__gte=end_of_day(earliest - dt.timedelta(days=1)),
            created_at__lt=end_of_day(latest),
        )
    for enrolment in _in_regions(enrolments, "participant__region_id", region_ids):
        yield Due(
            anchor_key=f"enrolment:{enrolment.pk}",
            anchor_date=timezone.localdate(enrolment.created_at),
            region_id=enrolment.participant.region_id,
            language=enrolment.participant.language,
            participant_id=enrolment.participant_id,
        )


def course_end_respondents(
    wave: Wave, *, today: dt.date, region_ids: set[int] | None, focus: Focus | None = None
) -> Iterator[Due]:
    """Everyone still enrolled when their course's last day has passed."""
    earliest, latest = _anchor_dates_between(wave, today)
    enrolments = Enrolment.objects.filter(
        status=EnrolmentStatus.ENROLLED,
        cohort__end_date__lt=today,
        cohort__end_date__gte=earliest,
        cohort__end_date__lte=latest,
    ).select_related("participant", "cohort")
    if focus and focus.enrolment_id:
        enrolments = enrolments.filter(pk=focus.enrolment_id)
    for enrolment in _in_regions(enrolments, "participant__region_id", region_ids):
        yield Due(
            anchor_key=f"course_end:{enrolment.pk}",
            anchor_date=enrolment.cohort.end_date,
            region_id=enrolment.participant.region_id,
            language=enrolment.participant.language,
            participant_id=enrolment.participant_id,
        )


def _started_placements(
    wave: Wave, *, today: dt.date, region_ids: set[int] | None, focus: Focus | None
) -> Iterator[Placement]:
    """Placements that have started and were still running on the wave's opening day."""
    placements = Placement.objects.filter(
        Q(status=PlacementStatus.ACTIVE)
        | Q(status=PlacementStatus.ENDED, end_date__gt=F("start_date")),
        start_date__lte=today,
    ).select_related("participant", "workplace")
    if focus and focus.placement_id:
        placements = placements.filter(pk=focus.placement_id)
    elif focus and focus.workplace_id:
        placements = placements.filter(workplace_id=focus.workplace_id)
    else:
        earliest, latest = _anchor_dates_between(wave, today)
        placements = placements.filter(start_date__gte=earliest, start_date__lte=latest)
    for placement in _in_regions(placements, "workplace__region_id", region_ids):
        opens = opening_day(wave, placement.start_date)
        if placement.status == PlacementStatus.ENDED and placement.end_date < opens:
            continue
        yield placement


def placement_respondents(
    wave: Wave, *, today: dt.date, region_ids: set[int] | None, focus: Focus | None = None
) -> Iterator[Due]:
    """The peer supporter of each placement, counted from its start."""
    for placement in _started_placements(wave, today=today, region_ids=region_ids, focus=focus):
        yield Due(
            anchor_key=f"placement:{placement.pk}",
            anchor_date=placement.start_date,
            region_id=placement.workplace.region_id,
            language=placement.participant.language,
            participant_id=placement.participant_id,
            workplace_id=placement.workplace_id,
            placement_id=placement.pk,
        )


def custom_participant_respondents(
    wave: Wave, *, today: dt.date, region_ids: set[int] | None, focus: Focus | None = None
) -> Iterator[Due]:
    """In a custom wave, every peer supporter from the course onwards."""
    participants = Participant.objects.filter(status__in=CUSTOM_WAVE_PARTICIPANT_STATUSES)
    for participant in _in_regions(participants, "region_id", region_ids):
        yield Due(
            anchor_key=f"participant:{participant.pk}",
            anchor_date=wave.opens_on,
            region_id=participant.region_id,
            language=participant.language,
            participant_id=participant.pk,
        )


# Unit managers ----------------------------------------------------------------------------


def _active_managers() -> Prefetch:
    return Prefetch(
        "managers", queryset=User.objects.filter(is_active=True).order_by("pk"), to_attr="asked"
    )


def readiness_met_on(workplace: Workplace) -> dt.date | None:
    """The day the workplace's last readiness requirement was met, or None while one is
    missing. Reads ``readiness`` and ``staff_trainings`` (prefetch them for many)."""
    # A withdrawn confirmation and a training only planned do not count (workplaces.models).
    confirmed = {r.item: r.confirmed_on for r in workplace.readiness.all() if not r.withdrawn_on}
    if any(item not in confirmed for item in ReadinessItem):
        return None
    required = settings.READINESS_STAFF_TRAININGS
    held = sorted(t.held_on for t in workplace.staff_trainings.all() if not t.is_planned)
    if len(held) < required:
        return None
    days = list(confirmed.values())
    if required:
        days.append(held[required - 1])
    return max(days)


def _with_readiness(workplaces: QuerySet[Workplace]) -> QuerySet[Workplace]:
    return workplaces.prefetch_related(
        Prefetch("readiness", queryset=ReadinessConfirmation.objects.order_by()),
        Prefetch("staff_trainings", queryset=StaffTraining.objects.order_by()),
    )


def readiness_respondents(
    wave: Wave, *, today: dt.date, region_ids: set[int] | None, focus: Focus | None = None
) -> Iterator[Due]:
    """Each unit manager of a workplace, counted from the day it became ready."""
    workplaces = _with_readiness(Workplace.objects.filter(managers__isnull=False).distinct())
    if focus and focus.workplace_id:
        workplaces = workplaces.filter(pk=focus.workplace_id)
    for workplace in _in_regions(workplaces, "region_id", region_ids).prefetch_related(
        _active_managers()
    ):
        ready_on = readiness_met_on(workplace)
        if ready_on is None:
            continue
        for manager in workplace.asked:
            yield Due(
                anchor_key=f"readiness:{workplace.pk}:{manager.pk}",
                anchor_date=ready_on,
                region_id=workplace.region_id,
                language=manager.language,
                user_id=manager.pk,
                workplace_id=workplace.pk,
            )


def placement_manager_respondents(
    wave: Wave, *, today: dt.date, region_ids: set[int] | None, focus: Focus | None = None
) -> Iterator[Due]:
    """Each unit manager of the workplace of a placement, counted from its start."""
    placements = list(_started_placements(wave, today=today, region_ids=region_ids, focus=focus))
    managers = _managers_by_workplace({placement.workplace_id for placement in placements})
    for placement in placements:
        for manager in managers.get(placement.workplace_id, []):
            yield Due(
                anchor_key=f"placement:{placement.pk}:{manager.pk}",
                anchor_date=placement.start_date,
                region_id=placement.workplace.region_id,
                language=manager.language,
                user_id=manager.pk,
                workplace_id=placement.workplace_id,
                placement_id=placement.pk,
            )


def custom_manager_respondents(
    wave: Wave, *, today: dt.date, region_ids: set[int] | None, focus: Focus | None = None
) -> Iterator[Due]:
    """In a custom wave, the unit managers of every workplace taking part."""
    workplaces = Workplace.objects.filter(
        placements__status__in=TAKING_PART_PLACEMENT_STATUSES
    ).distinct()
    for workplace in _in_regions(workplaces, "region_id", region_ids).prefetch_related(
        _active_managers()
    ):
        for manager in workplace.asked:
            yield Due(
                anchor_key=f"custom:{workplace.pk}:{manager.pk}",
                anchor_date=wave.opens_on,
                region_id=workplace.region_id,
                language=manager.language,
                user_id=manager.pk,
                workplace_id=workplace.pk,
            )


def _managers_by_workplace(workplace_ids: Iterable[int]) -> dict[int, list[User]]:
    through = Workplace.managers.through
    rows = through.objects.filter(
        workplace_id__in=list(workplace_ids), user__is_active=True
    ).select_related("user")
    managers: dict[int, list[User]] = {}
    for row in rows.order_by("user_id"):
        managers.setdefault(row.workplace_id, []).append(row.user)
    return managers


RESPONDENTS = {
    (RespondentGroup.PEER_SUPPORTERS, Anchor.ENROLMENT): enrolment_respondents,
    (RespondentGroup.PEER_SUPPORTERS, Anchor.COURSE_END): course_end_respondents,
    (RespondentGroup.PEER_SUPPORTERS, Anchor.PLACEMENT_START): placement_respondents,
    (RespondentGroup.PEER_SUPPORTERS, Anchor.CUSTOM): custom_participant_respondents,
    (RespondentGroup.UNIT_MANAGERS, Anchor.READINESS_MET): readiness_respondents,
    (RespondentGroup.UNIT_MANAGERS, Anchor.PLACEMENT_START): placement_manager_respondents,
    (RespondentGroup.UNIT_MANAGERS, Anchor.CUSTOM): custom_manager_respondents,
}


def due_respondents(
    wave: Wave, *, today: dt.date, region_ids: set[int] | None, focus: Focus | None = None
) -> Iterator[Due]:
    """The wave's respondents whose window is open on ``today`` (none for slip groups)."""
    respondents = RESPONDENTS.get((wave.group, wave.anchor))
    if respondents is None:
        return
    for due in respondents(wave, today=today, region_ids=region_ids, focus=focus):
        if is_due(wave, due.anchor_date, today):
            yield due


# Anonymous groups: slips ------------------------------------------------------------------


def open_anonymous_windows(
    workplace: Workplace, today: dt.date | None = None
) -> list[tuple[Wave, dt.datetime, dt.datetime]]:
    """The anonymous waves a batch of slips may be printed for at ``workplace`` today,
    each with the moments the slips open and close.

    A custom wave while its dates run; a readiness wave counted from the day the workplace
    became ready; a placement-start wave counted from the start of an active placement
    there (the latest started, when there are several).
    """
    today = today or timezone.localdate()
    now = moment_of(today)
    waves = (
        Wave.objects.filter(
            study__status=StudyStatus.OPEN,
            closed_at__isnull=True,
            group__in=[RespondentGroup.SERVICE_USERS, RespondentGroup.WORKPLACE_STAFF],
        )
        .filter(Q(study__regions__isnull=True) | Q(study__regions=workplace.region_id))
        .select_related("study")
        .distinct()
        .order_by("study_id", "position", "pk")
    )
    ready_on: dt.date | None = None
    placement_starts: list[dt.date] | None = None
    windows = []
    for wave in waves:
        if wave.anchor == Anchor.CUSTOM:
            candidates = [wave.opens_on]
        elif wave.anchor == Anchor.READINESS_MET:
            if ready_on is None:
                ready_on = readiness_met_on(_with_readiness(Workplace.objects).get(pk=workplace.pk))
            candidates = [ready_on] if ready_on else []
        elif wave.anchor == Anchor.PLACEMENT_START:
            if placement_starts is None:
                placement_starts = sorted(
                    workplace.placements.active()
                    .filter(start_date__lte=today)
                    .values_list("start_date", flat=True),
                    reverse=True,
                )
            candidates = placement_starts
        else:
            candidates = []
        for anchor_date in candidates:
            if is_due(wave, anchor_date, today):
                windows.append((wave, *invitation_window(wave, anchor_date, now=now)))
                break
    return windows


def invitation_window(
    wave: Wave, anchor_date: dt.date, *, now: dt.datetime
) -> tuple[dt.datetime, dt.datetime]:
    """When an invitation for this event opens (the opening day at eight, or now if that
    has passed) and closes (after the wave's window; a custom wave at its last day's end)."""
    opens_at = max(at_opening_time(opening_day(wave, anchor_date)), now)
    if wave.anchor == Anchor.CUSTOM:
        return opens_at, end_of_day(wave.closes_on)
    return opens_at, opens_at + dt.timedelta(days=wave.window_days)
