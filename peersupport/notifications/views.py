from django.core.paginator import Paginator
from django.shortcuts import render

from .models import Notification


def notification_list(request):
    """A person's own notifications, newest first."""
    notifications = Notification.objects.for_recipient(request.user).order_by("-due_at", "-pk")
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/notification_list.html", {"page": page})
