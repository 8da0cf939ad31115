from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from .calendar import calendar_feed_for, calendar_for, revoke_calendar_feed
from .models import CalendarFeed, Notification


def notification_list(request):
    """A person's own notifications, newest first."""
    notifications = Notification.objects.for_recipient(request.user).order_by("-due_at", "-pk")
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/notification_list.html", {"page": page})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def calendar_settings(request):
    """The person's secret feed address; POST revokes it and gives a new one."""
    if request.method == "POST":
        revoke_calendar_feed(actor=request.user)
        messages.success(
            request, _("You have a new calendar address. The old one no longer works.")
        )
        return redirect("notifications:calendar_settings")
    feed = calendar_feed_for(request.user)
    feed_url = request.build_absolute_uri(reverse("notifications:calendar_feed", args=[feed.token]))
    return render(
        request,
        "notifications/calendar_settings.html",
        {"feed": feed, "feed_url": feed_url},
    )


@login_not_required
@never_cache
@require_safe
def calendar_feed(request, token: str):
    """Public to whoever holds the token: calendar apps subscribe without logging in.

    An unknown or revoked token, or a deactivated account, is a plain 404.
    """
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token)
    if not feed.user.is_active:
        raise Http404
    body = calendar_for(feed.user, site_url=request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    # The address is a secret: keep it out of search engines.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
