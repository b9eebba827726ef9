"""Demo figures for the 766 service index (entered indicators) and SIPAS: seeded, labelled as
demo by the pages' data source note in the README, for the demo provinces' units."""

from __future__ import annotations

import random
from decimal import Decimal

from cchc.demo import public
from cchc.periods.models import PeriodKind, ReportingPeriod
from cchc.satisfaction.models import FACTORS, SipasResult
from cchc.service_index.models import IndicatorValue, ServiceIndicator, Source
from cchc.units.models import REFORM_DATE, AdministrativeUnit, UnitList


def _rate(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(str(round(rng.uniform(low, high), 2)))


def load_service_demo(today) -> tuple[int, int]:
    """(766 values, SIPAS results) written; a rerun writes the same values again."""
    entered = list(ServiceIndicator.objects.filter(source=Source.ENTERED))
    old = list(AdministrativeUnit.objects.filter(
        unit_list=UnitList.BEFORE_2025, parent__code__in=[public.KE_SACH, public.SOC_TRANG]))
    new = list(AdministrativeUnit.objects.filter(unit_list=UnitList.FROM_2025,
                                                 parent__code=public.CAN_THO))
    quarters = list(ReportingPeriod.objects.filter(kind=PeriodKind.QUARTER,
                                                   cutoff_end__lte=today).order_by("-end"))
    values = 0
    for units, in_list in ((old, [q for q in quarters if q.end < REFORM_DATE][:4]),
                           (new, [q for q in quarters if q.end >= REFORM_DATE][:4])):
        for unit in units:
            rng = random.Random(f"demo-766-{unit.unit_list}-{unit.code}")
            for quarter in in_list:
                for indicator in entered:
                    threshold = float(indicator.threshold_percent)
                    IndicatorValue.objects.update_or_create(
                        indicator=indicator, unit=unit, period=quarter,
                        defaults={"rate_percent": _rate(rng, threshold * 0.6,
                                                        min(100.0, threshold * 1.2))})
                    values += 1
    sipas = 0
    for year, parent_code in ((2021, public.KE_SACH), (2022, public.KE_SACH),
                              (2023, public.DAK_RLAP)):
        for unit in AdministrativeUnit.objects.filter(unit_list=UnitList.BEFORE_2025,
                                                      parent__code=parent_code):
            rng = random.Random(f"demo-sipas-{unit.code}-{year}")
            factors = {key: _rate(rng, 75, 95) for key, _label in FACTORS}
            overall = (sum(factors.values()) / len(factors)).quantize(Decimal("0.01"))
            SipasResult.objects.update_or_create(unit=unit, year=year,
                                                 defaults={"overall": overall, **factors})
            sipas += 1
    return values, sipas
