"""Every change in the programme: recruitment, cohorts, attendance, certificates, events."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from peersupport.accounts.actions import invite_person
from peersupport.accounts.models import Membership, Region, Role, User
from peersupport.accounts.scoping import coordinators_of, has_role_in_region
from peersupport.audit.actions import record_event
from peersupport.audit.models import AuditAction
from peersupport.dataprotection.actions import record_consent
from peersupport.dataprotection.models import ConsentMethod
from peersupport.dataprotection.registry import DataSubject
from peersupport.notifications.actions import cancel_notifications, schedule_notification
from peersupport.notifications.models import Notification
from peersupport.privacy import validate_person_name

from .completion import cohort_progress
from .event_audiences import audience_for
from .models import (
    ENDING_STATUSES,
    INTERVIEW_OUTCOME_STATUS,
    LOCKED_COHORT_STATUSES,
    STATUS_TRANSITIONS,
    Attendance,
    AttendanceStatus,
    Certificate,
    Cohort,
    CohortStatus,
    CourseModule,
    CourseSession,
    CourseTemplate,
    Enrolment,
    EnrolmentStatus,
    Event,
    EventInvitation,
    EventResponse,
    Interview,
    LeavingReason,
    Participant,
    ParticipantStatus,
    StatusChange,
    TemplateDay,
)
from .notifications import (
    COHORT_CANCELLED,
    COURSE_DAY_REMINDER,
    EVENT_CANCELLED,
    EVENT_INVITATION,
    INTEREST_RECEIVED,
    TRAINEE_AT_RISK,
)
from .permissions import can_manage_region, coordinated_region_ids
from .schedule import plan_dates
from .signals import enrolment_withdrawn, trainee_enrolled

REMINDER_TIME = dt.time(9, 0)
ALUMNI_STATUSES = (ParticipantStatus.CERTIFIED, ParticipantStatus.PLACED, ParticipantStatus.ALUMNI)


def _require_region(actor: User, region: Region) -> None:
    if not can_manage_region(actor, region):
        raise ValidationError(_("You can only manage the programme in regions you coordinate."))


def _require_open(cohort: Cohort) -> None:
    if cohort.is_cancelled:
        raise ValidationError(_("The cohort is cancelled; nothing in it can change any more."))
    if cohort.is_closed:
        raise ValidationError(_("The cohort is closed; its attendance and enrolments are locked."))


# Recruitment ------------------------------------------------------------------------------


@transaction.atomic
def register_applicant(
    *,
    actor: User | None,
    region: Region,
    full_name: str,
    email: str,
    phone: str = "",
    language: str = "sv",
    lived_experience_declared: bool,
    consent_method: str = "",
    consent_given_on: dt.date | None = None,
    consent_version: int | None = None,
    applied_on: dt.date | None = None,
    motivation: str = "",
) -> Participant:
    """Register an applicant who declares own lived experience, with their consent to the
    region keeping that declaration (GDPR art. 9.2 a), recorded in the same step.

    ``consent_method`` says how the consent was given; ``consent_version`` is the consent
    text version the form showed. ``actor`` is None when the applicant registers themselves
    on the public interest form (``submit_interest``)."""
    if actor is not None:
        _require_region(actor, region)
    validate_person_name(full_name, field="full_name")
    if not lived_experience_declared:
        raise ValidationError(
            {
                "lived_experience_declared": _(
                    "The programme is for people with own lived experience; the applicant must "
                    "declare it."
                )
            }
        )
    if not consent_method:
        raise ValidationError(
            {
                "consent_method": _(
                    "The declaration is health data: record how the applicant gave their "
                    "consent to it being kept."
                )
            }
        )
    email = email.strip().lower()
    if Participant.objects.filter(region=region, email__iexact=email).exists():
        raise ValidationError(
            {
                "email": _(
                    "An applicant with this e-mail address is already registered in %(region)s."
                )
                % {"region": region}
            }
        )
    participant = Participant.objects.create(
        region=region,
        full_name=full_name.strip(),
        email=email,
        phone=phone.strip(),
        language=language,
        lived_experience_declared=True,
        applied_on=applied_on or timezone.localdate(),
        motivation=motivation.strip(),
        # An account already holding another programme record (say, in another region)
        # stays with that record: an account has at most one.
        user=User.objects.filter(email__iexact=email, participant__isnull=True).first(),
    )
    StatusChange.objects.create(
        participant=participant, to_status=ParticipantStatus.APPLICANT, changed_by=actor
    )
    with _consent_errors_on("consent_"):
        record_consent(
            actor=actor,
            subject=participant.data_subject(),
            purpose=LIVED_EXPERIENCE,
            method=consent_method,
            given_on=consent_given_on,
            text_version=consent_version,
        )
    return participant


@transaction.atomic
def change_status(
    *,
    actor: User | None,
    participant: Participant,
    to_status: str,
    reason: str = "",
    reason_category: str | None = None,
) -> StatusChange:
    """Move a participant one step on their path; ending it (declined or left) needs a
    reason and its category (a ``LeavingReason``). A category is kept only on an ending
    step: the steps that do not end the path have none."""
    if actor is not None:
        _require_region(actor, participant.region)
    current = (
        Participant.objects.select_for_update()
        .values_list("status", flat=True)
        .get(pk=participant.pk)
    )
    participant.status = current
    if to_status not in STATUS_TRANSITIONS.get(participant.status, set()):
        raise ValidationError(
            {
                "to_status": _("%(name)s cannot go from %(from)s to %(to)s.")
                % {
                    "name": participant.full_name,
                    "from": ParticipantStatus(participant.status).label,
                    "to": ParticipantStatus(to_status).label,
                }
            }
        )
    ends_path = to_status in ENDING_STATUSES
    if ends_path and not reason.strip():
        raise ValidationError({"reason": _("Give a reason when the path ends here.")})
    if ends_path and reason_category not in LeavingReason.values:
        raise ValidationError(
            {"reason_category": _("Choose the kind of reason when the path ends here.")}
        )
    change = StatusChange.objects.create(
        participant=participant,
        from_status=participant.status,
        to_status=to_status,
        changed_by=actor,
        reason=reason.strip(),
        reason_category=reason_category if ends_path else None,
    )
    participant.status = to_status
    participant.status_changed_at = change.changed_at
    participant.save(update_fields=["status", "status_changed_at"])
    return change


# Consent to keeping the lived-experience declaration --------------------------------------

LIVED_EXPERIENCE = "lived_experience"


@contextmanager
def _consent_errors_on(prefix: str):
    """Show the consent action's field errors next to this form's consent fields."""
    try:
        yield
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise ValidationError(
            {f"{prefix}{field}": errors for field, errors in error.error_dict.items()}
        ) from error


@transaction.atomic
def declare_lived_experience(
    *,
    actor: User,
    participant: Participant,
    method: str,
    given_on: dt.date | None = None,
    text_version: int | None = None,
    request=None,
) -> Participant:
    """Record the participant's consent and, with it, their declaration of own lived
    experience: the declaration is kept only while the consent is valid."""
    _require_region(actor, participant.region)
    record_consent(
        actor=actor,
        subject=participant.data_subject(),
        purpose=LIVED_EXPERIENCE,
        method=method,
        given_on=given_on,
        text_version=text_version,
        request=request,
    )
    Participant.objects.filter(pk=participant.pk).update(lived_experience_declared=True)
    participant.lived_experience_declared = True
    return participant


def forget_lived_experience(subject: DataSubject, actor: User | None) -> None:
    """The consent was withdrawn: the declaration goes at once, from every page and export.
    The withdrawn consent record, dated, is the person's history of it."""
    Participant.objects.filter(pk=subject.pk).update(lived_experience_declared=False)


