from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.i18n import set_language as django_set_language

from peersupport.accounts.models import Membership, Role
from peersupport.audit.actions import record_event
from peersupport.audit.models import AuditAction
from peersupport.notifications.models import Notification


def home(request):
    """The start page: one section per role the person holds."""
    memberships = list(
        Membership.objects.filter(user=request.user).select_related("region").order_by("role")
    )
    roles = {m.role for m in memberships}
    upcoming = list(Notification.objects.for_recipient(request.user).order_by("-due_at")[:5])
    return render(
        request,
        "home.html",
        {
            "memberships": memberships,
            "roles": roles,
            "Role": Role,
            "recent_notifications": upcoming,
        },
    )


@login_not_required
@never_cache
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


set_language = login_not_required(django_set_language)


def permission_denied(request, exception=None):
    """403 page; every denial is written to the audit log."""
    record_event(
        actor=request.user if hasattr(request, "user") else None,
        action=AuditAction.PERMISSION_DENIED,
        request=request,
    )
    return render(request, "403.html", status=403)
