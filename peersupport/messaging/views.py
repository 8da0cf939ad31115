from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from peersupport.forms import add_action_error

from . import actions
from .audiences import audiences, get_audience, writable_group_or_404
from .forms import MessageForm
from .models import Message
from .permissions import (
    get_message_for_user_or_404,
    may_write_messages,
    messages_received_by,
)

PAGE_SIZE = 30


def message_inbox(request):
    """The messages written to the person, newest first."""
    received = (
        messages_received_by(request.user)
        .select_related("message__author")
        .order_by("-message__created_at", "-pk")
    )
    page = Paginator(received, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "messaging/message_inbox.html",
        {"page": page, "may_write": may_write_messages(request.user)},
    )


def message_sent(request):
    """The messages the person wrote, newest first, with how many they went to."""
    sent = (
        Message.objects.filter(author=request.user)
        .annotate(recipient_count=Count("recipients"))
        .order_by("-created_at", "-pk")
    )
    page = Paginator(sent, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "messaging/message_sent.html",
        {"page": page, "may_write": may_write_messages(request.user)},
    )


def message_groups(request):
    """The groups the person may write to, by audience."""
    if not may_write_messages(request.user):
        raise PermissionDenied
    sections = [
        {"audience": audience, "groups": list(audience.who_may_write(request.user))}
        for audience in audiences()
    ]
    return render(
        request,
        "messaging/message_groups.html",
        {"sections": [section for section in sections if section["groups"]]},
    )


def message_write(request, audience: str, group_id: int):
    if not may_write_messages(request.user):
        raise PermissionDenied
    audience = get_audience(audience)
    group = writable_group_or_404(request.user, audience, group_id)
    recipients = actions.recipients_of(audience, group, author=request.user)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            message = actions.send_group_message(
                actor=request.user,
                audience=audience,
                group=group,
                request=request,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(
                request,
                _("Your message is on its way to %(group)s.") % {"group": message.group_name},
            )
            return redirect("messaging:message_detail", pk=message.pk)
    return render(
        request,
        "messaging/message_write.html",
        {
            "form": form,
            "audience": audience,
            "group": group,
            "recipient_count": len(recipients),
            "without_account": sum(1 for recipient in recipients if recipient.user is None),
        },
        status=400 if form.errors else 200,
    )


def message_detail(request, pk: int):
    """The message, for its author (with whom it went to) and its recipients."""
    message = get_message_for_user_or_404(request.user, pk)
    is_author = message.author_id == request.user.pk
    recipients = (
        message.recipients.select_related("user").order_by("user__full_name", "name", "pk")
        if is_author
        else None
    )
    actions.mark_read(user=request.user, message=message)
    return render(
        request,
        "messaging/message_detail.html",
        {"message": message, "is_author": is_author, "recipients": recipients},
    )
