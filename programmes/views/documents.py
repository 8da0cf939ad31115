"""Placeholder stubs: being written."""

from django.http import Http404


def certificate_pdf(request, **kwargs):
    raise Http404


def certificate_reissue(request, **kwargs):
    raise Http404


def certificate_verify(request, **kwargs):
    raise Http404
