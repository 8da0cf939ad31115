"""Workplace events other apps act on (the evaluation invites from them).

Sent by ``workplaces.actions`` inside the action's transaction, so what a receiver writes
commits or rolls back with the event itself.
"""

from django.dispatch import Signal

# A placement has started. Arguments: placement.
placement_activated = Signal()
# A placement ended, or was called off before it started. Arguments: placement.
placement_ended = Signal()
# A readiness item was confirmed or a staff training recorded. Arguments: workplace.
readiness_changed = Signal()
