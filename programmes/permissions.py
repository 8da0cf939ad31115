"""Who may see and do what in the programme: coordinators in their regions, trainees
their own records."""

from __future__ import annotations

from django.core import signing
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from peersupport.accounts.models import Role, User
from peersupport.accounts.scoping import coordinated_region_ids, has_role_in_region

from .models import (
    Certificate,
    Cohort,
    CourseSession,
    CourseTemplate,
    Enrolment,
    Event,
    EventInvitation,
    Participant,
)


def participants_visible_to(user: User) -> QuerySet[Participant]:
    return Participant.objects.in_regions(coordinated_region_ids(user))


def get_participant_for_user_or_404(user: User, pk: int) -> Participant:
    return get_object_or_404(participants_visible_to(user), pk=pk)


def cohorts_visible_to(user: User) -> QuerySet[Cohort]:
    return Cohort.objects.in_regions(coordinated_region_ids(user))


def get_cohort_for_user_or_404(user: User, pk: int) -> Cohort:
    return get_object_or_404(cohorts_visible_to(user).select_related("region", "template"), pk=pk)


def sessions_visible_to(user: User) -> QuerySet[CourseSession]:
    return CourseSession.objects.filter(cohort__region_id__in=coordinated_region_ids(user))


def get_session_for_user_or_404(user: User, pk: int) -> CourseSession:
    return get_object_or_404(
        sessions_visible_to(user).select_related("cohort", "cohort__region"), pk=pk
    )


def enrolments_visible_to(user: User) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(cohort__region_id__in=coordinated_region_ids(user))


def get_enrolment_for_user_or_404(user: User, cohort: Cohort, pk: int) -> Enrolment:
    """An enrolment of ``cohort`` (which the caller already fetched through its helper)."""
    return get_object_or_404(
        enrolments_visible_to(user).filter(cohort=cohort).select_related("participant"), pk=pk
    )


def templates_visible_to(user: User) -> QuerySet[CourseTemplate]:
    """A coordinator sees the national templates and their own regions' templates."""
    region_ids = coordinated_region_ids(user)
    if not region_ids:
        return CourseTemplate.objects.none()
    return CourseTemplate.objects.filter(Q(region__isnull=True) | Q(region_id__in=region_ids))


def can_edit_template(user: User, template: CourseTemplate) -> bool:
    """A region's template is edited by its coordinators; a national one only in the admin."""
    return template.region_id is not None and template.region_id in coordinated_region_ids(user)


def get_template_for_user_or_404(user: User, pk: int) -> CourseTemplate:
    return get_object_or_404(templates_visible_to(user), pk=pk)


def events_visible_to(user: User) -> QuerySet[Event]:
    return Event.objects.filter(region_id__in=coordinated_region_ids(user))


def get_event_for_user_or_404(user: User, pk: int) -> Event:
    return get_object_or_404(events_visible_to(user).select_related("region"), pk=pk)


def get_invitation_for_user_or_404(user: User, event: Event, pk: int) -> EventInvitation:
    """An invitation to ``event`` (which the caller already fetched through its helper)."""
    return get_object_or_404(
        EventInvitation.objects.filter(
            event=event, event__region_id__in=coordinated_region_ids(user)
        ).select_related("participant", "user"),
        pk=pk,
    )


# Signs the links in invitation e-mails that answer without logging in.
ANSWER_SALT = "programmes.event-answer"


def invitation_answer_token(invitation: EventInvitation) -> str:
    return signing.dumps(invitation.pk, salt=ANSWER_SALT)


def get_invitation_by_token_or_404(token: str) -> EventInvitation:
    """The invitation the signed link is for: 404 for a forged link, and for an invitee
    whose account has been closed."""
    try:
        pk = signing.loads(token, salt=ANSWER_SALT)
    except signing.BadSignature:
        raise Http404 from None
    invitation = get_object_or_404(
        EventInvitation.objects.select_related(
            "event", "event__region", "participant__user", "user"
        ),
        pk=pk,
    )
    account = invitation.invitee_account
    if account is not None and not account.is_active:
        raise Http404
    return invitation


def own_event_invitations(user: User) -> QuerySet[EventInvitation]:
    """The invitations of the person: through their programme record or to their account."""
    return EventInvitation.objects.filter(Q(participant__user=user) | Q(user=user))


def get_own_invitation_or_404(user: User, pk: int) -> EventInvitation:
    return get_object_or_404(
        own_event_invitations(user).select_related("event", "participant__user", "user"), pk=pk
    )


def can_manage_region(user: User, region) -> bool:
    return has_role_in_region(user, region, [Role.COORDINATOR])


def own_participant(user: User) -> Participant | None:
    """The programme record linked to the user's account, if any."""
    return Participant.objects.filter(user=user).select_related("region").first()


def own_enrolments(user: User) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(participant__user=user)


def certificates_visible_to(user: User) -> QuerySet[Certificate]:
    """A trainee's own current certificates, and every certificate (replaced ones too)
    of the regions the user coordinates."""
    return Certificate.objects.filter(
        Q(participant__user=user, replaced_at__isnull=True)
        | Q(participant__region_id__in=coordinated_region_ids(user))
    )


def get_certificate_for_user_or_404(user: User, pk: int) -> Certificate:
    return get_object_or_404(
        certificates_visible_to(user).select_related(
            "participant", "participant__region", "cohort", "cohort__template"
        ),
        pk=pk,
    )


def certificate_code_is_valid(code: str) -> bool:
    """Public: whether ``code`` belongs to a current (not replaced) certificate.

    Answers yes or no and nothing else, so the public verify page can reveal no more.
    """
    return Certificate.objects.filter(code=code, replaced_at__isnull=True).exists()
