"""Supervision sessions: the supervisor's home, lists, detail, moving and cancelling,
attendance and themes, the supervisor's private note, and the peer supporter's
confirmation and rating."""


def supervisor_home(request):
    raise NotImplementedError


def session_list(request):
    raise NotImplementedError


def session_detail(request, pk):
    raise NotImplementedError


def session_edit(request, pk):
    raise NotImplementedError


def session_cancel(request, pk):
    raise NotImplementedError


def session_attendance(request, pk):
    raise NotImplementedError


def session_note(request, pk):
    raise NotImplementedError


def session_confirm(request, pk):
    raise NotImplementedError
