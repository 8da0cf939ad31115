from allauth.mfa.signals import authenticator_added, authenticator_removed
from django.dispatch import receiver

from peersupport.audit.actions import record_event
from peersupport.audit.models import AuditAction


@receiver(authenticator_added, dispatch_uid="audit_authenticator_added")
def audit_authenticator_added(sender, request, user, authenticator, **kwargs):
    record_event(
        actor=user,
        action=AuditAction.MFA,
        obj=user,
        request=request,
        detail={"added": authenticator.type},
    )


@receiver(authenticator_removed, dispatch_uid="audit_authenticator_removed")
def audit_authenticator_removed(sender, request, user, authenticator, **kwargs):
    record_event(
        actor=user,
        action=AuditAction.MFA,
        obj=user,
        request=request,
        detail={"removed": authenticator.type},
    )