@transaction.atomic
def give_account(*, actor: User, participant: Participant, request=None) -> Participant:
    """Invite the participant to log in (as a peer supporter) and link the account."""
    _require_region(actor, participant.region)
    if participant.user_id:
        raise ValidationError(
            _("%(name)s already has an account.") % {"name": participant.full_name}
        )
    existing = User.objects.filter(email__iexact=participant.email).first()
    if existing and Participant.objects.filter(user=existing).exists():
        raise ValidationError(
            _(
                "The account with the e-mail address %(email)s already belongs to another "
                "programme record, so it cannot be linked to %(name)s."
            )
            % {"email": participant.email, "name": participant.full_name}
        )
    if (
        existing
        and Membership.objects.filter(
            user=existing, role=Role.PEER_SUPPORTER, region=participant.region
        ).exists()
    ):
        user = existing
    else:
        user = invite_person(
            actor=actor,
            email=participant.email,
            full_name=participant.full_name,
            role=Role.PEER_SUPPORTER,
            region=participant.region,
            language=participant.language,
            request=request,
        ).user
    participant.user = user
    participant.save(update_fields=["user"])
    return participant


# Course templates -------------------------------------------------------------------------


@dataclass(frozen=True)
class ModulePlan:
    """A module as the template editor leaves it; ``module`` is ``None`` for a new one."""

    module: CourseModule | None
    name: str
    learning_aims: str = ""
    required: bool = False
    delete: bool = False


@dataclass(frozen=True)
class DayPlan:
    """A course day: its week (0 is the first), weekday (0 is Monday) and module ids."""

    week: int
    weekday: int
    module_ids: frozenset[int] = frozenset()


def _require_template_editor(actor: User, template: CourseTemplate) -> None:
    if template.is_national:
        raise ValidationError(
            _(
                "A national course template is changed only by an admin. Copy it to your "
                "region to make your own version."
            )
        )
    if template.region_id not in coordinated_region_ids(actor):
        raise ValidationError(
            _("Only the coordinators of %(region)s can edit this course template.")
            % {"region": template.region}
        )


@transaction.atomic
def update_course_template(
    *,
    actor: User,
    template: CourseTemplate,
    name: str,
    description: str = "",
    min_attendance_percent: int,
    day_start: dt.time,
    day_end: dt.time,
    modules: Sequence[ModulePlan] | None = None,
    days: Sequence[DayPlan] | None = None,
) -> CourseTemplate:
    """Change a region's course template: its name, completion rule, day times, modules and
    day plan. Only the template's region's coordinators may; national templates are the
    admins'.

    Cohorts already scheduled keep their course days. A cohort that has started keeps the
    completion rule (minimum attendance, required modules) it started with; a planned one
    follows the template until its first attendance is recorded. Days are renumbered in
    course order (by week, then weekday).
    """
    template = CourseTemplate.objects.select_for_update().get(pk=template.pk)
    _require_template_editor(actor, template)
    name = name.strip()
    errors = {}
    if not name:
        errors["name"] = _("Give the template a name.")
    elif CourseTemplate.objects.filter(name__iexact=name).exclude(pk=template.pk).exists():
        errors["name"] = _("Another course template already has this name.")
    if not 1 <= min_attendance_percent <= 100:
        errors["min_attendance_percent"] = _(
            "The minimum attendance is a share of the course days: between 1 and 100 %."
        )
    if day_end <= day_start:
        errors["day_end"] = _("A course day must end after it starts.")
    if errors:
        raise ValidationError(errors)
    template.name = name
    template.description = description.strip()
    template.min_attendance_percent = min_attendance_percent
    template.day_start, template.day_end = day_start, day_end
    template.save()
    if modules is not None:
        _save_template_modules(template, modules)
    if days is not None:
        _plan_template_days(template, days)
    unplanned = sorted(
        template.modules.filter(required=True, days__isnull=True).values_list("name", flat=True)
    )
    if unplanned:
        raise ValidationError(
            _(
                "A required module must be taught on at least one course day, or nobody can "
                "complete the course. Plan it on a day or make it optional: %(names)s."
            )
            % {"names": ", ".join(unplanned)}
        )
    record_event(actor=actor, action=AuditAction.UPDATE, obj=template)
    return template


