"""The programme's register sheets for the region's coordinators: its participants, and
its cohorts with each trainee's attendance. Registered from ``AppConfig.ready()``.

They hold what the coordinator's participant list and cohort pages show – names, e-mail
addresses, statuses, attendance counts and standing – and nothing else: no phone number,
no lived-experience declaration, no reason given for an absence. Each costs a fixed number
of queries whatever the number of rows."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import F, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peersupport.reports.registers import RegisterSheet, SheetContent, register_sheet

from .completion import cohort_progress
from .models import (
    Attendance,
    Certificate,
    Cohort,
    CourseModule,
    CourseSession,
    Enrolment,
    EnrolmentStatus,
    Participant,
)


def participants_sheet(region, actor) -> SheetContent:
    """A row per participant of the region, as the coordinator's participant list shows
    them, with the cohorts they were enrolled in."""
    enrolments = Enrolment.objects.select_related("cohort").order_by("cohort__start_date", "pk")
    participants = (
        Participant.objects.in_regions([region.pk])
        .prefetch_related(Prefetch("enrolments", queryset=enrolments))
        .order_by("full_name", "pk")
    )
    rows = [
        [
            participant.full_name,
            participant.email,
            participant.get_status_display(),
            timezone.localdate(participant.status_changed_at),
            participant.applied_on,
            ", ".join(
                f"{enrolment.cohort.name} ({enrolment.get_status_display().lower()})"
                for enrolment in participant.enrolments.all()
            ),
        ]
        for participant in participants
    ]
    return SheetContent(
        headers=[
            _("Name"),
            _("E-mail address"),
            _("Status"),
            _("Since"),
            _("Applied on"),
            _("Cohorts"),
        ],
        rows=rows,
    )


def cohorts_sheet(region, actor) -> SheetContent:
    """A row per trainee enrolled in each of the region's cohorts: the cohort, the days
    present, absent and not yet recorded, the days the completion rule requires, the
    standing the cohort page shows, and whether a current certificate was issued."""
    cohorts = list(
        Cohort.objects.in_regions([region.pk])
        .select_related("template")
        .prefetch_related(
            Prefetch("template__modules", queryset=CourseModule.objects.order_by("position"))
        )
        .order_by("-start_date", "name", "pk")
    )
    cohort_ids = [cohort.pk for cohort in cohorts]
    sessions = defaultdict(list)
    for session in CourseSession.objects.filter(cohort_id__in=cohort_ids).prefetch_related(
        "modules"
    ):
        sessions[session.cohort_id].append(session)
    enrolments = defaultdict(list)
    for enrolment in (
        Enrolment.objects.filter(cohort_id__in=cohort_ids, status=EnrolmentStatus.ENROLLED)
        .select_related("participant")
        .order_by("participant__full_name", "pk")
    ):
        enrolments[enrolment.cohort_id].append(enrolment)
    attendances = defaultdict(list)
    for attendance in (
        Attendance.objects.filter(session__cohort_id__in=cohort_ids)
        .annotate(cohort_id=F("session__cohort_id"))
        .only("enrolment_id", "session_id", "status")
    ):
        attendances[attendance.cohort_id].append(attendance)
    certified = set(
        Certificate.objects.filter(cohort_id__in=cohort_ids, replaced_at__isnull=True).values_list(
            "cohort_id", "participant_id"
        )
    )
    rows = []
    for cohort in cohorts:
        trainees = enrolments[cohort.pk]
        progress = cohort_progress(cohort, sessions[cohort.pk], trainees, attendances[cohort.pk])
        for enrolment in trainees:
            standing = progress[enrolment.pk]
            rows.append(
                [
                    cohort.name,
                    cohort.start_date,
                    cohort.end_date,
                    cohort.get_status_display(),
                    enrolment.participant.full_name,
                    standing.days_total,
                    standing.present,
                    standing.absent,
                    standing.excused,
                    standing.days_total - standing.present - standing.absences,
                    standing.days_required,
                    str(standing.standing_label),
                    _("Yes") if (cohort.pk, enrolment.participant_id) in certified else _("No"),
                ]
            )
    return SheetContent(
        headers=[
            _("Cohort"),
            _("Start date"),
            _("End date"),
            _("Cohort status"),
            _("Trainee"),
            _("Course days"),
            _("Days present"),
            _("Days absent"),
            _("Days of excused absence"),
            _("Days not recorded"),
            _("Days required"),
            _("Standing"),
            _("Certificate"),
        ],
        rows=rows,
    )


register_sheet(
    RegisterSheet(
        key="participants",
        title=gettext_lazy("Participants"),
        order=10,
        description=gettext_lazy(
            "Everyone registered in the region, from applicant to alumni: name, e-mail "
            "address, status and since when, the day they applied and their cohorts."
        ),
        build=participants_sheet,
    )
)
register_sheet(
    RegisterSheet(
        key="cohorts",
        title=gettext_lazy("Cohorts with attendance"),
        order=20,
        description=gettext_lazy(
            "A row per trainee in each of the region's cohorts: days present, absent, "
            "excused and not yet recorded, the days the completion rule requires, the "
            "standing and the certificate."
        ),
        build=cohorts_sheet,
    )
)
