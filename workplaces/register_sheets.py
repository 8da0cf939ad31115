"""The placements register sheet for the region's coordinators. Registered from
``AppConfig.ready()``.

It holds what the coordinator's placement pages show – the peer supporter's name, the
workplace, employer, hours, dates, status, agreed tasks, the reason for ending and the
follow-ups – and never the unit managers' review answers, support sessions, reflections
or service-user codes. One query whatever the number of placements."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peersupport.reports.registers import RegisterSheet, SheetContent, register_sheet

from .models import Placement


def placements_sheet(region, actor) -> SheetContent:
    """A row per placement at a workplace of the region, newest first. Follow-ups: those
    due by today, those answered by anyone, and those overdue (due before today with no
    answer), as the placement page marks them."""
    today = timezone.localdate()
    placements = (
        Placement.objects.filter(workplace__region_id=region.pk)
        .select_related("participant", "workplace__organisation")
        .annotate(
            reviews_due=Count("reviews", filter=Q(reviews__due_on__lte=today), distinct=True),
            reviews_answered=Count(
                "reviews", filter=Q(reviews__responses__isnull=False), distinct=True
            ),
            reviews_overdue=Count(
                "reviews",
                filter=Q(reviews__due_on__lt=today, reviews__responses__isnull=True),
                distinct=True,
            ),
        )
        .order_by("-start_date", "participant__full_name", "pk")
    )
    rows = [
        [
            placement.participant.full_name,
            placement.workplace.name,
            placement.workplace.get_type_display(),
            placement.workplace.organisation.name,
            placement.get_employer_display(),
            placement.hours_per_week,
            placement.start_date,
            placement.end_date,
            placement.get_status_display(),
            ", ".join(str(label) for label in placement.task_labels()),
            placement.ended_reason,
            placement.reviews_due,
            placement.reviews_answered,
            placement.reviews_overdue,
        ]
        for placement in placements
    ]
    return SheetContent(
        headers=[
            _("Peer supporter"),
            _("Workplace"),
            _("Workplace type"),
            _("Organisation"),
            _("Employer of record"),
            _("Hours per week"),
            _("Start"),
            _("End"),
            _("Status"),
            _("Agreed tasks"),
            _("Reason for ending"),
            _("Follow-ups due"),
            _("Follow-ups answered"),
            _("Follow-ups overdue"),
        ],
        rows=rows,
    )


register_sheet(
    RegisterSheet(
        key="placements",
        title=gettext_lazy("Placements"),
        order=30,
        description=gettext_lazy(
            "Every placement at the region's workplaces: peer supporter, workplace, employer "
            "of record, hours per week, dates, status, agreed tasks and follow-ups."
        ),
        build=placements_sheet,
    )
)
