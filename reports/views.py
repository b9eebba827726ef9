from django.conf import settings
from django.core.exceptions import BadRequest
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cchc.accounts.access import get_unit_for_user, profile_of, sees_every_unit
from cchc.accounts.models import Role
from cchc.dossiers.columns import COLUMNS
from cchc.dossiers.scopes import chosen_scope, scope_label
from cchc.exports import csv_response, xlsx_response
from cchc.periods.codes import InvalidPeriodCode, PeriodSpec
from cchc.periods.models import ReportingPeriod
from cchc.publication.selectors import office_panel
from cchc.ranking import paginate_table
from cchc.units.models import REFORM_DATE, AdministrativeUnit, Level, UnitList
from cchc.units.selectors import unit_successors
from reports import caching, exports, selectors
from reports.filters import ROW_FILTERS, NationalRankingFilter, RankingFilter
from reports.kpis import KPIS
from reports.tables import SORTABLE, RankingTable, shown_rows


def home(request: HttpRequest) -> HttpResponse:
    """The provincial office lands on its province's ranking; unit staff on their inbox."""
    profile = profile_of(request.user)
    if profile and profile.unit and profile.role == Role.PROVINCIAL_OFFICE:
        period = selectors.latest_quarter_with_figures(profile.unit)
        if period:
            return redirect("reports:ranking", profile.unit.unit_list, profile.unit.code,
                            period.code)
    if profile and profile.role == Role.NATIONAL:
        return redirect("reports:national_home")
    if profile and profile.unit:
        return redirect("dossiers:inbox")
    return render(request, "reports/home.html", {"profile": profile})


def dashboard(request: HttpRequest, unit_list: str, code: str, period: str) -> HttpResponse:
    unit = get_unit_for_user(request.user, unit_list, code)
    period = ReportingPeriod.objects.get_by_code_or_404(period)
    scope = chosen_scope(request.GET.get("scope"), unit.level)
    # Cached under the versions of every period it reads (reports.caching).
    key = caching.cache_key("dashboard", unit.pk, period.code, scope,
                            caching.figures_stamp(*selectors.dashboard_periods(period)))
    board = caching.cached(key, lambda: selectors.unit_dashboard(unit, period, scope))
    return render(request, "reports/dashboard.html", {
        "unit": unit, "board": board, "kpis": KPIS,
        "chart_data": _chart_data(board),
        "successors": SimpleLazyObject(lambda: unit_successors(unit)),
        "page_cache_key": caching.cache_key("dashboard-page", key, get_language()),
        "cache_seconds": settings.CCHC_CACHE_SECONDS,
    })


def _chart_data(board) -> dict:
    def percent(value):
        return None if value is None else round(float(value) * 100, 2)

    return {
        "labels": {
            "early": _("Trước hạn (8)"), "onTime": _("Đúng hạn (9)"), "late": _("Quá hạn (10)"),
            "onTimeRate": f"{KPIS['on_time_rate'].label}: {KPIS['on_time_rate'].formula}",
            "onlineRate": f"{KPIS['online_rate'].label}: {KPIS['online_rate'].formula}",
        },
        "fields": [name for name, _t in board.by_field],
        "early": [t["resolved_early"] for _n, t in board.by_field],
        "onTime": [t["resolved_on_time"] for _n, t in board.by_field],
        "late": [t["resolved_late"] for _n, t in board.by_field],
        "periods": [p.label for p in board.trend_periods],
        "onTimeRate": [percent(v) for v in board.trend["on_time_rate"]],
        "onlineRate": [percent(v) for v in board.trend["online_rate"]],
    }


def _switch_period(request, name: str, args: list) -> HttpResponse:
    """The same page for the period chosen in the form (``ky``), other filters kept."""
    query = request.GET.copy()
    try:  # a period that cannot exist (2026-Q9, x) is a 400 saying how periods are written
        chosen = PeriodSpec.parse(query.pop("ky")[0]).code
    except InvalidPeriodCode as error:
        raise BadRequest(str(error)) from error
    url = reverse(name, args=[*args, chosen])
    return redirect(f"{url}?{query.urlencode()}" if query else url)


