"""Survey tasks on the home pages (``peersupport.todo``).

Coordinators: waves still open whose response rate is under the wave's target, with the
figures the results page shows (small numbers applied). Peer supporters and unit
managers: the surveys open for them to answer, with their personal link.
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peersupport.accounts.models import Role
from peersupport.todo import TodoItem, TodoKind, register_todo

from .models import OPEN_STATUSES, Anchor, Invitation, StudyStatus, Wave
from .permissions import result_region_ids, studies_visible_to

# The results module's own counting, so the rate here is the one the results page shows.
from .results import response_counts, wave_responses


def _open_waves(user, today):
    """Waves of the user's open studies that are neither closed early nor past their
    custom window."""
    return (
        Wave.objects.filter(
            study__in=studies_visible_to(user).filter(status=StudyStatus.OPEN),
            closed_at__isnull=True,
        )
        .exclude(anchor=Anchor.CUSTOM, opens_on__gt=today)
        .exclude(anchor=Anchor.CUSTOM, closes_on__lt=today)
        .select_related("study")
        .order_by("study__name", "study_id", "position", "pk")
    )


def response_rates_under_target(user, region_ids, today) -> list[TodoItem]:
    """Open waves whose response rate over the viewer's regions is under its target. A
    wave whose rate is hidden by the small-number rule, or with no one invited yet, is
    left out: there is no figure to act on."""
    waves = list(_open_waves(user, today))
    if not waves:
        return []
    invitations = Invitation.objects.filter(wave__in=waves)
    allowed = result_region_ids(user)
    if allowed is not None:
        invitations = invitations.filter(region_id__in=allowed)
    counts, units = response_counts(invitations, waves)
    items = []
    for wave in waves:
        if not counts[wave.pk]:
            continue
        responses = wave_responses(wave, counts[wave.pk], units[wave.pk], None)
        if responses.meets_target is not False:
            continue
        items.append(
            TodoItem(
                text=f"{wave.study.name}: {wave.name}",
                url=reverse("evaluation:study_results", args=[wave.study_id]),
                detail=_("%(rate)s %% answered; target %(target)s %%")
                % {"rate": responses.summary.rate, "target": wave.target_response_rate},
            )
        )
    return items


def surveys_to_answer(user, region_ids, today) -> list[TodoItem]:
    """Survey invitations to the person that are open now and not yet answered."""
    now = timezone.now()
    invitations = (
        Invitation.objects.filter(
            Q(participant__user=user) | Q(user=user),
            status__in=OPEN_STATUSES,
            opens_at__lte=now,
            closes_at__gt=now,
            wave__closed_at__isnull=True,
            wave__study__status=StudyStatus.OPEN,
        )
        .select_related("wave__study")
        .order_by("closes_at", "pk")
    )
    return [
        TodoItem(
            text=invitation.wave.study.name,
            url=reverse("evaluation:answer_start", args=[invitation.token]),
            date=timezone.localdate(invitation.closes_at),
            detail=_("Open until %(date)s")
            % {"date": date_format(timezone.localtime(invitation.closes_at))},
        )
        for invitation in invitations
    ]


register_todo(
    TodoKind(
        key="response_rates_under_target",
        title=gettext_lazy("Survey response rates under target"),
        roles=frozenset({Role.COORDINATOR}),
        order=70,
        collect=response_rates_under_target,
        more_url="evaluation:study_list",
    )
)
register_todo(
    TodoKind(
        key="surveys_to_answer",
        title=gettext_lazy("Surveys to answer"),
        roles=frozenset({Role.PEER_SUPPORTER, Role.UNIT_MANAGER}),
        order=30,
        collect=surveys_to_answer,
    )
)
