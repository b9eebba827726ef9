"""Reading what is public. Everything a visitor without an account (the public page, the API
without a token) sees comes from here, and only from provinces whose page is switched on."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.http import Http404

from cchc.periods.models import ReportingPeriod
from cchc.publication.models import PublicPage, RankingPublication
from cchc.ranking import competition_ranks, unranked_last
from cchc.units.models import AdministrativeUnit, Level
from reports.kpis import KPIS, kpi_values


def public_provinces():
    """Provinces whose public page is on, by list and code."""
    return (AdministrativeUnit.objects.filter(public_page__is_enabled=True,
                                              level=Level.PROVINCE)
            .order_by("unit_list", "code"))


def is_public(province: AdministrativeUnit) -> bool:
    return PublicPage.objects.filter(province=province, is_enabled=True).exists()


def public_province_or_404(unit_list: str, code: str) -> AdministrativeUnit:
    province = public_provinces().filter(unit_list=unit_list, code=code).first()
    if province is None:
        raise Http404
    return province


def publications(province: AdministrativeUnit) -> list[RankingPublication]:
    """The province's published quarters, newest first (empty while its page is off)."""
    if not is_public(province):
        return []
    return list(RankingPublication.objects.filter(province=province)
                .select_related("period").order_by("-period__end"))


def publication_or_404(province: AdministrativeUnit, period: ReportingPeriod
                       ) -> RankingPublication:
    found = RankingPublication.objects.filter(province=province, period=period).first()
    if found is None or not is_public(province):
        raise Http404
    return found


def published_unit_codes(publication: RankingPublication) -> set[str]:
    return {entry["code"] for entry in publication.units}


@dataclass
class PublishedRow:
    """A unit's published figures for the quarter: counts, every KPI, its rank by the KPI."""

    code: str
    name: str
    level: int
    parent_code: str | None
    totals: dict[str, int] | None
    values: dict[str, Decimal | int | None]
    rank: int | None

    @property
    def has_figures(self) -> bool:
        return self.totals is not None


def published_rows(publication: RankingPublication, level: int,
                   kpi_key: str = "on_time_rate") -> list[PublishedRow]:
    """The units of ``level`` in a publication ranked by a KPI (ties share a rank, units
    without figures last), with every KPI computed by ``reports.kpis`` from the published
    counts."""
    kpi = KPIS[kpi_key]
    rows = []
    for entry in publication.units:
        if entry["level"] != level:
            continue
        totals = publication.totals(entry)
        values = kpi_values(totals) if totals else dict.fromkeys(KPIS)
        rows.append(PublishedRow(entry["code"], entry["name"], entry["level"],
                                 entry["parent_code"], totals, values, None))
    ranks = competition_ranks({row.code: row.values[kpi_key] for row in rows},
                              descending=kpi.higher_is_better)
    for row in rows:
        row.rank = ranks.get(row.code)
    rows.sort(key=lambda row: (unranked_last(row.rank), row.code))
    return rows


def published_levels(publication: RankingPublication) -> list[int]:
    """The levels below the province a publication ranks (districts and communes before the
    2025 reform, communes after)."""
    return sorted({entry["level"] for entry in publication.units} - {Level.PROVINCE})
