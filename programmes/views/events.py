"""Placeholder stubs: being written."""

from django.http import Http404


def event_list(request, **kwargs):
    raise Http404


def event_create(request, **kwargs):
    raise Http404


def event_detail(request, **kwargs):
    raise Http404


def event_invite(request, **kwargs):
    raise Http404


def event_attendance(request, **kwargs):
    raise Http404
