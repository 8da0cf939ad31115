"""Where a trainee stands against the course's completion rule."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .models import AttendanceStatus


class Standing:
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    COMPLETE = "complete"

    LABELS = {
        ON_TRACK: _("On track"),
        AT_RISK: _("At risk"),
        COMPLETE: _("Complete"),
    }


@dataclass
class Progress:
    """A trainee's attendance in one cohort, measured against the template's rule."""

    days_total: int
    days_required: int
    present: int = 0
    absent: int = 0
    excused: int = 0
    missing_required_modules: list[str] = field(default_factory=list)
    unrecoverable_modules: list[str] = field(default_factory=list)

    @property
    def absences(self) -> int:
        return self.absent + self.excused

    @property
    def absences_allowed(self) -> int:
        return self.days_total - self.days_required

    @property
    def percent(self) -> int:
        return round(100 * self.present / self.days_total) if self.days_total else 0

    @property
    def standing(self) -> str:
        if self.present >= self.days_required and not self.missing_required_modules:
            return Standing.COMPLETE
        if self.absences > self.absences_allowed or self.unrecoverable_modules:
            return Standing.AT_RISK
        return Standing.ON_TRACK

    @property
    def standing_label(self):
        return Standing.LABELS[self.standing]

    @property
    def is_complete(self) -> bool:
        return self.standing == Standing.COMPLETE


def days_required(days_total: int, min_percent: int) -> int:
    return math.ceil(days_total * min_percent / 100)


def progress_for(
    sessions, attendance_by_session: dict, min_percent: int, required_modules
) -> Progress:
    """Progress of one trainee.

    ``sessions`` are the cohort's course days with ``modules`` prefetched;
    ``attendance_by_session`` maps a session id to this trainee's status;
    ``required_modules`` are the template's required modules.
    """
    return _progress(
        _modules_by_session(sessions), attendance_by_session, min_percent, required_modules
    )


def _modules_by_session(sessions) -> list[tuple[int, set[int]]]:
    return [(session.pk, {m.pk for m in session.modules.all()}) for session in sessions]


def _progress(
    modules_by_session: list[tuple[int, set[int]]],
    attendance_by_session: dict,
    min_percent: int,
    required_modules,
) -> Progress:
    days = len(modules_by_session)
    progress = Progress(days_total=days, days_required=days_required(days, min_percent))
    attended_modules: set[int] = set()
    still_possible: set[int] = set()
    for session_id, module_ids in modules_by_session:
        status = attendance_by_session.get(session_id)
        if status == AttendanceStatus.PRESENT:
            progress.present += 1
            attended_modules |= module_ids
        elif status == AttendanceStatus.ABSENT:
            progress.absent += 1
        elif status == AttendanceStatus.EXCUSED:
            progress.excused += 1
        else:
            still_possible |= module_ids
    for module in required_modules:
        if module.pk not in attended_modules:
            progress.missing_required_modules.append(module.name)
            if module.pk not in still_possible:
                progress.unrecoverable_modules.append(module.name)
    return progress


def completion_rule(cohort) -> tuple[int, list]:
    """The cohort's minimum attendance (%) and required modules: the rule it started with
    (``Cohort.rule_*``), or its template's while it is planned (and for cohorts that
    started before the rule was kept on the cohort).

    Reads the template's modules through ``cohort.template.modules.all()``, so a prefetch of
    ``template__modules`` keeps it free of queries."""
    modules = cohort.template.modules.all()
    if cohort.rule_required_module_ids is None:
        return cohort.min_attendance_percent, [m for m in modules if m.required]
    required_ids = set(cohort.rule_required_module_ids)
    return cohort.min_attendance_percent, [m for m in modules if m.pk in required_ids]


def cohort_progress(cohort, sessions, enrolments, attendances) -> dict[int, Progress]:
    """Progress per enrolment id, from already-fetched rows (no queries of its own
    beyond ``sessions``' prefetched modules and the template's modules). ``attendances``
    may be model instances or rows with ``enrolment_id``, ``session_id`` and ``status``."""
    by_enrolment: dict[int, dict[int, str]] = {}
    for attendance in attendances:
        by_enrolment.setdefault(attendance.enrolment_id, {})[attendance.session_id] = (
            attendance.status
        )
    min_percent, required = completion_rule(cohort)
    # Each course day's modules once, not once per trainee.
    modules_by_session = _modules_by_session(sessions)
    return {
        enrolment.pk: _progress(
            modules_by_session, by_enrolment.get(enrolment.pk, {}), min_percent, required
        )
        for enrolment in enrolments
    }
