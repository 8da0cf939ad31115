"""Who may see and do what in the programme: coordinators in their regions, trainees
their own records."""

from __future__ import annotations

from django.db.models import QuerySet
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
    """Course templates are shared data; coordinators may read and edit them."""
    return (
        CourseTemplate.objects.all()
        if coordinated_region_ids(user)
        else (CourseTemplate.objects.none())
    )


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
        ).select_related("participant"),
        pk=pk,
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
    from django.db.models import Q

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
