"""Placeholder stubs: being written."""

from django.http import Http404


def cohort_list(request, **kwargs):
    raise Http404


def cohort_create(request, **kwargs):
    raise Http404


def cohort_detail(request, **kwargs):
    raise Http404


def cohort_edit(request, **kwargs):
    raise Http404


def cohort_schedule(request, **kwargs):
    raise Http404


def cohort_enrol(request, **kwargs):
    raise Http404


def enrolment_withdraw(request, **kwargs):
    raise Http404


def attendance_grid(request, **kwargs):
    raise Http404


def cohort_certify(request, **kwargs):
    raise Http404


def cohort_close(request, **kwargs):
    raise Http404


def session_edit(request, **kwargs):
    raise Http404