def _ranking_for(request, unit_list, code, period):
    return ranking_for(request.user, unit_list, code, period, request.GET)


def ranking_for(user, unit_list, code, period, query):
    """The ranked root (access checked for ``user``), the period, the previous one and the
    ranking's filters from ``query`` (the page's GET, or the one an export job kept)."""
    root = get_unit_for_user(user, unit_list, code)
    period, previous = ReportingPeriod.objects.with_previous_or_404(period)
    # Checked by the filter form too: a bad level ranks the direct children, uncached.
    level = query.get("level")
    level = int(level) if level in (str(Level.DISTRICT), str(Level.COMMUNE)) else None
    candidates = selectors.ranking_units(root, period, level=level)
    filters = RankingFilter(query or None, queryset=candidates, root=root,
                            ranked_level=selectors.ranked_level(root, level))
    return root, period, previous, filters


def _ranking_page(request, ranked_set: tuple, period, previous, units, filters) -> dict:
    """What the ranking pages show, cached under the figures' versions (``reports.caching``).

    The ranking (the selector's result) is cached for every sort order, page and search; the
    page's content for each sort order, page, search, language and day. Everything here is
    lazy: on a hit of the page's fragment nothing is computed, queried or rendered again.
    ``ranked_set`` names the ranked set (the view, its root or list); with the chosen filters
    it decides who is ranked, and ``filters.scope`` whose reports each unit's figures cover.
    The search and the province filter (``ROW_FILTERS``) only choose the rows shown: ranks
    stay those of the whole ranked set."""
    kpi_key, figures_scope = filters.kpi_key, filters.scope
    base = caching.cache_key(*ranked_set, caching.filters_key(filters, exclude=ROW_FILTERS),
                             period.code, kpi_key, figures_scope,
                             caching.figures_stamp(period, previous))
    def ranked():
        # Light rows (no model instance per unit) and the ranks from the database: what the
        # page shows of its 50 rows is computed when rendered (``RankRow.values``).
        rows = selectors.ranked_units(units)

        def compute():
            return selectors.ranking_figures([unit.pk for unit in rows], period, previous,
                                             kpi_key, figures_scope)
        figures = caching.cached(base, compute) if caching.cacheable(filters) else compute()
        return selectors.ranking(rows, period, kpi_key, figures, previous=previous,
                                 scope=figures_scope)

    result = SimpleLazyObject(ranked)
    shown = SimpleLazyObject(lambda: shown_rows(result.rows, filters))

    def table():
        # Search results come best match first ("an my": Xã An Mỹ, then names starting so)
        # unless the user sorts by a column.
        by_match = filters.query and not request.GET.get("sort")
        table = RankingTable(shown, ranking=result, kpi_key=kpi_key,
                             order_by=() if by_match else None)
        paginate_table(request, table, PER_PAGE)
        return table

    key, seconds = caching.page_key(caching.cache_key("shown", base, caching.filters_key(filters)),
                                    request, filters, sortable=SORTABLE)
    return {"kpi": KPIS[kpi_key], "ranking": result, "table": SimpleLazyObject(table),
            "shown": shown, "scope": figures_scope,
            "scope_label": scope_label(figures_scope, filters.ranked_level),
            "filter_query": caching.filter_query(filters),
            "ranked_query": caching.filter_query(filters, exclude=ROW_FILTERS),
            "kpis": KPIS, "columns": COLUMNS,
            "page_cache_key": key, "cache_seconds": seconds}


PER_PAGE = 50


def ranking(request: HttpRequest, unit_list: str, code: str, period: str) -> HttpResponse:
    if request.GET.get("ky") and request.GET["ky"] != period:
        return _switch_period(request, "reports:ranking", [unit_list, code])
    root, period, previous, filters = _ranking_for(request, unit_list, code, period)
    return render(request, "reports/ranking.html", {
        "root": root, "period": period, "filters": filters,
        "periods": SimpleLazyObject(
            lambda: selectors.periods_to_choose(root.unit_list, timezone.localdate())),
        "completeness": SimpleLazyObject(lambda: selectors.completeness_counts(root, period)),
        # Outside the cached content: who may publish, and what was published, change alone.
        "publication_panel": office_panel(request.user, root, period),
        **_ranking_page(request, ("ranking", root.pk), period, previous, filters.qs, filters),
    })


