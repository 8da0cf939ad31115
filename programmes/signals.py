"""Programme events other apps act on (the evaluation invites from them).

Sent by ``programmes.actions`` inside the action's transaction, so what a receiver writes
commits or rolls back with the event itself.
"""

from django.dispatch import Signal

# A trainee holds a place in a cohort (enrolled, or moved up from the waiting list).
# Arguments: enrolment.
trainee_enrolled = Signal()
# A trainee left a cohort. Arguments: enrolment.
enrolment_withdrawn = Signal()
