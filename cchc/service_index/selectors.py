"""The 766 service index of a unit for a period, and the ranking of units by it: the one
definition read by the pages and the tests.

Indicator score (``earned``): ``points`` when ``rate ≥ threshold``, else
``rate / threshold × points``. Group subtotal = the sum of its indicators; total (out of 100) =
the sum of the groups; an indicator without a value earns 0 and the index says it is incomplete.
Rates of computed indicators are the dossier KPIs of ``reports.kpis`` × 100.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from cchc.dossiers.columns import COLUMN_BY_FIELD
from cchc.formatting import format_count, format_fixed
from cchc.ranking import competition_ranks, unranked_last
from cchc.service_index.indicators import BANDS
from cchc.service_index.models import IndicatorValue, ServiceIndicator, Source
from reports.kpis import KPIS
from reports.selectors import ranking_units, unit_rows

HUNDRED = Decimal(100)


def indicator_score(rate_percent: Decimal | None, threshold: Decimal,
                    points: Decimal) -> Decimal | None:
    """Full points at or above the threshold, proportional below it; None without a rate."""
    if rate_percent is None:
        return None
    if rate_percent >= threshold:
        return points
    return rate_percent / threshold * points


def band_for(total: Decimal) -> str:
    for minimum, label in BANDS:
        if total >= minimum:
            return label
    return ""


@dataclass
class IndicatorScore:
    indicator: ServiceIndicator
    rate_percent: Decimal | None
    figures: dict | None = None  # the dossier counts behind a computed rate

    @property
    def earned(self) -> Decimal | None:
        return indicator_score(self.rate_percent, self.indicator.threshold_percent,
                               self.indicator.points)

    @property
    def formula(self) -> str:
        if self.indicator.source == Source.KPI:
            return str(KPIS[self.indicator.kpi_key].formula)
        return ""

    @property
    def calculation(self) -> str:
        """A computed rate as a sentence with the unit's numbers: "(8) + (9) + (12) = 7.795
        trên (7) + (11) = 11.111, tức 70,16 %" ("" for an entered indicator, or without
        figures)."""
        if self.indicator.source != Source.KPI or not self.figures:
            return ""
        kpi = KPIS[self.indicator.kpi_key]

        def side(fields):
            return (" + ".join(COLUMN_BY_FIELD[name].number for name in fields),
                    format_count(sum(self.figures[name] for name in fields)))

        (top, top_value), (bottom, bottom_value) = side(kpi.numerator), side(kpi.denominator)
        sentence = _("%(top)s = %(top_value)s trên %(bottom)s = %(bottom_value)s") % {
            "top": top, "top_value": top_value, "bottom": bottom, "bottom_value": bottom_value}
        if self.rate_percent is None:
            return _("%(sentence)s: chưa tính được (mẫu số bằng 0)") % {"sentence": sentence}
        return _("%(sentence)s, tức %(rate)s %%") % {"sentence": sentence,
                                                      "rate": format_fixed(self.rate_percent)}


@dataclass
class GroupScore:
    number: int
    title: str
    indicators: list[IndicatorScore] = field(default_factory=list)

    @property
    def points(self) -> Decimal:
        return sum((i.indicator.points for i in self.indicators), Decimal(0))

    @property
    def earned(self) -> Decimal:
        return sum((i.earned or Decimal(0) for i in self.indicators), Decimal(0))


@dataclass
class ServiceIndex:
    unit: object
    period: object
    groups: list[GroupScore]
    rank: int | None = None
    rank_of: int | None = None

    @property
    def total(self) -> Decimal:
        return sum((g.earned for g in self.groups), Decimal(0))

    @property
    def complete(self) -> bool:
        return all(i.rate_percent is not None for g in self.groups for i in g.indicators)

    @property
    def band(self) -> str:
        return band_for(self.total)

    @property
    def rank_display(self) -> str:
        return f"{self.rank}/{self.rank_of}" if self.rank else "–"

    @property
    def rank_key(self) -> int:
        return unranked_last(self.rank)


def service_indexes(units, period) -> list[ServiceIndex]:
    """Every unit's index for ``period``, ranked by total (1, 2, 2, 4; units with no value at
    all are unranked). A fixed number of queries whatever the number of units."""
    units = list(units)
    indicators = list(ServiceIndicator.objects.order_by("position"))
    entered = defaultdict(dict)
    for value in IndicatorValue.objects.filter(unit__in=units, period=period):
        entered[value.unit_id][value.indicator_id] = value.rate_percent
    rows = {row.unit.pk: row for row in unit_rows(units, period)}
    result = []
    for unit in units:
        groups: dict[int, GroupScore] = {}
        for indicator in indicators:
            group = groups.setdefault(indicator.group,
                                      GroupScore(indicator.group, indicator.group_title))
            if indicator.source == Source.KPI:
                row = rows[unit.pk]
                value = row.values[indicator.kpi_key] if row.has_figures else None
                rate = None if value is None else value * HUNDRED
                group.indicators.append(IndicatorScore(indicator, rate, row.totals))
            else:
                group.indicators.append(
                    IndicatorScore(indicator, entered[unit.pk].get(indicator.pk)))
        result.append(ServiceIndex(unit, period, list(groups.values())))
    scored = {r.unit.pk: r.total for r in result
              if any(i.rate_percent is not None for g in r.groups for i in g.indicators)}
    ranks = competition_ranks(scored)
    for index in result:
        index.rank = ranks.get(index.unit.pk)
        index.rank_of = len(ranks) if index.rank else None
    result.sort(key=lambda r: (r.rank_key, r.unit.code))
    return result


def service_index(unit, period, peers=None) -> ServiceIndex:
    """``unit``'s index, ranked among ``peers`` (its parent's children by default)."""
    if peers is None:  # the ranking page's set: one definition, ``ranking_units``
        peers = ranking_units(unit.parent, period) if unit.parent else [unit]
    return next(i for i in service_indexes(peers, period) if i.unit.pk == unit.pk)
