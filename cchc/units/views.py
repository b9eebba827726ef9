from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from cchc.accounts.access import get_unit_for_user
from cchc.accounts.menu import unit_links
from cchc.units import selectors
from cchc.units.models import UnitList
from cchc.units.tables import UnitTable


def browser(request: HttpRequest) -> HttpResponse:
    """Provinces of one list, or the units matching a search in either list."""
    today_list = selectors.unit_list_in_force(timezone.localdate())
    unit_list = request.GET.get("danh-muc")
    if unit_list not in UnitList.values:
        unit_list = today_list
    query = request.GET.get("q", "").replace("\x00", "").strip()  # the database refuses a NUL
    if query:
        scope = request.GET.get("trong") if request.GET.get("trong") in UnitList.values else None
        results = Paginator(selectors.unit_search(query, scope), 50).get_page(
            request.GET.get("page")
        )
        return render(request, "units/search.html", {
            "query": query, "scope": scope, "page": results, "unit_lists": UnitList,
        })
    table = UnitTable(selectors.provinces(unit_list), exclude=("parent", "unit_list"))
    return render(request, "units/browser.html", {
        "table": table, "unit_list": unit_list, "unit_lists": UnitList,
        "today_list": today_list,
    })


def detail(request: HttpRequest, unit_list: str, code: str) -> HttpResponse:
    unit = selectors.unit_get(unit_list, code)
    children = UnitTable(selectors.unit_children(unit), exclude=("parent", "unit_list"))
    return render(request, "units/detail.html", {
        "unit": unit,
        "children": children,
        "successors": selectors.unit_successors(unit),
        "predecessors": selectors.unit_predecessors(unit),
        "links": unit_links(request.user, unit),
    })


def reports(request: HttpRequest, unit_list: str, code: str) -> HttpResponse:
    """Every quarter the unit reports on (its cut-off window opened while it is in force),
    newest first and grouped by year, each linking to its form II.06a."""
    from cchc.dossiers.selectors import due_quarters

    unit = get_unit_for_user(request.user, unit_list, code)
    years: dict[int, list] = {}
    for due in due_quarters(unit, timezone.localdate(), limit=400):
        years.setdefault(due.period.end.year, []).append(due)
    from cchc.periods.models import PeriodKind, ReportingPeriod

    whole_years = set(ReportingPeriod.objects.filter(kind=PeriodKind.YEAR, year__in=years)
                      .values_list("year", flat=True))
    return render(request, "units/reports.html", {"unit": unit, "years": years,
                                                  "whole_years": whole_years})
