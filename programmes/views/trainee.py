"""Placeholder stubs: being written."""

from django.http import Http404


def my_course(request, **kwargs):
    raise Http404
