"""The public results page: what a province published, for everyone, without logging in.

Every figure comes from ``cchc.publication.selectors`` — quarterly rankings from the snapshot
taken when they were published, PAR results from published assessments' stored fields — and
only for provinces whose page is on; anything else answers 404. Nothing here names a person.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from cchc.dossiers.columns import COLUMNS
from cchc.dossiers.scopes import SCOPES, chosen_scope, scope_label
from cchc.exports import csv_response
from cchc.periods.models import ReportingPeriod
from cchc.publication import exports, selectors
from cchc.units.models import Level
from reports.kpis import KPIS, RANKABLE


@login_not_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """The provinces whose results page is on."""
    return render(request, "public/index.html",
                  {"provinces": list(selectors.public_provinces())})


@login_not_required
@require_safe
def province(request: HttpRequest, unit_list: str, code: str) -> HttpResponse:
    """A province's published quarters and years of PAR results."""
    found = selectors.public_province_or_404(unit_list, code)
    return render(request, "public/province.html", {
        "province": found, "publications": selectors.publications(found),
        "par_years": selectors.published_par_years(found),
    })


def _publication(unit_list: str, code: str, period: str):
    found = selectors.public_province_or_404(unit_list, code)
    period = ReportingPeriod.objects.get_by_code_or_404(period)
    return found, selectors.publication_or_404(found, period)


def _chosen(request) -> tuple[str, str]:
    """The KPI (``?kpi=``) and scope (``?scope=``) a published quarter is shown by."""
    return (selectors.ranking_kpi_key(request.GET.get("kpi")),
            chosen_scope(request.GET.get("scope"), Level.PROVINCE))


@login_not_required
@require_safe
def ranking(request: HttpRequest, unit_list: str, code: str, period: str) -> HttpResponse:
    """A published quarter: each level ranked by the chosen KPI, every rate with its
    formula, from the figures as published."""
    found, publication = _publication(unit_list, code, period)
    kpi_key, scope = _chosen(request)
    return render(request, "public/ranking.html", {
        "province": found, "publication": publication, "period": publication.period,
        "kpi": KPIS[kpi_key], "kpi_key": kpi_key, "scope": scope,
        "scopes": [(choice, scope_label(choice, Level.PROVINCE)) for choice in SCOPES],
        "rankable": [KPIS[key] for key in RANKABLE],
        "rates": exports.RATES, "kpis": KPIS, "columns": COLUMNS,
        "sections": exports.page_sections(publication, kpi_key, scope),
    })


@login_not_required
@require_safe
def ranking_csv(request: HttpRequest, unit_list: str, code: str, period: str) -> HttpResponse:
    """The published quarter as CSV: one row per unit, its 12 counts and every rate."""
    found, publication = _publication(unit_list, code, period)
    kpi_key, scope = _chosen(request)
    return csv_response(exports.ranking_rows(publication, kpi_key, scope),
                        f"xep-hang-{found.code}-{publication.period.code}.csv", streaming=False)


def _par_groups(unit_list: str, code: str, year: int):
    found = selectors.public_province_or_404(unit_list, code)
    groups = selectors.published_par_results(found, year)
    if not groups:
        raise Http404
    return found, groups


@login_not_required
@require_safe
def par(request: HttpRequest, unit_list: str, code: str, year: int) -> HttpResponse:
    """The year's published PAR results: rank, points, index and band, as published."""
    found, groups = _par_groups(unit_list, code, year)
    return render(request, "public/par.html", {"province": found, "year": year,
                                               "groups": groups})


@login_not_required
@require_safe
def par_csv(request: HttpRequest, unit_list: str, code: str, year: int) -> HttpResponse:
    found, groups = _par_groups(unit_list, code, year)
    return csv_response(exports.par_rows(groups), f"chi-so-cchc-{found.code}-{year}.csv",
                        streaming=False)
