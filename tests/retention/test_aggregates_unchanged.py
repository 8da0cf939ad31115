"""Thinning keeps every figure: the recruitment funnel, the unit manager's session
aggregates and chart, the workplace page, the aggregates CSV and the supervision cadence
read the same before and after everything due in two years has been thinned."""

from __future__ import annotations

import re

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from peersupport.retention.actions import thin_due_records
from peersupport.retention.anonymise import THINNED_NAME
from programmes.models import Participant

from .state import build_region

NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
# A thinned e-mail address holds the record's id; it is no figure.
EMAIL = re.compile(r"\S+@\S+")


def numbers(html: str) -> list[str]:
    """Every number a page shows, in sorted order (thinned names sort differently, so the
    rows may come in another order; the figures may not change)."""
    main = html.split("<main", 1)[-1]
    return sorted(NUMBER.findall(EMAIL.sub("", strip_tags(main))))


def content(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def aggregate_figures(aggregates) -> tuple:
    return (
        aggregates.sessions,
        aggregates.minutes,
        aggregates.people_reached,
        list(aggregates.kind_rows()),
        aggregates.theme_rows(),
    )


def snapshot(state, client_for) -> dict:
    coordinator = client_for(state.coordinator, reauthenticated=True)
    manager = client_for(state.unit_manager)

    participants = coordinator.get(reverse("programmes:participant_list"))
    home = manager.get(reverse("workplaces:manager_home"))
    workplace = coordinator.get(
        reverse("workplaces:workplace_detail", args=[state.placement.workplace_id])
    )
    export = coordinator.get(reverse("workplaces:aggregates_export"))
    cadence = coordinator.get(reverse("supervision:cadence"))
    for response in (participants, home, workplace, export, cadence):
        assert response.status_code == 200
    return {
        "funnel": [(step["status"], step["count"]) for step in participants.context["funnel"]],
        "participants": participants.context["page"].paginator.count,
        "participant page": numbers(participants.content.decode()),
        "manager cards": [
            (
                card["workplace"].pk,
                len(card["active"]),
                len(card["upcoming"]),
                card["reviews"],
                aggregate_figures(card["aggregates"]),
                card["chart"],
            )
            for card in home.context["cards"]
        ],
        "manager page": numbers(home.content.decode()),
        "workplace": (
            aggregate_figures(workplace.context["aggregates"]),
            workplace.context["chart"],
        ),
        "export": content(export),
        "cadence": (
            [[cell["state"] for cell in line["cells"]] for line in cadence.context["grid"]],
            [(point.month, point.expected, point.met) for point in cadence.context["trend"]],
            cadence.context["chart"],
        ),
    }


@pytest.mark.django_db
def test_every_aggregate_figure_is_unchanged_by_thinning(stockholm, skane, client_for):
    """Thinning as of two years and a month from now anonymises five people in
    Stockholm and empties every reflection, and no figure on the aggregate pages moves."""
    state = build_region(stockholm, tag="Sthlm")
    build_region(skane, tag="Skåne")
    before = snapshot(state, client_for)

    thin_due_records(now=timezone.now() + relativedelta(months=25))

    assert Participant.objects.filter(region=stockholm, full_name=THINNED_NAME).count() == 3
    after = snapshot(state, client_for)
    for page, figures in before.items():
        assert after[page] == figures, page
    assert before["participants"] == 5
    assert sum(count for _status, count in before["funnel"]) == 5
    assert before["workplace"][0][0] == 4
