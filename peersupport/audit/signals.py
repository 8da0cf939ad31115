from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .actions import record_event
from .models import AuditAction


@receiver(user_logged_in, dispatch_uid="audit_login")
def audit_login(sender, request, user, **kwargs):
    record_event(actor=user, action=AuditAction.LOGIN, obj=user, request=request)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        record_event(actor=user, action=AuditAction.LOGOUT, obj=user, request=request)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    email = (credentials.get("email") or credentials.get("username") or "").strip().lower()
    user = get_user_model().objects.filter(email__iexact=email).first() if email else None
    record_event(
        actor=None,
        action=AuditAction.LOGIN_FAILED,
        obj=user,
        request=request,
        detail={"email": email[:254]},
    )
