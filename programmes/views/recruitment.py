"""Placeholder stubs: being written."""

from django.http import Http404


def participant_list(request, **kwargs):
    raise Http404


def participant_create(request, **kwargs):
    raise Http404


def participant_detail(request, **kwargs):
    raise Http404


def participant_status(request, **kwargs):
    raise Http404


def participant_account(request, **kwargs):
    raise Http404
