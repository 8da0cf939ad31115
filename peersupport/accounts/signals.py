from allauth.mfa.signals import authenticator_added, authenticator_removed
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from peersupport.audit.actions import record_event
from peersupport.audit.models import AuditAction

from .middleware import start_session_clocks


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


@receiver(user_logged_in, dispatch_uid="session_clocks_start_at_login")
def start_clocks_at_login(sender, request, user, **kwargs):
    """The absolute and idle limits count from login (so the first pages needn't save the
    session)."""
    if request is not None and hasattr(request, "session"):
        start_session_clocks(request.session)
