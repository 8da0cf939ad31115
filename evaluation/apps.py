from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self) -> None:
        # export_tasks, slip_tasks: Celery discovers only ``tasks`` modules; the worker needs
        # these too.
        from . import (  # noqa: F401
            dataprotection,
            export_tasks,
            notifications,
            reports,
            signals,
            slip_tasks,
            todo,
        )
        from .results_cache import connect_signals

        connect_signals()
