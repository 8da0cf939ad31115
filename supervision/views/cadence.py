"""The coordinator's cadence grid: this month and the past six, who falls short and why."""


def cadence(request):
    raise NotImplementedError
