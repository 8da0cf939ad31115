"""Notification kinds of workplaces."""

from django.utils.translation import gettext_lazy as _

from peersupport.notifications.kinds import NotificationKind, register

REVIEW_DUE = register(NotificationKind("review_due", _("A placement follow-up is due")))