def national_home(request: HttpRequest) -> HttpResponse:
    """The provinces' ranking for the latest quarter with figures."""
    if not sees_every_unit(request.user):
        raise Http404
    latest = selectors.latest_period_with_figures(
        AdministrativeUnit.objects.filter(level=Level.PROVINCE))
    if latest is None:
        return render(request, "reports/home.html", {"profile": profile_of(request.user)})
    unit_list = UnitList.FROM_2025 if latest.end >= REFORM_DATE else UnitList.BEFORE_2025
    return redirect("reports:national_ranking", unit_list, latest.code)


def _national_for(request, unit_list: str, period: str):
    if not sees_every_unit(request.user) or unit_list not in UnitList.values:
        raise Http404
    period, previous = ReportingPeriod.objects.with_previous_or_404(period)
    filters = NationalRankingFilter(request.GET or None,
                                    queryset=AdministrativeUnit.objects.none(),
                                    unit_list=unit_list, on=period.end)
    units = selectors.national_units(unit_list, period, filters.chosen_level)
    return period, previous, filters, units


def national_ranking(request: HttpRequest, unit_list: str, period: str) -> HttpResponse:
    """Every province, district or commune of the country ranked (national bodies and
    administrators only)."""
    if request.GET.get("ky") and request.GET["ky"] != period:
        return _switch_period(request, "reports:national_ranking", [unit_list])
    period, previous, filters, units = _national_for(request, unit_list, period)
    return render(request, "reports/national_ranking.html", {
        "unit_list": UnitList(unit_list), "period": period, "filters": filters,
        "periods": SimpleLazyObject(
            lambda: selectors.periods_to_choose(unit_list, timezone.localdate())),
        **_ranking_page(request, ("national", unit_list), period, previous, units, filters),
    })


def national_csv(request: HttpRequest, unit_list: str, period: str):
    """The national ranking's units as the per-unit CSV, with the page's filters."""
    period, _previous, filters, units = _national_for(request, unit_list, period)
    # No ranking needed: the per-unit columns, in the page's scope, of the rows the page shows.
    if filters.province:
        units = units.filter(Q(pk=filters.province.pk) | Q(province=filters.province))
    if filters.query:
        units = units.search(filters.query) | units.filter(code=filters.query)
    rows = selectors.unit_rows(units, period, filters.scope)
    return csv_response(exports.csv_rows(rows, period, filters.scope),
                        f"toan-quoc-{unit_list}-{filters.chosen_level}-{period.code}.csv")


def summary_xlsx(request: HttpRequest, unit_list: str, code: str, period: str):
    """The summary workbook of what the ranking page shows, with its filters: streamed, or
    for more than ``CCHC_EXPORT_IN_BACKGROUND_ABOVE`` units written by a worker into the file
    of a job (``reports.jobs``), whose page the answer is and which offers the download."""
    root, period, _previous, filters = _ranking_for(request, unit_list, code, period)
    name = f"tong-hop-{root.code}-{period.code}.xlsx"
    if filters.qs.count() > settings.CCHC_EXPORT_IN_BACKGROUND_ABOVE:
        from reports.jobs import summary_job

        job = summary_job(user=request.user, root=root, period=period,
                          query=request.GET.urlencode(), name=name)
        return redirect("jobs:detail", job.pk)
    summary = exports.summary_for(root, period, filters.qs, kpi_key=filters.kpi_key,
                                  scope=filters.asked_scope)
    return xlsx_response(lambda file: exports.write_workbook(summary, file), name)


def summary_csv(request: HttpRequest, unit_list: str, code: str, period: str):
    """The per-unit sheet as CSV, for the units the ranking page shows (its filters kept)."""
    root, period, _previous, filters = _ranking_for(request, unit_list, code, period)
    rows = selectors.unit_rows(filters.qs, period, filters.scope)
    return csv_response(exports.csv_rows(rows, period, filters.scope),
                        f"theo-don-vi-{root.code}-{period.code}.csv")
