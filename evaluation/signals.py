"""Invitations made and called off as programme events happen.

The programme apps announce their events as signals (``programmes.signals``,
``workplaces.signals``), sent inside their actions' transactions; the evaluation depends
on them, never the other way round. Each receiver runs the invitation sweep for the one
respondent the event touched, so an enrolled trainee's baseline e-mail is queued at once;
the daily sweep makes whatever opens later (offsets of months) on its day.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete
from django.dispatch import receiver

from peersupport.notifications.models import Notification
from programmes.signals import enrolment_withdrawn, trainee_enrolled
from workplaces.signals import placement_activated, placement_ended, readiness_changed

from .actions.invitations import (
    cancel_course_end_invitations,
    cancel_placement_invitations,
    make_due_invitations,
)
from .anchors import Focus
from .models import Anchor, Invitation


@receiver(trainee_enrolled, dispatch_uid="evaluation.trainee_enrolled")
def invite_enrolled_trainee(sender, enrolment, **kwargs) -> None:
    make_due_invitations(anchor=Anchor.ENROLMENT, focus=Focus(enrolment_id=enrolment.pk))


@receiver(enrolment_withdrawn, dispatch_uid="evaluation.enrolment_withdrawn")
def call_off_course_end(sender, enrolment, **kwargs) -> None:
    cancel_course_end_invitations(enrolment=enrolment)


@receiver(placement_activated, dispatch_uid="evaluation.placement_activated")
def invite_at_placement_start(sender, placement, **kwargs) -> None:
    make_due_invitations(anchor=Anchor.PLACEMENT_START, focus=Focus(placement_id=placement.pk))


@receiver(placement_ended, dispatch_uid="evaluation.placement_ended")
def call_off_placement(sender, placement, **kwargs) -> None:
    cancel_placement_invitations(placement=placement)


@receiver(readiness_changed, dispatch_uid="evaluation.readiness_changed")
def invite_when_ready(sender, workplace, **kwargs) -> None:
    make_due_invitations(anchor=Anchor.READINESS_MET, focus=Focus(workplace_id=workplace.pk))


@receiver(post_delete, sender=Invitation, dispatch_uid="evaluation.invitation_deleted")
def forget_invitation_emails(sender, instance, **kwargs) -> None:
    """The outbox keeps survey e-mails by the invitation's id only (they have no
    recipient account to be removed with), so they go when the invitation goes."""
    Notification.objects.filter(
        subject_type=ContentType.objects.get_for_model(Invitation), subject_id=instance.pk
    ).delete()
