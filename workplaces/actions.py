"""Every change at workplaces: readiness, placements, reviews and support sessions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from peersupport.accounts.models import Membership, Region, Role, User
from peersupport.accounts.scoping import coordinators_of, forget_memberships, has_role_in_region
from peersupport.audit.actions import record_event
from peersupport.audit.models import AuditAction
from peersupport.notifications.actions import cancel_notifications, schedule_notification
from peersupport.privacy import validate_no_identifying_data
from programmes.actions import change_status
from programmes.models import Participant, ParticipantStatus

from .models import (
    FULL_TIME_HOURS,
    GROUP_KINDS,
    FollowUpReview,
    Incident,
    IncidentFollowUp,
    IncidentKind,
    IncidentStatus,
    Organisation,
    Placement,
    PlacementEndReason,
    PlacementStatus,
    ReadinessConfirmation,
    ReadinessItem,
    ReviewRespondent,
    ReviewResponse,
    StaffTraining,
    SupportSession,
    Task,
    Theme,
    TraineeOrder,
    Workplace,
)
from .notifications import (
    INCIDENT_CLOSED,
    INCIDENT_REPORTED,
    PLACEMENT_PERIOD_ENDED,
    READINESS_LAPSING,
    REVIEW_DUE,
)
from .permissions import (
    can_follow_up_incident,
    can_manage_workplace,
    forget_managed_workplaces,
    incident_reporter_region_ids,
    incident_workplaces_for,
    is_coordinator_for,
    managed_workplace_ids,
)
from .signals import placement_activated, placement_ended, readiness_changed

PLACEABLE_STATUSES = (
    ParticipantStatus.CERTIFIED,
    ParticipantStatus.PLACED,
    ParticipantStatus.ALUMNI,
)


def _require_coordinator(actor: User, region: Region | int) -> None:
    region_id = region if isinstance(region, int) else region.pk
    if not has_role_in_region(actor, region_id, [Role.COORDINATOR]):
        raise ValidationError(_("Only the region's coordinators may do this."))


def _require_workplace_access(actor: User, workplace: Workplace) -> None:
    if not can_manage_workplace(actor, workplace):
        raise ValidationError(
            _("Only the workplace's unit managers and the region's coordinators may do this.")
        )


# Organisations and workplaces -------------------------------------------------------------


@transaction.atomic
def create_organisation(*, actor: User, region: Region, name: str, principal: str) -> Organisation:
    _require_coordinator(actor, region)
    organisation, _created = Organisation.objects.get_or_create(
        region=region, name=name.strip(), defaults={"principal": principal}
    )
    return organisation


@transaction.atomic
def create_workplace(
    *,
    actor: User,
    organisation: Organisation,
    name: str,
    type: str,
    address: str = "",
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    managers=(),
) -> Workplace:
    _require_coordinator(actor, organisation.region_id)
    workplace = Workplace.objects.create(
        organisation=organisation,
        region_id=organisation.region_id,
        name=name.strip(),
        type=type,
        address=address.strip(),
        contact_name=contact_name.strip(),
        contact_email=contact_email.strip(),
        contact_phone=contact_phone.strip(),
    )
    for manager in managers:
        assign_manager(actor=actor, workplace=workplace, user=manager)
    return workplace


@transaction.atomic
def assign_manager(*, actor: User, workplace: Workplace, user: User) -> None:
    """Make ``user`` a unit manager of the workplace (they get the role in its region)."""
    _require_coordinator(actor, workplace.region_id)
    Membership.objects.get_or_create(
        user=user,
        role=Role.UNIT_MANAGER,
        region_id=workplace.region_id,
        defaults={"created_by": actor},
    )
    workplace.managers.add(user)
    forget_memberships(user)
    forget_managed_workplaces(user)


# Readiness --------------------------------------------------------------------------------


def readiness_missing(workplace: Workplace, *, today: dt.date | None = None) -> list[str]:
    """What is still missing before the workplace is ready, as sentences for a person.

    The one place readiness is decided: confirmations count while in force (not withdrawn,
    the budget's period not ended) and staff trainings once held. The workplace list's
    filter asks the same of the database through ``in_force`` and ``held``."""
    today = today or timezone.localdate()
    confirmations = {r.item: r for r in workplace.readiness.all()}
    missing = []
    for item in ReadinessItem:
        confirmation = confirmations.get(item.value)
        if confirmation is not None and confirmation.budget_lapsed_on(today):
            missing.append(
                _("The budget period ended on %(date)s")
                % {"date": date_format(confirmation.period_end, "j F Y")}
            )
        elif confirmation is None or not confirmation.in_force_on(today):
            missing.append(str(item.label))
    required = settings.READINESS_STAFF_TRAININGS
    held = sum(1 for training in workplace.staff_trainings.all() if training.held_by(today))
    if held < required:
        missing.append(
            _("Staff trainings held: %(held)s of %(required)s")
            % {"held": held, "required": required}
        )
    return missing


def is_ready(workplace: Workplace) -> bool:
    return not readiness_missing(workplace)


def _require_ready(workplace: Workplace, doing: str) -> None:
    missing = readiness_missing(workplace)
    if missing:
        raise ValidationError(
            _("%(workplace)s is not ready, so you cannot %(doing)s yet. Missing: %(missing)s.")
            % {"workplace": workplace.name, "doing": doing, "missing": "; ".join(missing)}
        )


@transaction.atomic
def confirm_readiness(
    *,
    actor: User,
    workplace: Workplace,
    item: str,
    confirmed_on: dt.date | None = None,
    fte: Decimal | None = None,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    contact_name: str = "",
    note: str = "",
) -> ReadinessConfirmation:
    _require_workplace_access(actor, workplace)
    validate_no_identifying_data(note)
    if item == ReadinessItem.BUDGET:
        errors = {}
        if not fte:
            errors["fte"] = _("Give the number of posts (FTE) the budget covers.")
        if not period_start or not period_end:
            errors["period_end"] = _("Give the period the budget covers.")
        elif period_end < period_start:
            errors["period_end"] = _("The budget period must end after it starts.")
        if errors:
            raise ValidationError(errors)
    if item == ReadinessItem.USER_MOVEMENT_CONTACT and not contact_name.strip():
        raise ValidationError({"contact_name": _("Name the contact in the user movement.")})
    confirmation, _created = ReadinessConfirmation.objects.update_or_create(
        workplace=workplace,
        item=item,
        defaults={
            "confirmed_on": confirmed_on or timezone.localdate(),
            "confirmed_by": actor,
            "fte": fte,
            "period_start": period_start,
            "period_end": period_end,
            "contact_name": contact_name.strip(),
            "note": note.strip(),
            "withdrawn_on": None,
            "withdrawn_by": None,
            "withdrawal_reason": "",
        },
    )
    readiness_changed.send(sender=Workplace, workplace=workplace)
    return confirmation


@transaction.atomic
def record_staff_training(
    *, actor: User, workplace: Workplace, held_on: dt.date, staff_count: int | None = None
) -> StaffTraining:
    """A training held (with the staff who attended), or planned for a date to come
    (without them): only a held one counts towards readiness."""
    _require_workplace_access(actor, workplace)
    today = timezone.localdate()
    if staff_count is not None and held_on > today:
        raise ValidationError(
            {
                "held_on": _(
                    "Record trainings that have been held. To plan one, leave the number of "
                    "staff empty."
                )
            }
        )
    if staff_count is None and held_on < today:
        raise ValidationError(
            {"staff_count": _("Give the number of staff who attended the training.")}
        )
    training = StaffTraining.objects.create(
        workplace=workplace, held_on=held_on, staff_count=staff_count, recorded_by=actor
    )
    if staff_count is not None:
        readiness_changed.send(sender=Workplace, workplace=workplace)
    return training


@transaction.atomic
def order_trainee(*, actor: User, workplace: Workplace, posts: int, note: str = "") -> TraineeOrder:
    """Order peer supporters to be trained for the workplace – only when it is ready."""
    _require_workplace_access(actor, workplace)
    _require_ready(workplace, _("order a trainee"))
    validate_no_identifying_data(note)
    return TraineeOrder.objects.create(
        workplace=workplace, posts=posts, ordered_by=actor, note=note.strip()
    )


# Placements -------------------------------------------------------------------------------


def _hours_committed(participant: Participant, *, excluding: Placement | None = None) -> Decimal:
    placements = Placement.objects.filter(
        participant=participant, status__in=[PlacementStatus.AGREED, PlacementStatus.ACTIVE]
    )
    if excluding is not None:
        placements = placements.exclude(pk=excluding.pk)
    return placements.aggregate(total=Sum("hours_per_week"))["total"] or Decimal("0")


def _require_within_full_time(
    participant: Participant, hours: Decimal, excluding: Placement | None = None
) -> None:
    committed = _hours_committed(participant, excluding=excluding)
    if committed + hours > FULL_TIME_HOURS:
        raise ValidationError(
            {
                "hours_per_week": _(
                    "%(name)s already works %(committed)s hours a week in other placements; with "
                    "%(hours)s more it would exceed full time (%(full)s hours)."
                )
                % {
                    "name": participant.full_name,
                    "committed": committed,
                    "hours": hours,
                    "full": FULL_TIME_HOURS,
                }
            }
        )


@transaction.atomic
def propose_placement(
    *,
    actor: User,
    participant: Participant,
    workplace: Workplace,
    employer: str,
    hours_per_week: Decimal,
    start_date: dt.date,
    end_date: dt.date | None = None,
    tasks=(),
) -> Placement:
    _require_coordinator(actor, workplace.region_id)
    if participant.region_id != workplace.region_id:
        raise ValidationError({"participant": _("The peer supporter belongs to another region.")})
    if participant.status not in PLACEABLE_STATUSES:
        raise ValidationError(
            {
                "participant": _(
                    "Only certified peer supporters can be placed; %(name)s is %(status)s."
                )
                % {
                    "name": participant.full_name,
                    "status": ParticipantStatus(participant.status).label.lower(),
                }
            }
        )
    _require_ready(workplace, _("place a peer supporter there"))
    if end_date and end_date < start_date:
        raise ValidationError({"end_date": _("The placement must end after it starts.")})
    unknown = [t for t in tasks if t not in Task.values]
    if unknown:
        raise ValidationError({"tasks": _("Unknown task.")})
    _require_within_full_time(participant, Decimal(hours_per_week))
    return Placement.objects.create(
        participant=participant,
        workplace=workplace,
        employer=employer,
        hours_per_week=hours_per_week,
        start_date=start_date,
        end_date=end_date,
        tasks=list(tasks),
    )


@transaction.atomic
def agree_placement(*, actor: User, placement: Placement) -> Placement:
    """Record the agreement of the coordinator or the unit manager; with both, it is agreed,
    and active at once when its start date has come."""
    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    workplace = placement.workplace
    if placement.status != PlacementStatus.PROPOSED:
        raise ValidationError(_("Only a proposed placement can be agreed."))
    now = timezone.now()
    if is_coordinator_for(actor, workplace) and not placement.coordinator_agreed_at:
        placement.coordinator_agreed_at, placement.coordinator_agreed_by = now, actor
    elif workplace.pk in managed_workplace_ids(actor) and not placement.manager_agreed_at:
        placement.manager_agreed_at, placement.manager_agreed_by = now, actor
    else:
        raise ValidationError(_("You have already agreed, or you may not agree this placement."))
    if placement.coordinator_agreed_at and placement.manager_agreed_at:
        _require_ready(workplace, _("place a peer supporter there"))
        _require_within_full_time(
            placement.participant, placement.hours_per_week, excluding=placement
        )
        placement.status = PlacementStatus.AGREED
    placement.save()
    if placement.status == PlacementStatus.AGREED and placement.start_date <= timezone.localdate():
        _activate(placement)
    return placement


def _activate(placement: Placement) -> None:
    placement.status = PlacementStatus.ACTIVE
    placement.save(update_fields=["status"])
    participant = placement.participant
    if participant.status in (ParticipantStatus.CERTIFIED, ParticipantStatus.ALUMNI):
        change_status(actor=None, participant=participant, to_status=ParticipantStatus.PLACED)
    FollowUpReview.objects.bulk_create(
        [
            FollowUpReview(
                placement=placement,
                months_after_start=months,
                due_on=placement.start_date + relativedelta(months=months),
            )
            for months in settings.PLACEMENT_REVIEW_MONTHS
        ],
        ignore_conflicts=True,
    )
    placement_activated.send(sender=Placement, placement=placement)


def activate_due_placements(*, today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    due = Placement.objects.filter(status=PlacementStatus.AGREED, start_date__lte=today)
    count = 0
    for placement in due.select_related("participant"):
        with transaction.atomic():
            _activate(placement)
        count += 1
    return count


@transaction.atomic
def end_placement(
    *,
    actor: User | None,
    placement: Placement,
    reason: str,
    reason_category: str,
    end_date: dt.date | None = None,
) -> Placement:
    """End a placement: a free-text reason and its category (a ``PlacementEndReason``)
    are both needed. ``actor`` is None when the system ends it (its end date passed)."""
    placement = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("participant", "workplace")
        .get(pk=placement.pk)
    )
    if actor is not None:
        _require_workplace_access(actor, placement.workplace)
    if placement.status == PlacementStatus.ENDED:
        raise ValidationError(_("The placement has already ended."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for ending the placement.")})
    try:
        validate_no_identifying_data(reason)
    except ValidationError as error:
        raise ValidationError({"reason": error.messages}) from None
    if reason_category not in PlacementEndReason.values:
        raise ValidationError(
            {"reason_category": _("Choose the kind of reason for ending the placement.")}
        )
    placement.status = PlacementStatus.ENDED
    placement.ended_reason = reason.strip()
    placement.ended_reason_category = reason_category
    placement.end_date = end_date or timezone.localdate()
    if placement.end_date < placement.start_date:
        placement.end_date = placement.start_date
    placement.save()
    participant = placement.participant
    still_placed = Placement.objects.active().filter(participant=participant).exists()
    if participant.status == ParticipantStatus.PLACED and not still_placed:
        change_status(actor=None, participant=participant, to_status=ParticipantStatus.CERTIFIED)
    placement_ended.send(sender=Placement, placement=placement)
    return placement


# Follow-up reviews ------------------------------------------------------------------------


def respondent_for(actor: User, review: FollowUpReview) -> str | None:
    workplace = review.placement.workplace
    if workplace.pk in managed_workplace_ids(actor):
        return ReviewRespondent.UNIT_MANAGER
    if is_coordinator_for(actor, workplace):
        return ReviewRespondent.COORDINATOR
    return None


@transaction.atomic
def submit_review(
    *,
    actor: User,
    review: FollowUpReview,
    role_works: int,
    role_clarity: int,
    staff_attitudes: int,
    support_needs: str = "",
    comments: str = "",
) -> ReviewResponse:
    respondent = respondent_for(actor, review)
    if respondent is None:
        raise ValidationError(_("Only the unit manager and the coordinator answer follow-ups."))
    for field, text in (("support_needs", support_needs), ("comments", comments)):
        try:
            validate_no_identifying_data(text)
        except ValidationError as error:
            raise ValidationError({field: error.messages}) from None
    if review.responses.filter(respondent=respondent).exists():
        raise ValidationError(_("You have already answered this follow-up."))
    response = ReviewResponse.objects.create(
        review=review,
        respondent=respondent,
        role_works=role_works,
        role_clarity=role_clarity,
        staff_attitudes=staff_attitudes,
        support_needs=support_needs.strip(),
        comments=comments.strip(),
        submitted_by=actor,
    )
    # A reminder still waiting in the outbox is no longer needed.
    cancel_notifications(subject=review, kind=REVIEW_DUE.key, occurrence=respondent)
    return response


def schedule_review_reminders(*, today: dt.date | None = None) -> int:
    """One reminder per due review to each unit manager (and the region's coordinators)
    who has not answered it yet. Scheduling again adds nothing."""
    today = today or timezone.localdate()
    reviews = (
        FollowUpReview.objects.filter(due_on__lte=today, placement__status=PlacementStatus.ACTIVE)
        .select_related("placement__workplace")
        .prefetch_related("responses", "placement__workplace__managers")
    )
    scheduled = 0
    coordinators_by_region: dict[int, list[User]] = {}
    for review in reviews:
        answered = {r.respondent for r in review.responses.all()}
        recipients = []
        if ReviewRespondent.UNIT_MANAGER not in answered:
            recipients += [
                (m, ReviewRespondent.UNIT_MANAGER)
                for m in review.placement.workplace.managers.all()
                if m.is_active
            ]
        if ReviewRespondent.COORDINATOR not in answered:
            region_id = review.placement.workplace.region_id
            if region_id not in coordinators_by_region:
                coordinators_by_region[region_id] = list(coordinators_of(region_id))
            coordinators = coordinators_by_region[region_id]
            recipients += [(c, ReviewRespondent.COORDINATOR) for c in coordinators]
        for recipient, respondent in recipients:
            _n, created = schedule_notification(
                recipient=recipient, kind=REVIEW_DUE.key, subject=review, occurrence=respondent
            )
            scheduled += created
    return scheduled


# Support sessions -------------------------------------------------------------------------


def _clean_session_fields(
    *, kind: str, themes, participant_count: int, service_user_code: str, reflection: str
) -> dict:
    errors = {}
    unknown = [t for t in themes if t not in Theme.values]
    if unknown:
        errors["themes"] = _("Unknown theme.")
    if kind in GROUP_KINDS and participant_count < 2:
        errors["participant_count"] = _("A group has at least two participants.")
    for field, text in (("service_user_code", service_user_code), ("reflection", reflection)):
        try:
            validate_no_identifying_data(text)
        except ValidationError as error:
            errors[field] = error.messages
    if errors:
        raise ValidationError(errors)
    return {
        "kind": kind,
        "themes": list(themes),
        "participant_count": participant_count if kind in GROUP_KINDS else 1,
        "service_user_code": service_user_code.strip().upper(),
        "reflection": reflection.strip(),
    }


def _check_session_date(placement: Placement, date: dt.date) -> None:
    if date > timezone.localdate():
        raise ValidationError({"date": _("The date cannot be in the future.")})
    if date < placement.start_date:
        raise ValidationError({"date": _("The date is before the placement started.")})


@transaction.atomic
def log_support_session(
    *,
    actor: User,
    placement: Placement,
    date: dt.date,
    minutes: int,
    kind: str,
    themes=(),
    participant_count: int = 1,
    service_user_code: str = "",
    reflection: str = "",
) -> SupportSession:
    if placement.participant.user_id != actor.pk:
        raise ValidationError(_("You can only log sessions in your own placement."))
    if placement.status != PlacementStatus.ACTIVE:
        raise ValidationError({"placement": _("The placement is not active.")})
    _check_session_date(placement, date)
    fields = _clean_session_fields(
        kind=kind,
        themes=themes,
        participant_count=participant_count,
        service_user_code=service_user_code,
        reflection=reflection,
    )
    return SupportSession.objects.create(
        placement=placement, date=date, minutes=minutes, created_by=actor, **fields
    )


def can_edit_support_session(user: User, session: SupportSession) -> bool:
    limit = dt.timedelta(days=settings.SUPPORT_SESSION_EDIT_DAYS)
    return session.created_by_id == user.pk and timezone.now() - session.created_at <= limit


@transaction.atomic
def update_support_session(
    *,
    actor: User,
    session: SupportSession,
    date: dt.date,
    minutes: int,
    kind: str,
    themes=(),
    participant_count: int = 1,
    service_user_code: str = "",
    reflection: str = "",
) -> SupportSession:
    if not can_edit_support_session(actor, session):
        raise ValidationError(
            _("Sessions can be changed by the person who logged them, for %(days)s days.")
            % {"days": settings.SUPPORT_SESSION_EDIT_DAYS}
        )
    _check_session_date(session.placement, date)
    fields = _clean_session_fields(
        kind=kind,
        themes=themes,
        participant_count=participant_count,
        service_user_code=service_user_code,
        reflection=reflection,
    )
    session.date, session.minutes = date, minutes
    for name, value in fields.items():
        setattr(session, name, value)
    session.save()
    return session


# Upkeep: correcting organisations, workplaces, readiness and placements -------------------


def _changes(obj, fields: dict) -> dict:
    """Set ``fields`` on ``obj``; the names of those whose value changed, old and new, for
    the audit log."""
    changed = {}
    for name, value in fields.items():
        old = getattr(obj, name)
        if old != value:
            changed[name] = [str(old), str(value)]
            setattr(obj, name, value)
    return changed


@transaction.atomic
def update_organisation(
    *, actor: User, organisation: Organisation, name: str, principal: str
) -> Organisation:
    """Correct an organisation's name and principal (its region stays)."""
    _require_coordinator(actor, organisation.region_id)
    name = name.strip()
    taken = Organisation.objects.filter(region_id=organisation.region_id, name=name).exclude(
        pk=organisation.pk
    )
    if taken.exists():
        raise ValidationError({"name": _("The region already has an organisation by this name.")})
    changed = _changes(organisation, {"name": name, "principal": principal})
    if changed:
        organisation.save()
        record_event(
            actor=actor, action=AuditAction.UPDATE, obj=organisation, detail={"changed": changed}
        )
    return organisation


@transaction.atomic
def update_workplace(
    *,
    actor: User,
    workplace: Workplace,
    organisation: Organisation,
    name: str,
    type: str,
    address: str = "",
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    managers=(),
) -> Workplace:
    """Correct a workplace's details and who manages it; its region cannot change, so the
    organisation must be one of the same region."""
    _require_coordinator(actor, workplace.region_id)
    if organisation.region_id != workplace.region_id:
        raise ValidationError(
            {"organisation": _("Choose an organisation in the workplace's own region.")}
        )
    changed = _changes(
        workplace,
        {
            "organisation": organisation,
            "name": name.strip(),
            "type": type,
            "address": address.strip(),
            "contact_name": contact_name.strip(),
            "contact_email": contact_email.strip(),
            "contact_phone": contact_phone.strip(),
        },
    )
    if changed:
        workplace.save()
    current = set(workplace.managers.all())
    wanted = set(managers)
    added = sorted(wanted - current, key=lambda user: user.pk)
    for manager in added:
        assign_manager(actor=actor, workplace=workplace, user=manager)
    for manager in sorted(current - wanted, key=lambda user: user.pk):
        remove_manager(actor=actor, workplace=workplace, user=manager)
    if changed or added:
        detail = {"changed": changed, "managers_added": [manager.email for manager in added]}
        record_event(actor=actor, action=AuditAction.UPDATE, obj=workplace, detail=detail)
    return workplace


@transaction.atomic
def remove_manager(*, actor: User, workplace: Workplace, user: User) -> None:
    """The user no longer manages the workplace. Their unit-manager role stays (they may
    manage others; ending a role is an account matter). The last manager may go: the
    workplace page then shows that it has none."""
    _require_coordinator(actor, workplace.region_id)
    workplace.managers.remove(user)
    forget_managed_workplaces(user)
    record_event(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=workplace,
        detail={"manager_removed": user.email},
    )


@transaction.atomic
def withdraw_readiness(
    *, actor: User, confirmation: ReadinessConfirmation, reason: str
) -> ReadinessConfirmation:
    """Withdraw a readiness confirmation: the workplace is no longer ready (so no trainee
    can be ordered and no placement agreed there) until the item is confirmed again."""
    confirmation = ReadinessConfirmation.objects.select_for_update().get(pk=confirmation.pk)
    workplace = confirmation.workplace
    _require_workplace_access(actor, workplace)
    if confirmation.withdrawn_on is not None:
        raise ValidationError(_("This confirmation has already been withdrawn."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for withdrawing the confirmation.")})
    try:
        validate_no_identifying_data(reason)
    except ValidationError as error:
        raise ValidationError({"reason": error.messages}) from None
    confirmation.withdrawn_on = timezone.localdate()
    confirmation.withdrawn_by = actor
    confirmation.withdrawal_reason = reason.strip()
    confirmation.save(update_fields=["withdrawn_on", "withdrawn_by", "withdrawal_reason"])
    record_event(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=confirmation,
        detail={"withdrawn": confirmation.item, "reason": confirmation.withdrawal_reason},
    )
    readiness_changed.send(sender=Workplace, workplace=workplace)
    return confirmation


@transaction.atomic
def record_training_attendance(
    *, actor: User, training: StaffTraining, staff_count: int
) -> StaffTraining:
    """A planned staff training was held: with the staff who attended it counts towards
    readiness. Not before its date."""
    training = StaffTraining.objects.select_for_update().get(pk=training.pk)
    _require_workplace_access(actor, training.workplace)
    if training.held_on > timezone.localdate():
        raise ValidationError(
            {"staff_count": _("Record who attended once the training has been held.")}
        )
    training.staff_count = staff_count
    training.save(update_fields=["staff_count"])
    record_event(
        actor=actor, action=AuditAction.UPDATE, obj=training, detail={"staff_count": staff_count}
    )
    readiness_changed.send(sender=Workplace, workplace=training.workplace)
    return training


PLACEMENT_EDITABLE_STATUSES = (
    PlacementStatus.PROPOSED,
    PlacementStatus.AGREED,
    PlacementStatus.ACTIVE,
)


@transaction.atomic
def update_placement(
    *,
    actor: User,
    placement: Placement,
    hours_per_week: Decimal,
    start_date: dt.date,
    end_date: dt.date | None = None,
    tasks=(),
) -> Placement:
    """Correct a placement's hours, dates and tasks, with the rules of a proposal: the end
    after the start, known tasks, and the peer supporter's placements within full time.
    An active placement keeps its start (its follow-ups are counted from it)."""
    placement = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("participant", "workplace")
        .get(pk=placement.pk)
    )
    _require_coordinator(actor, placement.workplace.region_id)
    if placement.status not in PLACEMENT_EDITABLE_STATUSES:
        raise ValidationError(_("An ended placement cannot be changed."))
    if placement.status == PlacementStatus.ACTIVE and start_date != placement.start_date:
        raise ValidationError(
            {
                "start_date": _(
                    "An active placement keeps its start date; its follow-ups count from it."
                )
            }
        )
    if end_date and end_date < start_date:
        raise ValidationError({"end_date": _("The placement must end after it starts.")})
    if [t for t in tasks if t not in Task.values]:
        raise ValidationError({"tasks": _("Unknown task.")})
    hours = Decimal(hours_per_week)
    _require_within_full_time(placement.participant, hours, excluding=placement)
    changed = _changes(
        placement,
        {
            "hours_per_week": hours,
            "start_date": start_date,
            "end_date": end_date,
            "tasks": list(tasks),
        },
    )
    if changed:
        placement.save()
        record_event(
            actor=actor, action=AuditAction.UPDATE, obj=placement, detail={"changed": changed}
        )
    return placement


PERIOD_ENDED_REASON = "Slutdatum passerat"


def end_placements_past_end_date(*, today: dt.date | None = None) -> int:
    """End every active placement whose end date has passed, as of its end date, and tell
    the peer supporter and the workplace's unit managers. A placement already ended is not
    touched, so running this again ends nothing twice. Returns how many ended."""
    today = today or timezone.localdate()
    due = Placement.objects.active().filter(end_date__lt=today).order_by("pk")
    ended = 0
    for placement in due:
        with transaction.atomic():
            placement = end_placement(
                actor=None,
                placement=placement,
                reason=PERIOD_ENDED_REASON,
                reason_category=PlacementEndReason.PERIOD_ENDED,
                end_date=placement.end_date,
            )
            record_event(
                actor=None,
                action=AuditAction.UPDATE,
                obj=placement,
                detail={"ended": "end_date_passed", "end_date": placement.end_date.isoformat()},
            )
            recipients = [m for m in placement.workplace.managers.all() if m.is_active]
            peer = placement.participant.user
            if peer is not None and peer.is_active:
                recipients.append(peer)
            for recipient in recipients:
                schedule_notification(
                    recipient=recipient, kind=PLACEMENT_PERIOD_ENDED.key, subject=placement
                )
        ended += 1
    return ended


READINESS_LAPSE_NOTICE_DAYS = 60


def schedule_readiness_lapse_notices(
    *, today: dt.date | None = None, days: int = READINESS_LAPSE_NOTICE_DAYS
) -> int:
    """Tell a workplace's unit managers and its region's coordinators, ``days`` days ahead,
    that its budget period ends (and readiness with it): once per budget period, however
    often this runs. Returns how many notices were new."""
    today = today or timezone.localdate()
    budgets = (
        ReadinessConfirmation.objects.filter(
            item=ReadinessItem.BUDGET,
            withdrawn_on__isnull=True,
            period_end__gte=today,
            period_end__lte=today + dt.timedelta(days=days),
        )
        .select_related("workplace")
        .prefetch_related("workplace__managers")
    )
    coordinators_by_region: dict[int, list[User]] = {}
    scheduled = 0
    for budget in budgets:
        region_id = budget.workplace.region_id
        if region_id not in coordinators_by_region:
            coordinators_by_region[region_id] = list(coordinators_of(region_id))
        recipients = {m for m in budget.workplace.managers.all() if m.is_active}
        recipients.update(coordinators_by_region[region_id])
        for recipient in sorted(recipients, key=lambda user: user.pk):
            _n, created = schedule_notification(
                recipient=recipient,
                kind=READINESS_LAPSING.key,
                subject=budget,
                occurrence=budget.period_end.isoformat(),
            )
            scheduled += created
    return scheduled


# Incidents (avvikelser) ----------------------------------------------------------------------


@transaction.atomic
def report_incident(
    *,
    actor: User,
    occurred_on: dt.date,
    kind: str,
    description: str,
    actions_taken: str = "",
    workplace: Workplace | None = None,
    region: Region | None = None,
    shared_with_managers: bool = False,
    request=None,
) -> Incident:
    """A peer supporter, supervisor or unit manager reports an incident or a risk. It
    belongs to the workplace's region, or (without a workplace) to the region given; the
    region's coordinators are told at once."""
    region_ids = incident_reporter_region_ids(actor)
    if not region_ids:
        raise ValidationError(
            _("Incidents are reported by peer supporters, supervisors and unit managers.")
        )
    if workplace is not None:
        if not incident_workplaces_for(actor).filter(pk=workplace.pk).exists():
            raise ValidationError(
                {"workplace": _("Choose one of the workplaces where you work or are manager.")}
            )
        region = workplace.region
    elif region is None or region.pk not in region_ids:
        raise ValidationError({"region": _("Choose the region where it happened.")})
    if shared_with_managers and workplace is None:
        raise ValidationError(
            {"shared_with_managers": _("Choose the workplace whose unit managers should see it.")}
        )
    if kind not in IncidentKind.values:
        raise ValidationError({"kind": _("Choose what kind of incident it is.")})
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": _("An incident is reported once it has happened.")})
    if not description.strip():
        raise ValidationError({"description": _("Say what happened.")})
    validate_no_identifying_data(description)
    validate_no_identifying_data(actions_taken)
    incident = Incident.objects.create(
        region=region,
        workplace=workplace,
        reported_by=actor,
        occurred_on=occurred_on,
        kind=kind,
        description=description.strip(),
        actions_taken=actions_taken.strip(),
        shared_with_managers=shared_with_managers,
    )
    record_event(
        actor=actor,
        action=AuditAction.CREATE,
        obj=incident,
        request=request,
        detail={"kind": kind, "shared_with_managers": shared_with_managers},
    )
    for coordinator in coordinators_of(region.pk):
        schedule_notification(recipient=coordinator, kind=INCIDENT_REPORTED.key, subject=incident)
    return incident


FOLLOW_UP_STATUSES = (IncidentStatus.FOLLOWING_UP, IncidentStatus.CLOSED)


@transaction.atomic
def follow_up_incident(
    *, actor: User, incident: Incident, note: str, status: str, request=None
) -> IncidentFollowUp:
    """A coordinator of the region writes a follow-up note and leaves the incident being
    followed up or closed (a note on a closed one reopens it). Closing tells the reporter."""
    if not can_follow_up_incident(actor, incident):
        raise ValidationError(_("Only the region's coordinators follow incidents up."))
    if status not in FOLLOW_UP_STATUSES:
        raise ValidationError({"status": _("Choose whether it is being followed up or closed.")})
    if not note.strip():
        raise ValidationError({"note": _("Write what was done or decided.")})
    validate_no_identifying_data(note)
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    follow_up = IncidentFollowUp.objects.create(
        incident=incident, note=note.strip(), status=status, written_by=actor
    )
    incident.status = status
    incident.closed_at = follow_up.written_at if status == IncidentStatus.CLOSED else None
    incident.save(update_fields=["status", "closed_at"])
    record_event(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=incident,
        request=request,
        detail={"follow_up": follow_up.pk, "status": status},
    )
    if status == IncidentStatus.CLOSED and incident.reported_by.is_active:
        schedule_notification(
            recipient=incident.reported_by,
            kind=INCIDENT_CLOSED.key,
            subject=incident,
            occurrence=str(follow_up.pk),
        )
    return follow_up
