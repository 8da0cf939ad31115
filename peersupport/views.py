from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.i18n import set_language as django_set_language

from peersupport.accounts.models import Membership, Role
from peersupport.audit.actions import record_event
from peersupport.audit.models import AuditAction
from peersupport.notifications.models import Notification
from peersupport.todo import todo_lists_for

# The home page's sections, in this order; a kind of task for several roles is listed in
# the first of them the person holds.
TODO_SECTION_ROLES = (Role.COORDINATOR, Role.UNIT_MANAGER, Role.SUPERVISOR, Role.PEER_SUPPORTER)
TODO_SECTION_TITLES = {
    Role.COORDINATOR: _("Coordination"),
    Role.UNIT_MANAGER: _("My workplace"),
    Role.SUPERVISOR: _("Supervision"),
    Role.PEER_SUPPORTER: _("My work as a peer supporter"),
}


def home(request):
    """The start page ("Att göra"): for each role the person holds, the tasks waiting for
    them (``peersupport.todo``), each linking to where it is done, and shortcuts.

    A fixed number of queries whatever the number of tasks: each kind's collector costs a
    fixed number of its own."""
    memberships = list(
        Membership.objects.filter(user=request.user).select_related("region").order_by("role")
    )
    roles = {m.role for m in memberships}
    lists = todo_lists_for(request.user, today=timezone.localdate())
    sections, listed = [], set()
    for role in TODO_SECTION_ROLES:
        if role in roles:
            mine = [
                todo for todo in lists if role in todo.kind.roles and todo.kind.key not in listed
            ]
            listed.update(todo.kind.key for todo in mine)
            sections.append({"role": role, "title": TODO_SECTION_TITLES[role], "lists": mine})
    upcoming = list(Notification.objects.for_recipient(request.user).order_by("-due_at")[:5])
    return render(
        request,
        "home.html",
        {
            "memberships": memberships,
            "roles": roles,
            "Role": Role,
            "todo": sections,
            "has_todo_roles": bool(sections),
            "nothing_to_do": not any(todo.total for todo in lists),
            "recent_notifications": upcoming,
        },
    )


@login_not_required
@never_cache
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def floor(request):
    """The benchmark's floor: a logged-in page through the same middleware as every other,
    with one query of its own and a small template. ``make bench`` reports each page's
    throughput as a ratio to this one, so the figures say what a page costs beyond merely
    being a page on this machine."""
    return render(
        request,
        "floor.html",
        {"membership_count": Membership.objects.filter(user=request.user).count()},
    )


set_language = login_not_required(django_set_language)


def permission_denied(request, exception=None):
    """403 page; every denial is written to the audit log."""
    record_event(
        actor=request.user if hasattr(request, "user") else None,
        action=AuditAction.PERMISSION_DENIED,
        request=request,
    )
    return render(request, "403.html", status=403)
