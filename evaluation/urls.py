"""The evaluation's addresses: each area's views module lists its own ``urlpatterns``."""

from .views import answering, exports, instruments, results, slips, studies

app_name = "evaluation"

urlpatterns = [
    *instruments.urlpatterns,
    *studies.urlpatterns,
    *answering.urlpatterns,
    *slips.urlpatterns,
    *results.urlpatterns,
    *exports.urlpatterns,
]
