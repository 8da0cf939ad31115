"""The placements and support-session register sheets for the region's coordinators.
Registered from ``AppConfig.ready()``.

The placement sheet holds what the coordinator's placement pages show – the peer
supporter's name, the workplace, employer, hours, dates, status, agreed tasks, the reason
for ending and the follow-ups – and never the unit managers' review answers.

The support-session sheet holds a row per session with what the coordinator's session
list shows in its columns – date, peer supporter, workplace, kind of support, participants,
minutes and themes – and never the reflection or the service-user code: reading those is
audited one session at a time on the coordinator's pages, and a spreadsheet cannot audit
its reader. An admin may ask for it for every region at once (a Region column is added).

Each sheet is one query whatever the number of rows, read in chunks (``.iterator``) as
the worker writes the file, so the country's 250,000 sessions are never held at once."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peersupport.reports.registers import RegisterSheet, SheetContent, register_sheet

from .models import Placement, SessionKind, SupportSession, Theme

# Rows fetched from the database at a time while a sheet is written.
CHUNK_SIZE = 2000


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
        rows=(
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
            for placement in placements.iterator(chunk_size=CHUNK_SIZE)
        ),
    )


def support_sessions_sheet(region, actor) -> SheetContent:
    """A row per support session given at a workplace of the region (``None``: of every
    region, with the region named), newest first as the session list orders them."""
    sessions = SupportSession.objects.all()
    columns = ["date", "placement__participant__full_name", "placement__workplace__name"]
    headers = [_("Date"), _("Peer supporter"), _("Workplace")]
    if region is None:
        columns.append("placement__workplace__region__name")
        headers.append(_("Region"))
    else:
        sessions = sessions.filter(placement__workplace__region_id=region.pk)
    columns += ["kind", "participant_count", "minutes", "themes"]
    headers += [_("Kind of support"), _("Participants"), _("Minutes"), _("Themes")]
    rows = (
        sessions.order_by("-date", "-created_at", "-pk")
        .values_list(*columns)
        .iterator(chunk_size=CHUNK_SIZE)
    )
    return SheetContent(headers=headers, rows=_session_rows(rows))


def _session_rows(rows) -> Iterator[list]:
    """The session values as cells: the kind and the themes by their labels (looked up
    once, in the sheet's language)."""
    kinds = {kind.value: str(kind.label) for kind in SessionKind}
    themes = {theme.value: str(theme.label) for theme in Theme}
    for *fixed, kind, participant_count, minutes, chosen in rows:
        yield [
            *fixed,
            kinds.get(kind, kind),
            participant_count,
            minutes,
            ", ".join(themes[theme] for theme in chosen if theme in themes),
        ]


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
register_sheet(
    RegisterSheet(
        key="support_sessions",
        title=gettext_lazy("Support sessions"),
        order=35,
        description=gettext_lazy(
            "Every support session given at the region's workplaces: date, peer supporter, "
            "workplace, kind of support, participants, minutes and themes – never the "
            "reflection or the service-user code."
        ),
        build=support_sessions_sheet,
        national=True,
    )
)
