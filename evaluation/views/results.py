"""A study's results for researchers (their regions) and coordinators (their region):
response rates, scores, paired change and Cronbach's alpha, and the same figures as CSV.

Only aggregates are shown, with the small-number rule applied for everyone (see
``evaluation.results``), so reading them is not audit-logged; the research exports are.
"""

from __future__ import annotations

import csv
from functools import wraps

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path
from django.utils import formats
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

from peersupport.spreadsheets import spreadsheet_safe

from .. import results_cache
from ..models import InvitationStatus
from ..permissions import get_study_for_user_or_404, may_see_results
from ..results import RESPONSE_STATUSES, StudyResults, study_results


def results_required(view):
    """View precondition: researcher, coordinator or admin, else 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not may_see_results(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _chosen_region_id(request) -> int | None:
    """The region picked in the filter; ``study_results`` ignores one the user may not see."""
    chosen = request.GET.get("region", "")
    return int(chosen) if chosen.isdigit() else None


def _results(request, pk: int):
    study = get_study_for_user_or_404(request.user, pk)
    return study, study_results(request.user, study, region_id=_chosen_region_id(request))


@results_required
def study_results_page(request, pk: int):
    """The figures come from the cache while nothing they are made of has changed
    (``evaluation.results_cache``); ``results`` is computed only when they do not."""
    user = request.user
    study = get_study_for_user_or_404(user, pk)
    region_id = _chosen_region_id(request)
    results = SimpleLazyObject(lambda: study_results(user, study, region_id=region_id))
    key = results_cache.page_key(user, study.pk, region_id)
    figures = cache.get(key)
    if figures is None:
        figures = render_to_string(
            "evaluation/results_study_figures.html",
            {
                "study": study,
                "results": results,
                "statuses": [InvitationStatus(status).label for status in RESPONSE_STATUSES],
                # SVG we draw from the shown figures; every label in it is escaped there.
                "chart": results.chart(_("Response rate per wave")),
            },
        )
        cache.set(key, str(figures), results_cache.seconds_to_keep(user, study))
    return render(
        request,
        "evaluation/results_study.html",
        # Our own rendering of the figures template, escaped there.
        {"study": study, "results": results, "figures": mark_safe(figures)},  # noqa: S308
    )


@results_required
def study_results_csv(request, pk: int):
    """The page's figures as CSV, small numbers applied as on the page."""
    study, results = _results(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = slugify(study.name) or "study"
    response["Content-Disposition"] = f'attachment; filename="results-{name}.csv"'
    response.write("\ufeff")  # So spreadsheet programs read the file as UTF-8.
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [_("Table"), _("Wave"), _("Region or workplace"), _("Instrument"), _("Measure")]
        + [_("Figure"), _("Value")]
    )
    for *labels, value in _csv_rows(results):
        # Names were typed by people; the value is a figure we wrote (a change may be
        # negative, and must stay a number).
        writer.writerow([spreadsheet_safe(str(label)) for label in labels] + [value])
    return response


def _number(value, digits: int = 2) -> str:
    return "–" if value is None else formats.number_format(value, digits)


def _shown(figure) -> str:
    return "–" if figure is None else str(figure)


def _csv_rows(results: StudyResults):
    table = _("Response rate")
    statuses = [InvitationStatus(status).label for status in RESPONSE_STATUSES]
    for wave in results.responses:
        for line in [*wave.lines, wave.summary]:
            place = line.label if not line.region else f"{line.label} ({line.region})"
            for label, count in zip(statuses, line.counts, strict=True):
                yield table, wave.wave.name, place, "", "", label, _shown(count)
            yield table, wave.wave.name, place, "", "", _("Number invited"), _shown(line.invited)
            rate = "–" if line.rate is None else f"{line.rate} %"
            yield table, wave.wave.name, place, "", "", _("Response rate"), rate
    place = results.region.name if results.region else _("All my regions")
    for line in results.scores:
        summary = line.summary
        figures = [("n", _shown(line.n))]
        figures += [
            (_("Mean"), _number(summary and summary.mean)),
            (_("Standard deviation"), _number(summary and summary.sd)),
            (_("95 % CI, lower"), _number(summary and summary.ci_low)),
            (_("95 % CI, upper"), _number(summary and summary.ci_high)),
        ]
        for label, value in figures:
            yield _("Scores"), line.wave.name, place, line.version, line.name, label, value
    for line in results.changes:
        change = line.change
        waves = f"{line.before.name} → {line.after.name}"
        figures = [(_("Pairs"), _shown(line.n))]
        figures += [
            (_("Mean change"), _number(change and change.mean_diff)),
            (_("95 % CI, lower"), _number(change and change.ci_low)),
            (_("95 % CI, upper"), _number(change and change.ci_high)),
            ("p", _number(change and change.p, 3)),
        ]
        for label, value in figures:
            yield (
                _("Change between waves"),
                waves,
                place,
                line.instrument_name,
                line.name,
                label,
                value,
            )
    for line in results.alphas:
        yield (
            _("Cronbach's alpha"),
            line.wave.name,
            place,
            line.version,
            line.name,
            "n",
            (_shown(line.n)),
        )
        yield (
            _("Cronbach's alpha"),
            line.wave.name,
            place,
            line.version,
            line.name,
            _("Alpha"),
            _number(line.alpha),
        )


urlpatterns = [
    path("studies/<int:pk>/results/", study_results_page, name="study_results"),
    path("studies/<int:pk>/results.csv", study_results_csv, name="study_results_csv"),
]
