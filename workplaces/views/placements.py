"""Placeholder stubs: being written."""

from django.http import Http404


def placement_list(request, **kwargs):
    raise Http404


def placement_create(request, **kwargs):
    raise Http404


def placement_detail(request, **kwargs):
    raise Http404


def placement_agree(request, **kwargs):
    raise Http404


def placement_end(request, **kwargs):
    raise Http404


def review_list(request, **kwargs):
    raise Http404


def review_respond(request, **kwargs):
    raise Http404
