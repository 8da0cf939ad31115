"""Placeholder stubs: being written."""

from django.http import Http404


def template_list(request, **kwargs):
    raise Http404


def template_edit(request, **kwargs):
    raise Http404
