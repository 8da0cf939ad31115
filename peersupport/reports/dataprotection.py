"""Why reports and register sheets are kept, and for how long: the legal bases, and the
retention rule that removes a register sheet's file. Imported from ``AppConfig.ready()``.

A sheet copies names and e-mail addresses out of the register, so its file lives only as
long as the work it was asked for; the row (who asked for which sheet, when) is kept as
the record of the export."""

from __future__ import annotations

from functools import partial

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from peersupport.dataprotection import bases
from peersupport.dataprotection.registry import (
    LegalBasis,
    RetentionRule,
    register_legal_basis,
    register_retention_rule,
)

from .models import RegisterExport


def register_files_due(cutoff, region_ids) -> QuerySet[RegisterExport]:
    """The region's exports asked for before ``cutoff`` that still have a file
    (``region_ids=None``: the exports of every region at once)."""
    exports = RegisterExport.objects.filter(requested_at__lt=cutoff).exclude(file="")
    if region_ids is None:
        return exports.filter(region__isnull=True)
    return exports.filter(region_id__in=region_ids)


def forget_register_files(exports: QuerySet[RegisterExport]) -> int:
    """Remove the files of ``exports`` (once the transaction commits, so a failed run keeps
    them); returns how many exports lost their file."""
    rows = list(exports.exclude(file="").values_list("pk", "file"))
    RegisterExport.objects.filter(pk__in=[pk for pk, _name in rows]).update(file="")
    transaction.on_commit(partial(_delete_files, [name for _pk, name in rows]))
    return len(rows)


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


register_legal_basis(
    LegalBasis(
        key="reports.register_exports",
        title=_("Register sheets"),
        models=("reports.registerexport",),
        purpose=_(
            "Let a region's coordinators work on their own participants, cohorts, "
            "placements and supervision cadence in a spreadsheet, and show who took which "
            "sheet out of the register and when."
        ),
        article_6=bases.PUBLIC_TASK,
        # Being on a sheet shows that a person is in the programme.
        article_9=bases.INDIRECT_HEALTH,
        retention=_(
            "The file is removed a month after it was asked for; the record of who asked "
            "for which sheet is kept."
        ),
    )
)

register_retention_rule(
    RetentionRule(
        key="reports.register_files",
        title=_("Register sheet files"),
        default_months=1,
        due=register_files_due,
        thin=forget_register_files,
        action=_("The spreadsheet file is deleted; who asked for it and when is kept."),
    )
)

# An admin's sheet of every region belongs to none: the national period of the rule above.
register_retention_rule(
    RetentionRule(
        key="reports.national_register_files",
        title=_("Register sheet files of every region"),
        default_months=1,
        due=register_files_due,
        thin=forget_register_files,
        action=_("The spreadsheet file is deleted; who asked for it and when is kept."),
        follows="reports.register_files",
        regional=False,
    )
)

register_legal_basis(
    LegalBasis(
        key="reports.reports",
        title=_("Evaluation reports and their subscriptions"),
        models=("reports.report", "reports.reportsubscription"),
        purpose=_(
            "Follow up the programme for the region, the funder and the user movement with "
            "figures only (no person is named, and small numbers are hidden), and send a "
            "coordinator the reports they subscribe to. A report keeps who asked for it."
        ),
        article_6=bases.PUBLIC_TASK,
        retention=_(
            "Reports are kept as the programme's record of its follow-up; a subscription "
            "until the coordinator ends it or loses the role."
        ),
    )
)
