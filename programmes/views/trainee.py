"""The trainee's own pages: schedule, own attendance, certificates."""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import render
from django.utils import timezone

from ..completion import completion_rule, progress_for
from ..models import Attendance, CohortStatus, CourseModule, CourseSession, EnrolmentStatus
from ..permissions import certificates_visible_to, own_enrolments, own_participant


def my_course(request):
    """Any logged-in person: their own cohorts, days, attendance and certificates.

    A fixed number of queries however many cohorts and course days there are.
    """
    participant = own_participant(request.user)
    if participant is None:
        return render(request, "programmes/my_course.html", {"participant": None})
    enrolments = list(
        own_enrolments(request.user)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        # A cancelled cohort's trainees were told by e-mail; its days never happen.
        .exclude(cohort__status=CohortStatus.CANCELLED)
        .select_related("cohort__template", "cohort__region")
        .prefetch_related(
            Prefetch(
                "cohort__sessions",
                queryset=CourseSession.objects.prefetch_related(
                    Prefetch("modules", queryset=CourseModule.objects.order_by("position"))
                ).order_by("date", "day_number"),
            ),
            Prefetch("cohort__template__modules", queryset=CourseModule.objects.all()),
            Prefetch(
                "attendances",
                queryset=Attendance.objects.only("enrolment_id", "session_id", "status", "reason"),
            ),
        )
        .order_by("-cohort__start_date")
    )
    today = timezone.localdate()
    courses = [_course_of(enrolment, today) for enrolment in enrolments]
    certificates = list(
        certificates_visible_to(request.user)
        .filter(participant=participant, replaced_at__isnull=True)
        .select_related("cohort__template")
    )
    return render(
        request,
        "programmes/my_course.html",
        {"participant": participant, "courses": courses, "certificates": certificates},
    )


def _course_of(enrolment, today):
    """One cohort as the trainee sees it: each day with their own attendance."""
    cohort = enrolment.cohort
    sessions = list(cohort.sessions.all())
    attendance_by_session = {a.session_id: a for a in enrolment.attendances.all()}
    progress = None
    if enrolment.status == EnrolmentStatus.ENROLLED:
        min_percent, required = completion_rule(cohort)
        progress = progress_for(
            sessions,
            {pk: a.status for pk, a in attendance_by_session.items()},
            min_percent,
            required,
        )
    days = [
        {
            "session": session,
            "attendance": attendance_by_session.get(session.pk),
            "is_past": session.date < today,
            "is_today": session.date == today,
        }
        for session in sessions
    ]
    next_day = next((day for day in days if day["session"].date >= today), None)
    return {
        "enrolment": enrolment,
        "cohort": cohort,
        "days": days,
        "progress": progress,
        "next_day": next_day,
    }
