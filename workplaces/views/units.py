"""Placeholder stubs: being written."""

from django.http import Http404


def workplace_list(request, **kwargs):
    raise Http404


def workplace_create(request, **kwargs):
    raise Http404


def organisation_create(request, **kwargs):
    raise Http404


def workplace_detail(request, **kwargs):
    raise Http404


def readiness_confirm(request, **kwargs):
    raise Http404


def staff_training_create(request, **kwargs):
    raise Http404


def trainee_order_create(request, **kwargs):
    raise Http404


def manager_home(request, **kwargs):
    raise Http404


def aggregates_export(request, **kwargs):
    raise Http404
