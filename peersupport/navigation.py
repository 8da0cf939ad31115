"""The navigation a person sees, from the roles they hold."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from peersupport.accounts.models import Role
from peersupport.accounts.scoping import roles_of


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = roles_of(user)
    # Home is the to-do page ("Att göra") for the roles that have tasks there.
    has_tasks = roles & {Role.COORDINATOR, Role.UNIT_MANAGER, Role.SUPERVISOR, Role.PEER_SUPPORTER}
    items = [(reverse("home"), _("To do") if has_tasks else _("Home"))]
    if Role.COORDINATOR in roles:
        items.append((reverse("accounts:person_list"), _("People")))
        items.append((reverse("programmes:participant_list"), _("Participants")))
        items.append((reverse("programmes:cohort_list"), _("Cohorts")))
        items.append((reverse("programmes:template_list"), _("Course templates")))
        items.append((reverse("programmes:event_list"), _("Events")))
        items.append((reverse("workplaces:workplace_list"), _("Workplaces")))
        items.append((reverse("golive:import_upload"), _("Import")))
    if Role.PEER_SUPPORTER in roles:
        items.append((reverse("programmes:my_course"), _("My course")))
    if Role.UNIT_MANAGER in roles:
        items.append((reverse("workplaces:manager_home"), _("My workplace")))
    # Alumni are invited to reunions, unit managers to network meetings.
    if roles & {Role.PEER_SUPPORTER, Role.UNIT_MANAGER}:
        items.append((reverse("programmes:my_events"), _("My events")))
    if roles & {Role.COORDINATOR, Role.UNIT_MANAGER, Role.PEER_SUPPORTER}:
        items.append((reverse("workplaces:placement_list"), _("Placements")))
    if roles & {Role.COORDINATOR, Role.UNIT_MANAGER}:
        items.append((reverse("workplaces:review_list"), _("Follow-ups")))
    # One page: a coordinator reads the region's sessions there, a peer supporter their own.
    if Role.COORDINATOR in roles:
        items.append((reverse("workplaces:session_list"), _("Support sessions")))
    elif Role.PEER_SUPPORTER in roles:
        items.append((reverse("workplaces:session_list"), _("My sessions")))
    # Incidents: coordinators follow up their regions'; the others report their own.
    if Role.COORDINATOR in roles:
        items.append((reverse("workplaces:incident_list"), _("Incidents")))
    elif roles & {Role.PEER_SUPPORTER, Role.SUPERVISOR, Role.UNIT_MANAGER}:
        items.append((reverse("workplaces:my_incidents"), _("Incident reports")))
    if Role.COORDINATOR in roles:
        items.append((reverse("supervision:group_list"), _("Supervision")))
        items.append((reverse("supervision:cadence"), _("Supervision cadence")))
    if Role.SUPERVISOR in roles:
        items.append((reverse("supervision:supervisor_home"), _("My supervision work")))
    if Role.PEER_SUPPORTER in roles:
        items.append((reverse("supervision:session_list"), _("My supervision")))
    # Follow-up surveys: researchers build them, coordinators read their regions' results.
    if Role.RESEARCHER in roles or user.is_superuser:
        items.append((reverse("evaluation:study_list"), _("Studies")))
        items.append((reverse("evaluation:instrument_list"), _("Instruments")))
    elif Role.COORDINATOR in roles:
        items.append((reverse("evaluation:study_list"), _("Survey results")))
    # Printed slips for the anonymous groups: peer supporters hand them to service users,
    # unit managers and coordinators also to staff.
    if roles & {Role.COORDINATOR, Role.UNIT_MANAGER, Role.PEER_SUPPORTER}:
        items.append((reverse("evaluation:slip_batches"), _("Survey slips")))
    if roles & {Role.COORDINATOR, Role.RESEARCHER} or user.is_superuser:
        items.append((reverse("reports:report_list"), _("Reports")))
    if Role.AUDITOR in roles or user.is_superuser:
        items.append((reverse("audit:event_list"), _("Log follow-up")))
    items.append((reverse("messaging:message_inbox"), _("Messages")))
    items.append((reverse("notifications:notification_list"), _("Notifications")))
    # The person's own account, in the menu under their name.
    account_items = [
        (reverse("accounts:profile_edit"), _("My settings")),
        (reverse("mfa_index"), _("Two-factor authentication")),
        (reverse("usersessions_list"), _("Logins on other devices")),
        (reverse("notifications:calendar_settings"), _("Calendar feed")),
    ]
    # A peer supporter's programme record holds consents they can withdraw themselves.
    if Role.PEER_SUPPORTER in roles:
        account_items.append((reverse("dataprotection:my_consents"), _("My consents")))
    if user.is_staff:
        account_items.append((reverse("admin:index"), _("Admin")))
    if user.is_staff or user.is_superuser:
        account_items.append((reverse("dataprotection:legal_basis"), _("Legal basis register")))
    current = request.path
    # The longest matching prefix wins, so /workplaces/placements/ marks Placements only.
    active = max(
        (
            url
            for url, _label in items
            if url == current or (url != "/" and current.startswith(url))
        ),
        key=len,
        default=None,
    )
    return {
        "nav_items": [
            {"url": url, "label": label, "active": url == active} for url, label in items
        ],
        "account_items": [
            {"url": url, "label": label, "active": current.startswith(url)}
            for url, label in account_items
        ],
    }