@transaction.atomic
def copy_course_template(
    *, actor: User, template: CourseTemplate, region: Region
) -> CourseTemplate:
    """Copy a national course template (days, modules, completion rule, day times) into
    ``region``, where its coordinators can change it."""
    _require_region(actor, region)
    if not template.is_national:
        raise ValidationError(_("Only a national course template can be copied to a region."))
    base = f"{template.name} – {region.name}"
    name, number = base, 1
    while CourseTemplate.objects.filter(name__iexact=name).exists():
        number += 1
        name = f"{base} ({number})"
    copy = CourseTemplate.objects.create(
        name=name,
        description=template.description,
        min_attendance_percent=template.min_attendance_percent,
        day_start=template.day_start,
        day_end=template.day_end,
        region=region,
        copied_from=template,
    )
    module_copies = {
        module.pk: CourseModule.objects.create(
            template=copy,
            name=module.name,
            learning_aims=module.learning_aims,
            required=module.required,
            position=module.position,
        )
        for module in template.modules.all()
    }
    for day in template.days.prefetch_related("modules"):
        day_copy = TemplateDay.objects.create(
            template=copy, number=day.number, week=day.week, weekday=day.weekday
        )
        day_copy.modules.set(module_copies[module.pk] for module in day.modules.all())
    record_event(
        actor=actor,
        action=AuditAction.CREATE,
        obj=copy,
        detail={"copied_from": template.pk},
    )
    return copy


def _save_template_modules(template: CourseTemplate, plans: Sequence[ModulePlan]) -> None:
    if any(plan.module and plan.module.template_id != template.pk for plan in plans):
        raise ValidationError(_("A module of another course template cannot be changed here."))
    doomed = [plan.module.pk for plan in plans if plan.delete and plan.module]
    taught = sorted(
        set(
            CourseModule.objects.filter(pk__in=doomed, sessions__isnull=False).values_list(
                "name", flat=True
            )
        )
    )
    if taught:
        raise ValidationError(
            _(
                "Cohorts have been taught %(names)s, so the module cannot be deleted; make it "
                "optional instead."
            )
            % {"names": ", ".join(taught)}
        )
    kept = [plan for plan in plans if not plan.delete]
    if any(not plan.name.strip() for plan in kept):
        raise ValidationError(_("Every module needs a name."))
    seen: set[str] = set()
    for plan in kept:
        key = plan.name.strip().casefold()
        if key in seen:
            raise ValidationError(
                _("Two modules are called %(name)s; give each module its own name.")
                % {"name": plan.name.strip()}
            )
        seen.add(key)
    CourseModule.objects.filter(pk__in=doomed).delete()
    # Names are unique per template: free the old names first, so modules can swap names.
    renamed = [plan.module.pk for plan in kept if plan.module]
    for pk in renamed:
        CourseModule.objects.filter(pk=pk).update(name=f"(renaming {pk})")
    for position, plan in enumerate(kept):
        module = plan.module or CourseModule(template=template)
        module.name = plan.name.strip()
        module.learning_aims = plan.learning_aims.strip()
        module.required = plan.required
        module.position = position
        module.save()


def _plan_template_days(template: CourseTemplate, plans: Sequence[DayPlan]) -> None:
    if not plans:
        raise ValidationError(_("A course template must keep at least one course day."))
    if any(plan.week < 0 or plan.weekday not in TemplateDay.Weekday.values for plan in plans):
        raise ValidationError(
            _("Course days fall on weekdays, Monday to Friday, of week 1 or later.")
        )
    slots: set[tuple[int, int]] = set()
    for plan in plans:
        slot = (plan.week, plan.weekday)
        if slot in slots:
            raise ValidationError(
                _("Two course days are planned on %(weekday)s of week %(week)s.")
                % {"weekday": TemplateDay.Weekday(plan.weekday).label, "week": plan.week + 1}
            )
        slots.add(slot)
    module_ids = set(template.modules.values_list("pk", flat=True))
    template.days.all().delete()
    ordered = sorted(plans, key=lambda plan: (plan.week, plan.weekday))
    days = TemplateDay.objects.bulk_create(
        TemplateDay(template=template, number=number, week=plan.week, weekday=plan.weekday)
        for number, plan in enumerate(ordered, start=1)
    )
    DayModule = TemplateDay.modules.through
    DayModule.objects.bulk_create(
        DayModule(templateday_id=day.pk, coursemodule_id=module_id)
        for day, plan in zip(days, ordered, strict=True)
        for module_id in sorted(plan.module_ids & module_ids)
    )


# Course templates and cohorts -----------------------------------------------------------


@transaction.atomic
def create_cohort(
    *,
    actor: User,
    region: Region,
    template: CourseTemplate,
    name: str,
    venue: str,
    capacity: int,
    start_date: dt.date,
    trainers: str = "",
) -> Cohort:
    _require_region(actor, region)
    if template.region_id not in (None, region.pk):
        raise ValidationError({"template": _("This course template belongs to another region.")})
    cohort = Cohort.objects.create(
        region=region,
        template=template,
        name=name.strip(),
        venue=venue.strip(),
        capacity=capacity,
        start_date=start_date,
        trainers=trainers.strip(),
    )
    generate_schedule(actor=actor, cohort=cohort)
    return cohort


