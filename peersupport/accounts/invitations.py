"""Invitation links: single use, because the token depends on the password hash."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.tokens import default_token_generator
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from peersupport.notifications.kinds import ACCOUNT_INVITATION
from peersupport.notifications.models import Notification

from .models import Membership


def invitation_path(user) -> str:
    return reverse(
        "accounts:invitation_accept",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


def user_for_invitation(uidb64: str, token: str):
    """The active user an invitation link was made for, or None when it is not valid."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, TypeError, OverflowError):
        return None
    user = get_user_model().objects.filter(pk=pk, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


def invitations_not_accepted(region_ids, *, older_than_days: int = 7, today=None):
    """People invited to a role in ``region_ids`` who have not chosen a password within
    ``older_than_days`` of their latest invitation (a resent invitation starts the wait
    again); their open accounts, by name."""
    today = today or timezone.localdate()
    cutoff = today - dt.timedelta(days=older_than_days)
    invited_long_ago = Membership.objects.filter(
        user_id=OuterRef("pk"), region_id__in=region_ids, created_at__date__lte=cutoff
    )
    invited_lately = Notification.objects.filter(
        recipient_id=OuterRef("pk"), kind=ACCOUNT_INVITATION.key, created_at__date__gt=cutoff
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, password__startswith=UNUSABLE_PASSWORD_PREFIX)
        .filter(Exists(invited_long_ago))
        .exclude(Exists(invited_lately))
        .order_by("full_name", "email")
    )
