"""Supervisors, supervision groups and individual arrangements, and planning a series."""


def supervisor_list(request):
    raise NotImplementedError


def group_list(request):
    raise NotImplementedError


def group_create(request):
    raise NotImplementedError


def group_detail(request, pk):
    raise NotImplementedError


def group_edit(request, pk):
    raise NotImplementedError


def group_plan(request, pk):
    raise NotImplementedError