@transaction.atomic
def update_cohort(*, actor: User, cohort: Cohort, **fields) -> Cohort:
    _require_region(actor, cohort.region)
    _require_open(cohort)
    enrolled = cohort.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()
    if "capacity" in fields and fields["capacity"] < enrolled:
        raise ValidationError(
            {
                "capacity": _(
                    "%(count)s trainees are already enrolled; the capacity cannot be lower."
                )
                % {"count": enrolled}
            }
        )
    for name, value in fields.items():
        setattr(cohort, name, value)
    cohort.save()
    return cohort


@transaction.atomic
def generate_schedule(*, actor: User, cohort: Cohort) -> list[CourseSession]:
    """(Re)create the cohort's course days from its template, skipping holidays."""
    _require_region(actor, cohort.region)
    _require_open(cohort)
    if Attendance.objects.filter(session__cohort=cohort).exists():
        raise ValidationError(
            _(
                "Attendance has been recorded, so the schedule can no longer be regenerated; "
                "edit single days instead."
            )
        )
    days = list(cohort.template.days.prefetch_related("modules").order_by("number"))
    if not days:
        raise ValidationError(_("The course template has no days."))
    cohort.sessions.all().delete()
    dates = plan_dates(cohort.start_date, [(day.week, day.weekday) for day in days])
    sessions = []
    for day, date in zip(days, dates, strict=True):
        session = CourseSession.objects.create(
            cohort=cohort,
            day_number=day.number,
            date=date,
            start_time=cohort.template.day_start,
            end_time=cohort.template.day_end,
        )
        session.modules.set(day.modules.all())
        sessions.append(session)
    _refresh_end_date(cohort)
    return sessions


def _refresh_end_date(cohort: Cohort) -> None:
    cohort.end_date = cohort.sessions.aggregate(last=Max("date"))["last"]
    cohort.save(update_fields=["end_date"])


@transaction.atomic
def update_session(
    *,
    actor: User,
    session: CourseSession,
    date: dt.date,
    start_time: dt.time,
    end_time: dt.time,
) -> CourseSession:
    _require_region(actor, session.cohort.region)
    _require_open(session.cohort)
    if end_time <= start_time:
        raise ValidationError({"end_time": _("The day must end after it starts.")})
    if (
        CourseSession.objects.filter(cohort=session.cohort, date=date)
        .exclude(pk=session.pk)
        .exists()
    ):
        raise ValidationError({"date": _("The cohort already has a course day on this date.")})
    moved = (date, start_time, end_time) != (session.date, session.start_time, session.end_time)
    session.date, session.start_time, session.end_time = date, start_time, end_time
    session.save()
    _refresh_end_date(session.cohort)
    if moved:
        _move_course_day_reminders(session)
    return session


def _move_course_day_reminders(session: CourseSession) -> None:
    """The day moved: its queued reminders go, and follow it to its new date (due the
    morning before) if any had been queued or the new date is tomorrow, which the hourly
    scheduling has already passed. Reminders already sent stay as they were."""
    withdrawn = cancel_notifications(subject=session, kind=COURSE_DAY_REMINDER.key)
    today = timezone.localdate()
    if session.date > today and (withdrawn or session.date == today + dt.timedelta(days=1)):
        _remind_trainees_of(session)


def _overlapping_enrolment(participant: Participant, cohort: Cohort) -> Enrolment | None:
    start, end = cohort.start_date, cohort.end_date or cohort.start_date
    return (
        Enrolment.objects.filter(participant=participant)
        .exclude(cohort=cohort)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .exclude(cohort__status=CohortStatus.CANCELLED)
        .filter(cohort__start_date__lte=end, cohort__end_date__gte=start)
        .select_related("cohort")
        .first()
    )


@transaction.atomic
def enrol(*, actor: User, cohort: Cohort, participant: Participant) -> Enrolment:
    """Enrol an accepted applicant, or put them on the waiting list when the cohort is full."""
    _require_region(actor, cohort.region)
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    _require_open(cohort)
    if participant.region_id != cohort.region_id:
        raise ValidationError({"participant": _("The applicant belongs to another region.")})
    if participant.status not in (ParticipantStatus.ACCEPTED, ParticipantStatus.TRAINEE):
        raise ValidationError(
            {
                "participant": _(
                    "Only accepted applicants can be enrolled; %(name)s is %(status)s."
                )
                % {
                    "name": participant.full_name,
                    "status": ParticipantStatus(participant.status).label.lower(),
                }
            }
        )
    existing = Enrolment.objects.filter(cohort=cohort, participant=participant).first()
    if existing and existing.status != EnrolmentStatus.WITHDRAWN:
        raise ValidationError(
            {
                "participant": _("%(name)s is already in this cohort.")
                % {"name": participant.full_name}
            }
        )
    overlapping = _overlapping_enrolment(participant, cohort)
    if overlapping:
        raise ValidationError(
            {
                "participant": _("%(name)s is already in %(cohort)s, which overlaps these dates.")
                % {"name": participant.full_name, "cohort": overlapping.cohort.name}
            }
        )
    enrolled = cohort.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()
    status = EnrolmentStatus.ENROLLED if enrolled < cohort.capacity else EnrolmentStatus.WAITLISTED
    if existing:
        existing.status, existing.created_at = status, timezone.now()
        existing.save(update_fields=["status", "created_at"])
        enrolment = existing
    else:
        enrolment = Enrolment.objects.create(cohort=cohort, participant=participant, status=status)
    if status == EnrolmentStatus.ENROLLED and participant.status == ParticipantStatus.ACCEPTED:
        change_status(actor=actor, participant=participant, to_status=ParticipantStatus.TRAINEE)
    if status == EnrolmentStatus.ENROLLED:
        trainee_enrolled.send(sender=Enrolment, enrolment=enrolment)
    return enrolment


