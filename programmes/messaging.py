"""The programme's groups a message can be written to (see ``peersupport.messaging``): a
cohort's trainees and a region's alumni. Coordinators write to their own regions'."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from peersupport.accounts.models import Region
from peersupport.accounts.scoping import coordinated_region_ids
from peersupport.messaging.audiences import Audience, Recipient, register_audience

from .actions import ALUMNI_STATUSES
from .models import Cohort, EnrolmentStatus, Participant


def recipient_for(participant: Participant) -> Recipient:
    """Through the person's account when they have one, else to their programme e-mail."""
    return Recipient(
        user=participant.user,
        name=participant.full_name,
        email=participant.email,
        language=participant.language,
        person_key=participant.data_subject().key,
    )


def _cohorts(user):
    return Cohort.objects.in_regions(coordinated_region_ids(user)).open().order_by("-start_date")


def _trainees(cohort: Cohort) -> list[Recipient]:
    participants = Participant.objects.filter(
        enrolments__cohort=cohort, enrolments__status=EnrolmentStatus.ENROLLED
    ).select_related("user")
    return [recipient_for(participant) for participant in participants]


def _regions(user):
    return Region.objects.filter(pk__in=coordinated_region_ids(user))


def _alumni(region: Region) -> list[Recipient]:
    participants = Participant.objects.in_regions([region.pk]).with_status(*ALUMNI_STATUSES)
    return [recipient_for(participant) for participant in participants.select_related("user")]


register_audience(
    Audience(
        key="cohort",
        title=_("A cohort's trainees"),
        who_may_write=_cohorts,
        recipients=_trainees,
        order=10,
    )
)
register_audience(
    Audience(
        key="alumni",
        title=_("The region's alumni"),
        who_may_write=_regions,
        recipients=_alumni,
        region_of=lambda region: region.pk,
        order=20,
    )
)
