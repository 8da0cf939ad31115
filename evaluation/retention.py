"""Retention rules for survey records (registered in ``dataprotection.py``).

Research data is kept, pseudonymised: a study's answers stay for its analyses, but once
the study has closed and its last invitation closed long ago, an invitation no longer
names its respondent (participant or account). The answers, the wave, the region and the
programme event the invitation was made for (its anchor key) stay, so every response
rate and score is unchanged. A research export's files are a copy for the researcher to
fetch: they go after three months, and the row (who asked, when, for which study) stays.
"""

from __future__ import annotations

from functools import partial

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import CharField, Max, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext_lazy as _

from peersupport.dataprotection.registry import RetentionRule

from .models import Invitation, ResearchExport, Study, StudyStatus

EXPORT_FILES = ("long_csv", "wide_csv", "spss", "codebook")


def _has_files() -> Q:
    return ~Q(**{name: "" for name in EXPORT_FILES})


def export_files_due(cutoff, region_ids=None) -> QuerySet[ResearchExport]:
    """Exports asked for before ``cutoff`` that still have files. An export may span
    several regions, so the rule is national."""
    return ResearchExport.objects.filter(requested_at__lt=cutoff).filter(_has_files())


def delete_export_files(exports: QuerySet[ResearchExport]) -> int:
    """Empty the exports' file fields and delete the files once the transaction commits
    (a failed run keeps them). Returns how many exports lost files."""
    rows = list(exports.filter(_has_files()).values_list("pk", *EXPORT_FILES))
    names = [name for _pk, *files in rows for name in files if name]
    ResearchExport.objects.filter(pk__in=[row[0] for row in rows]).update(
        **{name: "" for name in EXPORT_FILES}
    )
    transaction.on_commit(partial(_delete_files, names))
    return len(rows)


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def studies_ended_before(cutoff) -> QuerySet[Study]:
    """Closed studies whose every invitation closed before ``cutoff``."""
    return (
        Study.objects.filter(status=StudyStatus.CLOSED)
        .annotate(last_closes_at=Max("waves__invitations__closes_at"))
        .filter(Q(last_closes_at__lt=cutoff) | Q(last_closes_at__isnull=True))
    )


def named_invitations_due(cutoff, region_ids) -> QuerySet[Invitation]:
    """The region's invitations that still name their respondent, in studies that ended
    before ``cutoff``."""
    return Invitation.objects.filter(
        region_id__in=region_ids,
        wave__study__in=studies_ended_before(cutoff),
    ).filter(Q(participant__isnull=False) | Q(user__isnull=False))


def unname_invitations(invitations: QuerySet[Invitation]) -> int:
    # The placement is the peer supporter's: it would name them as surely as the link, and
    # the anchor key holds the enrolment's, placement's or account's id. It stays unique
    # per wave as the invitation's own id.
    return invitations.update(
        participant=None,
        user=None,
        placement=None,
        anchor_key=Concat(Value("thinned:"), Cast("pk", output_field=CharField())),
    )


EXPORT_FILE_RULE = RetentionRule(
    key="evaluation.export_files",
    title=_("Research export files"),
    default_months=3,
    due=export_files_due,
    thin=delete_export_files,
    action=_("The CSV, SPSS and codebook files deleted; who asked for the export and when kept."),
    regional=False,
)

NAMED_INVITATIONS = RetentionRule(
    key="evaluation.named_invitations",
    title=_("Survey invitations of closed studies: who answered"),
    default_months=24,
    due=named_invitations_due,
    thin=unname_invitations,
    action=_(
        "The link to the respondent removed; the answers, the wave and the region kept, so "
        "every response rate and score stays the same."
    ),
)