@transaction.atomic
def withdraw(*, actor: User, enrolment: Enrolment, reason: str) -> Enrolment | None:
    """Take a trainee out of a cohort; the first on the waiting list gets the place.

    Returns the enrolment that moved up from the waiting list, if any.
    """
    cohort = Cohort.objects.select_for_update().get(pk=enrolment.cohort_id)
    _require_region(actor, cohort.region)
    _require_open(cohort)
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for the withdrawal.")})
    was_enrolled = enrolment.status == EnrolmentStatus.ENROLLED
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.save(update_fields=["status"])
    enrolment_withdrawn.send(sender=Enrolment, enrolment=enrolment)
    participant = enrolment.participant
    if participant.status == ParticipantStatus.TRAINEE:
        change_status(
            actor=actor,
            participant=participant,
            to_status=ParticipantStatus.ACCEPTED,
            reason=reason,
        )
    if not was_enrolled:
        return None
    next_in_line = (
        cohort.enrolments.filter(status=EnrolmentStatus.WAITLISTED)
        .select_related("participant")
        .order_by("created_at", "pk")
        .first()
    )
    if next_in_line:
        next_in_line.status = EnrolmentStatus.ENROLLED
        next_in_line.save(update_fields=["status"])
        if next_in_line.participant.status == ParticipantStatus.ACCEPTED:
            change_status(
                actor=actor,
                participant=next_in_line.participant,
                to_status=ParticipantStatus.TRAINEE,
            )
        trainee_enrolled.send(sender=Enrolment, enrolment=next_in_line)
    return next_in_line


# Attendance and completion --------------------------------------------------------------


@transaction.atomic
def record_attendance(
    *,
    actor: User,
    session: CourseSession,
    enrolment: Enrolment,
    status: str | None,
    reason: str = "",
) -> Attendance | None:
    """Set (or, with ``status=None``, clear) one cell of the attendance grid."""
    cohort = session.cohort
    _require_region(actor, cohort.region)
    _require_open(cohort)
    if enrolment.cohort_id != cohort.pk or enrolment.status != EnrolmentStatus.ENROLLED:
        raise ValidationError(_("The trainee is not enrolled in this cohort."))
    if status is None:
        Attendance.objects.filter(session=session, enrolment=enrolment).delete()
        return None
    if status not in AttendanceStatus.values:
        raise ValidationError({"status": _("Unknown attendance status.")})
    reason = reason.strip()
    if status == AttendanceStatus.EXCUSED and not reason:
        raise ValidationError({"reason": _("Give a reason for the excused absence.")})
    attendance, _created = Attendance.objects.update_or_create(
        session=session,
        enrolment=enrolment,
        defaults={
            "status": status,
            "recorded_by": actor,
            "reason": reason if status == AttendanceStatus.EXCUSED else "",
        },
    )
    if cohort.status == CohortStatus.PLANNED:
        # The cohort starts: from now on it keeps the completion rule it started with.
        cohort.status = CohortStatus.RUNNING
        cohort.rule_min_attendance_percent = cohort.template.min_attendance_percent
        cohort.rule_required_module_ids = sorted(
            cohort.template.modules.filter(required=True).values_list("pk", flat=True)
        )
        cohort.save(
            update_fields=["status", "rule_min_attendance_percent", "rule_required_module_ids"]
        )
    if status != AttendanceStatus.PRESENT:
        # Only an absence can put a trainee at risk; skipping the check on present days
        # keeps the common click in the attendance grid cheap.
        _tell_coordinators_if_at_risk(cohort, enrolment)
    return attendance


def cohort_standings(cohort: Cohort):
    """Progress of every enrolled trainee in the cohort: a fixed number of queries."""
    sessions = list(cohort.sessions.prefetch_related("modules"))
    enrolments = list(
        cohort.enrolments.filter(status=EnrolmentStatus.ENROLLED).select_related("participant")
    )
    attendances = Attendance.objects.filter(session__cohort=cohort).only(
        "enrolment_id", "session_id", "status"
    )
    progress = cohort_progress(cohort, sessions, enrolments, attendances)
    return sessions, enrolments, progress


def _tell_coordinators_if_at_risk(cohort: Cohort, enrolment: Enrolment) -> None:
    if enrolment.at_risk_notified_at:
        return
    _sessions, _enrolments, progress = cohort_standings(cohort)
    if progress[enrolment.pk].standing != "at_risk":
        return
    enrolment.at_risk_notified_at = timezone.now()
    enrolment.save(update_fields=["at_risk_notified_at"])
    for coordinator in coordinators_of(cohort.region_id):
        schedule_notification(recipient=coordinator, kind=TRAINEE_AT_RISK.key, subject=enrolment)


@transaction.atomic
def close_cohort(*, actor: User, cohort: Cohort) -> Cohort:
    _require_region(actor, cohort.region)
    _require_open(cohort)
    cohort.status = CohortStatus.CLOSED
    cohort.closed_at = timezone.now()
    cohort.save(update_fields=["status", "closed_at"])
    return cohort


