"""Why an uploaded go-live file is kept, and how briefly. Imported from AppConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from peersupport.dataprotection import bases
from peersupport.dataprotection.registry import LegalBasis, register_legal_basis

register_legal_basis(
    LegalBasis(
        key="golive.pending_imports",
        title=_("Uploaded go-live files"),
        models=("golive.pendingimport",),
        purpose=_(
            "Show a coordinator every row of a spreadsheet of the region's applicants, peer "
            "supporters, workplaces or placements, with its errors, before anything is saved."
        ),
        article_6=bases.PUBLIC_TASK,
        # A list of applicants and peer supporters shows that they are in the programme.
        article_9=bases.INDIRECT_HEALTH,
        retention=_(
            "Deleted when the import is confirmed or cancelled, and within three hours of the "
            "upload at the latest."
        ),
    )
)
