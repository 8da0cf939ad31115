"""Invitations made from programme events, exactly once.

``make_due_invitations`` is the one way invitations are made: the daily sweep runs it
for everything, the programme's signals (see ``evaluation.signals``) run it for the one
respondent an event touched, and opening a study runs it for that study. The unique
constraint on (wave, anchor_key) keeps every run after the first from making any twice,
even when two runs race.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from ..anchors import Focus, due_respondents, invitation_window, moment_of
from ..models import (
    ANONYMOUS_GROUPS,
    Invitation,
    InvitationStatus,
    Study,
    StudyStatus,
    Wave,
    new_token,
)
from .reminders import schedule_invitation_emails, stop_reminders_of

PLACEMENT_ENDED_REASON = "The placement ended before the survey was answered."
WITHDRAWN_FROM_COURSE_REASON = "The trainee left the course before it ended."


def make_due_invitations(
    *,
    study: Study | None = None,
    today: dt.date | None = None,
    anchor: str | None = None,
    focus: Focus | None = None,
) -> int:
    """Make every personal invitation whose wave has opened for its respondent and whose
    window has not passed, in open studies covering the respondent's region, and put
    their e-mails in the outbox. Returns how many invitations are new.

    ``study``/``anchor``/``focus`` narrow the run; ``today`` runs it as on another day.
    """
    today = today or timezone.localdate()
    now = moment_of(today)
    waves = (
        Wave.objects.filter(study__status=StudyStatus.OPEN, closed_at__isnull=True)
        .exclude(group__in=ANONYMOUS_GROUPS)
        .select_related("study")
        .prefetch_related("study__regions")
        .order_by("study_id", "position", "pk")
    )
    if study is not None:
        waves = waves.filter(study=study)
    if anchor is not None:
        waves = waves.filter(anchor=anchor)
    made = 0
    for wave in waves:
        region_ids = {region.pk for region in wave.study.regions.all()} or None
        with transaction.atomic():
            made += _make_for_wave(wave, today=today, now=now, region_ids=region_ids, focus=focus)
    return made


def _make_for_wave(
    wave: Wave, *, today: dt.date, now: dt.datetime, region_ids: set[int] | None, focus
) -> int:
    candidates = {}
    for due in due_respondents(wave, today=today, region_ids=region_ids, focus=focus):
        opens_at, closes_at = invitation_window(wave, due.anchor_date, now=now)
        if closes_at <= opens_at:
            continue
        candidates[due.anchor_key] = Invitation(
            wave=wave,
            region_id=due.region_id,
            anchor_key=due.anchor_key,
            participant_id=due.participant_id,
            user_id=due.user_id,
            workplace_id=due.workplace_id,
            placement_id=due.placement_id,
            language=due.language if due.language in ("sv", "en") else "sv",
            opens_at=opens_at,
            closes_at=closes_at,
            token=new_token(),
        )
    if not candidates:
        return 0
    existing = set(
        Invitation.objects.filter(wave=wave, anchor_key__in=list(candidates)).values_list(
            "anchor_key", flat=True
        )
    )
    new = [invitation for key, invitation in candidates.items() if key not in existing]
    if not new:
        return 0
    # A concurrent run may insert the same (wave, anchor_key) meanwhile: ignore_conflicts
    # leaves its row, and only rows carrying our fresh tokens are ours to announce.
    Invitation.objects.bulk_create(new, ignore_conflicts=True)
    created = list(
        Invitation.objects.filter(token__in=[invitation.token for invitation in new])
        .select_related("wave")
        .order_by("pk")
    )
    schedule_invitation_emails(created)
    return len(created)


def _cancel(invitations, reason: str) -> int:
    pending = invitations.filter(status=InvitationStatus.PENDING)
    stop_reminders_of(pending)
    return pending.update(status=InvitationStatus.CANCELLED, cancelled_reason=reason)


@transaction.atomic
def cancel_placement_invitations(*, placement) -> int:
    """A placement that ended (or never started) calls off its invitations nobody has
    started, with their e-mails still unsent. Returns how many were cancelled."""
    return _cancel(Invitation.objects.filter(placement=placement), PLACEMENT_ENDED_REASON)


@transaction.atomic
def cancel_course_end_invitations(*, enrolment) -> int:
    """A trainee who left the course is not asked about its end."""
    return _cancel(
        Invitation.objects.filter(anchor_key=f"course_end:{enrolment.pk}"),
        WITHDRAWN_FROM_COURSE_REASON,
    )