# No 0/O, 1/I: a code read off paper is typed back without confusing them.
CERTIFICATE_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_certificate_code() -> str:
    raw = "".join(secrets.choice(CERTIFICATE_CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


@transaction.atomic
def certify(*, actor: User, cohort: Cohort, enrolments: list[Enrolment]) -> list[Certificate]:
    """Certify the given trainees of the cohort. Each must have completed the course."""
    _require_region(actor, cohort.region)
    _sessions, enrolled, progress = cohort_standings(cohort)
    enrolled_ids = {e.pk for e in enrolled}
    not_complete = [
        e.participant.full_name
        for e in enrolments
        if e.pk not in enrolled_ids or not progress[e.pk].is_complete
    ]
    if not_complete:
        raise ValidationError(
            _(
                "Only trainees who have completed the course can be certified. Not complete: "
                "%(names)s."
            )
            % {"names": ", ".join(not_complete)}
        )
    certificates = []
    for enrolment in enrolments:
        participant = enrolment.participant
        if participant.status == ParticipantStatus.TRAINEE:
            change_status(
                actor=actor, participant=participant, to_status=ParticipantStatus.CERTIFIED
            )
        if Certificate.objects.filter(
            participant=participant, cohort=cohort, replaced_at=None
        ).exists():
            continue
        certificates.append(
            Certificate.objects.create(
                participant=participant,
                cohort=cohort,
                code=new_certificate_code(),
                issued_by=actor,
                days_attended=progress[enrolment.pk].present,
                days_total=progress[enrolment.pk].days_total,
            )
        )
    return certificates


@transaction.atomic
def reissue_certificate(*, actor: User, certificate: Certificate) -> Certificate:
    """A new certificate with a new code; the old one stays in the history as replaced."""
    _require_region(actor, certificate.participant.region)
    if certificate.replaced_at:
        raise ValidationError(_("This certificate has already been replaced."))
    certificate.replaced_at = timezone.now()
    certificate.save(update_fields=["replaced_at"])
    new = Certificate.objects.create(
        participant=certificate.participant,
        cohort=certificate.cohort,
        code=new_certificate_code(),
        issued_by=actor,
        days_attended=certificate.days_attended,
        days_total=certificate.days_total,
    )
    record_event(
        actor=actor,
        action=AuditAction.CREATE,
        obj=new,
        detail={"reissued": True, "replaces": certificate.pk},
    )
    return new


def record_certificate_download(*, actor: User, certificate: Certificate, request=None) -> None:
    record_event(
        actor=actor,
        action=AuditAction.EXPORT,
        obj=certificate,
        request=request,
        detail={"document": "certificate"},
    )


# Reminders ------------------------------------------------------------------------------


def schedule_course_day_reminders(*, day: dt.date | None = None) -> int:
    """Queue a reminder to every enrolled trainee with an account for each course day
    ``day`` (tomorrow by default). Running it again schedules nothing new."""
    day = day or timezone.localdate() + dt.timedelta(days=1)
    sessions = (
        CourseSession.objects.filter(date=day)
        .exclude(cohort__status__in=LOCKED_COHORT_STATUSES)
        .select_related("cohort")
    )
    return sum(_remind_trainees_of(session) for session in sessions)


def _remind_trainees_of(session: CourseSession) -> int:
    """Queue the reminder of ``session`` to its enrolled trainees with an account; returns
    how many were new."""
    # Sent from nine in the morning the day before, not in the middle of the night.
    morning_before = timezone.make_aware(
        dt.datetime.combine(session.date - dt.timedelta(days=1), REMINDER_TIME)
    )
    due_at = max(morning_before, timezone.now())
    enrolments = session.cohort.enrolments.filter(
        status=EnrolmentStatus.ENROLLED,
        participant__user__isnull=False,
        participant__user__is_active=True,
    ).select_related("participant__user")
    scheduled = 0
    for enrolment in enrolments:
        _n, created = schedule_notification(
            recipient=enrolment.participant.user,
            kind=COURSE_DAY_REMINDER.key,
            subject=session,
            occurrence=session.date.isoformat(),
            due_at=due_at,
        )
        scheduled += created
    return scheduled


# Reunions and continuing education --------------------------------------------------------


@transaction.atomic
def create_event(
    *,
    actor: User,
    region: Region,
    kind: str,
    title: str,
    starts_at,
    ends_at,
    venue: str = "",
    description: str = "",
) -> Event:
    _require_region(actor, region)
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The event must end after it starts.")})
    return Event.objects.create(
        region=region,
        kind=kind,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        venue=venue.strip(),
        description=description.strip(),
    )


@transaction.atomic
def invite_alumni(*, actor: User, event: Event) -> int:
    """Invite every certified, placed or alumni participant of the event's region.

    Those with an account are told by e-mail, unless the event has already begun (a
    coordinator may invite afterwards only to record who came). Returns how many were
    newly invited; inviting again invites only those who were not yet.
    """
    _require_region(actor, event.region)
    _require_invitable(event)
    if audience_for(event.kind) is not None:
        raise ValidationError(_("This kind of event is not for the alumni."))
    alumni = Participant.objects.filter(
        region=event.region, status__in=ALUMNI_STATUSES
    ).select_related("user")
    already = set(event.invitations.values_list("participant_id", flat=True))
    new = EventInvitation.objects.bulk_create(
        EventInvitation(event=event, participant=p) for p in alumni if p.pk not in already
    )
    _tell_invited(event, new)
    return len(new)


@transaction.atomic
def record_event_attendance(
    *, actor: User, invitation: EventInvitation, attended: bool | None
) -> EventInvitation:
    _require_region(actor, invitation.event.region)
    invitation.attended = attended
    invitation.save(update_fields=["attended"])
    return invitation


# Upkeep: correcting and cancelling (issue 12) -------------------------------------------


@transaction.atomic
def update_participant(
    *,
    actor: User,
    participant: Participant,
    full_name: str,
    email: str,
    phone: str = "",
    language: str,
    applied_on: dt.date | None = None,
    request=None,
) -> Participant:
    """Correct a participant's name, contact details, language or application date, by the
    rules of registering them. The audit log names the fields changed, not their values.
    A linked account keeps its own e-mail address (the person logs in with it)."""
    _require_region(actor, participant.region)
    validate_person_name(full_name, field="full_name")
    email = email.strip().lower()
    if (
        Participant.objects.filter(region=participant.region, email__iexact=email)
        .exclude(pk=participant.pk)
        .exists()
    ):
        raise ValidationError(
            {
                "email": _("Another participant in %(region)s has this e-mail address.")
                % {"region": participant.region}
            }
        )
    new_values = {
        "full_name": full_name.strip(),
        "email": email,
        "phone": phone.strip(),
        "language": language,
        "applied_on": applied_on or participant.applied_on,
    }
    changed = sorted(
        field for field, value in new_values.items() if getattr(participant, field) != value
    )
    if not changed:
        return participant
    for field in changed:
        setattr(participant, field, new_values[field])
    participant.save(update_fields=changed)
    record_event(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=participant,
        request=request,
        detail={"fields": changed},
    )
    return participant


@transaction.atomic
def cancel_cohort(*, actor: User, cohort: Cohort, request=None) -> Cohort:
    """Cancel a cohort that has not started: its course-day reminders are withdrawn, its
    enrolled and waiting trainees are told by e-mail, and the cohort is kept, cancelled.

    Trainees enrolled in no other cohort go back to accepted, so they can join another."""
    cohort = Cohort.objects.select_for_update().select_related("region").get(pk=cohort.pk)
    _require_region(actor, cohort.region)
    if cohort.status != CohortStatus.PLANNED:
        raise ValidationError(
            {
                CohortStatus.RUNNING: _(
                    "The cohort has started (attendance is recorded), so it cannot be "
                    "cancelled; close it when it ends instead."
                ),
                CohortStatus.CLOSED: _("The cohort is closed, so it cannot be cancelled."),
                CohortStatus.CANCELLED: _("The cohort is already cancelled."),
            }[cohort.status]
        )
    cohort.status = CohortStatus.CANCELLED
    cohort.cancelled_at = timezone.now()
    cohort.save(update_fields=["status", "cancelled_at"])
    for session in cohort.sessions.all():
        cancel_notifications(subject=session, kind=COURSE_DAY_REMINDER.key)
    enrolments = cohort.enrolments.filter(
        status__in=[EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED]
    ).select_related("participant__user")
    for enrolment in enrolments:
        participant = enrolment.participant
        user = participant.user if participant.user and participant.user.is_active else None
        schedule_notification(recipient=user, kind=COHORT_CANCELLED.key, subject=enrolment)
        still_in_a_cohort = (
            Enrolment.objects.filter(participant=participant, status=EnrolmentStatus.ENROLLED)
            .exclude(cohort__status__in=LOCKED_COHORT_STATUSES)
            .exists()
        )
        if participant.status == ParticipantStatus.TRAINEE and not still_in_a_cohort:
            change_status(
                actor=actor,
                participant=participant,
                to_status=ParticipantStatus.ACCEPTED,
                reason=_("The cohort %(cohort)s was cancelled.") % {"cohort": cohort.name},
            )
    record_event(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=cohort,
        request=request,
        detail={"cancelled": True},
    )
    return cohort


def _require_invitable(event: Event) -> None:
    if event.is_cancelled:
        raise ValidationError(_("The event is cancelled."))


def _tell_invited(event: Event, invitations: Sequence[EventInvitation]) -> None:
    """E-mail the new invitees with an account, unless the event has already begun (a
    coordinator may invite afterwards only to record who came)."""
    if event.has_begun:
        return
    for invitation in invitations:
        account = invitation.invitee_account
        if account is not None and account.is_active:
            schedule_notification(recipient=account, kind=EVENT_INVITATION.key, subject=invitation)


@transaction.atomic
def invite_to_event(*, actor: User, event: Event) -> int:
    """Invite those the event is for: the accounts its kind's registered audience names
    (a network meeting: the unit managers with peer supporters in the region), otherwise
    the region's alumni. Returns how many were newly invited; inviting again invites only
    those who were not yet."""
    audience = audience_for(event.kind)
    if audience is None:
        return invite_alumni(actor=actor, event=event)
    _require_region(actor, event.region)
    _require_invitable(event)
    already = set(event.invitations.values_list("user_id", flat=True))
    new = EventInvitation.objects.bulk_create(
        EventInvitation(event=event, user=account)
        for account in audience.accounts(event.region).order_by("pk")
        if account.pk not in already
    )
    _tell_invited(event, new)
    return len(new)


@transaction.atomic
def update_event(
    *,
    actor: User,
    event: Event,
    kind: str,
    title: str,
    starts_at,
    ends_at,
    venue: str = "",
    description: str = "",
) -> Event:
    """Correct an event's details; the region stays. Invitations not yet sent tell the
    new details, since e-mails are written when they are sent."""
    _require_region(actor, event.region)
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.is_cancelled:
        raise ValidationError(_("The event is cancelled; it can't be changed."))
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The event must end after it starts.")})
    if (
        kind != event.kind
        and audience_for(kind) is not audience_for(event.kind)
        and event.invitations.exists()
    ):
        raise ValidationError(
            {
                "kind": _(
                    "People are already invited; the kind can only change to one for the "
                    "same people."
                )
            }
        )
    changes = {
        "kind": kind,
        "title": title.strip(),
        "starts_at": starts_at,
        "ends_at": ends_at,
        "venue": venue.strip(),
        "description": description.strip(),
    }
    changed = sorted(field for field, value in changes.items() if getattr(event, field) != value)
    for field, value in changes.items():
        setattr(event, field, value)
    event.save(update_fields=list(changes))
    record_event(actor=actor, action=AuditAction.UPDATE, obj=event, detail={"changed": changed})
    return event


@transaction.atomic
def cancel_event(*, actor: User, event: Event, reason: str) -> Event:
    """Cancel an event that has not begun: it stays listed as cancelled, the invitation
    e-mails still waiting are withdrawn and every invitee with an account is told."""
    _require_region(actor, event.region)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the event is cancelled.")})
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.is_cancelled:
        raise ValidationError(_("The event is already cancelled."))
    if event.has_begun:
        raise ValidationError(_("The event has begun; it can't be cancelled."))
    event.cancelled_at = timezone.now()
    event.cancelled_reason = reason
    event.save(update_fields=["cancelled_at", "cancelled_reason"])
    invitations = list(event.invitations.select_related("participant__user", "user"))
    Notification.objects.pending().filter(
        subject_type=ContentType.objects.get_for_model(EventInvitation),
        subject_id__in=[invitation.pk for invitation in invitations],
    ).delete()
    told = 0
    for invitation in invitations:
        account = invitation.invitee_account
        if account is not None and account.is_active:
            schedule_notification(recipient=account, kind=EVENT_CANCELLED.key, subject=invitation)
            told += 1
    record_event(
        actor=actor, action=AuditAction.UPDATE, obj=event, detail={"cancelled": True, "told": told}
    )
    return event


def answer_refusal(event: Event) -> str | None:
    """Why an invitation to ``event`` can't be answered now, or None if it can."""
    if event.is_cancelled:
        return _("The event is cancelled.")
    if event.has_begun:
        return _("The event has begun; answers are closed.")
    return None


@transaction.atomic
def answer_event_invitation(
    *, invitation: EventInvitation, response: str, actor: User | None = None, request=None
) -> EventInvitation:
    """The invitee says whether they are coming; answering again changes the answer.

    ``actor`` is the invitee in the app, or None from the e-mail's signed link (whoever
    holds the link answers for the invitee, as with a survey link).
    """
    if response not in EventResponse.values:
        raise ValidationError({"response": _("Choose whether you are coming.")})
    invitation = (
        EventInvitation.objects.select_for_update(of=("self",))
        .select_related("event", "participant__user", "user")
        .get(pk=invitation.pk)
    )
    if actor is not None and invitation.invitee_account != actor:
        raise ValidationError(_("You can only answer your own invitation."))
    refusal = answer_refusal(invitation.event)
    if refusal:
        raise ValidationError(refusal)
    invitation.response = response
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["response", "responded_at"])
    record_event(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=invitation,
        request=request,
        detail={"response": response},
    )
    return invitation


# Recruitment intake -----------------------------------------------------------------------


def _tell_coordinators_of_interest(participant: Participant, *, occurrence: str = "") -> None:
    for coordinator in coordinators_of(participant.region_id):
        schedule_notification(
            recipient=coordinator,
            kind=INTEREST_RECEIVED.key,
            subject=participant,
            occurrence=occurrence,
        )


@transaction.atomic
def submit_interest(
    *,
    region: Region,
    full_name: str,
    email: str,
    phone: str = "",
    motivation: str,
    language: str = "sv",
    consent_version: int | None,
    request=None,
) -> Participant | None:
    """The public interest form: the person registers as an applicant, declaring own lived
    experience and consenting digitally to the text version the form showed, and the
    region's coordinators are told.

    Someone already registered in the region is not registered again, and the form does
    not say so (anyone can type an address): the coordinators are told that they wrote
    again, once a day. Returns the new applicant, or None then."""
    existing = Participant.objects.filter(region=region, email__iexact=email.strip()).first()
    if existing is not None:
        _tell_coordinators_of_interest(
            existing, occurrence=f"again:{timezone.localdate().isoformat()}"
        )
        return None
    participant = register_applicant(
        actor=None,
        region=region,
        full_name=full_name,
        email=email,
        phone=phone,
        language=language,
        lived_experience_declared=True,
        consent_method=ConsentMethod.DIGITAL,
        consent_version=consent_version,
        motivation=motivation,
    )
    record_event(
        actor=None,
        action=AuditAction.CREATE,
        obj=participant,
        request=request,
        detail={"via": "interest_form"},
    )
    _tell_coordinators_of_interest(participant)
    return participant


INTERVIEWER_ROLES = (Role.COORDINATOR, Role.SUPERVISOR)
INTERVIEWED_STATUSES = (ParticipantStatus.APPLICANT, ParticipantStatus.INTERVIEWED)


@transaction.atomic
def record_interview(
    *,
    actor: User,
    participant: Participant,
    held_on: dt.date,
    interviewer: User,
    outcome: str,
    reason: str = "",
    reason_category: str | None = None,
) -> Interview:
    """Record an interview with an applicant and move their path by its outcome: to
    interviewed, and on to accepted or declined (which needs a reason and its kind)."""
    _require_region(actor, participant.region)
    if outcome not in INTERVIEW_OUTCOME_STATUS:
        raise ValidationError({"outcome": _("Choose what the interview came to.")})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("Record an interview once it has been held.")})
    if not has_role_in_region(interviewer, participant.region_id, INTERVIEWER_ROLES):
        raise ValidationError(
            {
                "interviewer": _(
                    "The interviewer must be a coordinator or supervisor in %(region)s."
                )
                % {"region": participant.region}
            }
        )
    status = (
        Participant.objects.select_for_update()
        .values_list("status", flat=True)
        .get(pk=participant.pk)
    )
    if status not in INTERVIEWED_STATUSES:
        raise ValidationError(
            _("Interviews are recorded for applicants; %(name)s is %(status)s.")
            % {"name": participant.full_name, "status": ParticipantStatus(status).label.lower()}
        )
    if status == ParticipantStatus.APPLICANT:
        change_status(actor=actor, participant=participant, to_status=ParticipantStatus.INTERVIEWED)
    to_status = INTERVIEW_OUTCOME_STATUS[outcome]
    if to_status != ParticipantStatus.INTERVIEWED:
        change_status(
            actor=actor,
            participant=participant,
            to_status=to_status,
            reason=reason,
            reason_category=reason_category,
        )
    interview = Interview.objects.create(
        participant=participant,
        held_on=held_on,
        interviewer=interviewer,
        outcome=outcome,
        recorded_by=actor,
    )
    record_event(
        actor=actor,
        action=AuditAction.CREATE,
        obj=interview,
        detail={"outcome": outcome, "held_on": held_on.isoformat()},
    )
    return interview
