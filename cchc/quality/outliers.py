"""The outlier rule: which figures of a report depart strongly from the unit's own history or
from its peers. A warning to check, never a reason to refuse (the figure may be right).

Both tests use the modified z-score of Iglewicz and Hoaglin, robust to the outliers it looks
for: ``z = 0.6745 × (x − median) / MAD``, where MAD is the median absolute deviation of the
sample from its median; a sample whose MAD is 0 uses 1.253314 × its mean absolute deviation
instead. A figure is flagged when ``|z| > Z_THRESHOLD``:

- **history**: against the same field and column of the unit's last ``HISTORY_PERIODS`` periods
  of the same kind (at least ``MIN_HISTORY`` of them filed), and, when the same period of the
  previous year is among them, also against that one (same scale): a change that repeats last
  year's season is not an outlier;
- **peers**: against the same field and column of the units of the same level in the same
  province for the same period (at least ``MIN_PEERS`` others; the unit itself is part of the
  sample, so one reference serves them all), on ``log(1 + x)`` since units differ in size by
  orders of magnitude.

Either way the figure must also differ from the reference by at least ``MIN_DIFFERENCE``
dossiers, so that 2 instead of 0 in a quiet commune is not called an outlier.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cchc.dossiers.columns import COLUMN_BY_FIELD
from cchc.dossiers.selectors import counted_lines
from cchc.formatting import format_count, format_decimal
from cchc.periods.codes import PeriodSpec
from cchc.periods.models import ReportingPeriod
from cchc.units.models import AdministrativeUnit, Level

HISTORY_PERIODS = 8
MIN_HISTORY = 4
MIN_PEERS = 8
Z_THRESHOLD = 3.5
MIN_DIFFERENCE = 20
#: The columns checked: the three totals and the parts whose errors matter most.
CHECKED_COLUMNS = ("received_total", "received_online", "resolved_total", "resolved_late",
                   "pending_total", "pending_overdue")

HISTORY, PEERS = "history", "peers"
BASIS_LABELS = {HISTORY: gettext_lazy("so với các kỳ trước của đơn vị"),
                PEERS: gettext_lazy("so với các đơn vị cùng cấp trong tỉnh")}

_MAD_SCALE = 0.6745
_MEAN_AD_SCALE = 1.253314


def robust_reference(sample: Sequence[float]) -> tuple[float, float]:
    """(median, spread) of ``sample``: ``z = (x − median) / spread`` is the modified z-score,
    spread being MAD / 0.6745, or 1.253314 × the mean absolute deviation when MAD is 0, or 0
    for a sample that does not vary at all."""
    median = statistics.median(sample)
    deviations = [abs(x - median) for x in sample]
    mad = statistics.median(deviations)
    if mad > 0:
        return median, mad / _MAD_SCALE
    return median, _MEAN_AD_SCALE * statistics.fmean(deviations)


def z_score(value: float, median: float, spread: float) -> float:
    """±inf when the reference does not vary and ``value`` differs from it."""
    if spread > 0:
        return (value - median) / spread
    return 0.0 if value == median else math.copysign(math.inf, value - median)


def modified_z(value: float, sample: Sequence[float]) -> float:
    """The modified z-score of ``value`` against ``sample`` (see the module's docstring)."""
    return z_score(value, *robust_reference(sample))


@dataclass(frozen=True)
class Outlier:
    """One flagged figure: which cell, against what, by how much."""

    field_id: int
    column: str
    value: int
    basis: str  # HISTORY or PEERS
    median: float
    score: float
    sample_size: int

    @property
    def column_number(self) -> str:
        return COLUMN_BY_FIELD[self.column].number

    @property
    def is_high(self) -> bool:
        return self.score > 0

    @property
    def short_label(self) -> str:
        return _("Cao bất thường") if self.is_high else _("Thấp bất thường")

    @property
    def explanation(self) -> str:
        """"Cao bất thường so với các kỳ trước của đơn vị: trung vị 120 (8 kỳ), z = 7,3"."""
        score = "∞" if math.isinf(self.score) else format_decimal(abs(self.score))
        sample = (ngettext("%(n)s kỳ", "%(n)s kỳ", self.sample_size) if self.basis == HISTORY
                  else ngettext("%(n)s đơn vị", "%(n)s đơn vị", self.sample_size)) % {
            "n": self.sample_size}
        return _("%(direction)s %(basis)s: trung vị %(median)s (%(sample)s), |z| = "
                 "%(score)s") % {
            "direction": self.short_label,
            "basis": BASIS_LABELS[self.basis], "median": format_count(round(self.median)),
            "sample": sample, "score": score}


def _is_outlier(value: float, reference: float, score: float) -> bool:
    return abs(score) > Z_THRESHOLD and abs(value - reference) >= MIN_DIFFERENCE


def history_outliers(field_id: int, values: Mapping[str, int],
                     history: Sequence[Mapping[str, int]],
                     same_period_last_year: Mapping[str, int] | None) -> list[Outlier]:
    """Figures of one line departing from the unit's own history of that line."""
    if len(history) < MIN_HISTORY:
        return []
    found = []
    for column in CHECKED_COLUMNS:
        value = values[column]
        median, spread = robust_reference([past[column] for past in history])
        score = z_score(value, median, spread)
        if not _is_outlier(value, median, score):
            continue
        if same_period_last_year is not None:
            seasonal = same_period_last_year[column]
            if not _is_outlier(value, seasonal, z_score(value, seasonal, spread)):
                continue  # last year's same period looked the same: a season, not an error
        found.append(Outlier(field_id, column, value, HISTORY, median, score, len(history)))
    return found


@dataclass(frozen=True)
class PeerReference:
    """One column of one field across the units compared: computed once for all of them."""

    median: float  # of the counts, shown to users
    log_median: float
    log_spread: float
    size: int


def peer_references(lines: Sequence[Mapping[str, int]]) -> dict[str, PeerReference]:
    """Per checked column, the reference of a field's lines across the compared units."""
    references = {}
    for column in CHECKED_COLUMNS:
        raw = [line[column] for line in lines]
        log_median, log_spread = robust_reference([math.log1p(x) for x in raw])
        references[column] = PeerReference(statistics.median(raw), log_median, log_spread,
                                           len(raw))
    return references


def peer_outliers(field_id: int, values: Mapping[str, int],
                  references: Mapping[str, PeerReference]) -> list[Outlier]:
    """Figures of one line departing from the same line of the units of its level in its
    province (``peer_references`` of all of them, this one included: one value among nine or
    more moves neither a median nor a MAD much)."""
    found = []
    for column in CHECKED_COLUMNS:
        reference = references[column]
        if reference.size - 1 < MIN_PEERS:
            return []
        value = values[column]
        score = z_score(math.log1p(value), reference.log_median, reference.log_spread)
        if _is_outlier(value, reference.median, score):
            found.append(Outlier(field_id, column, value, PEERS, reference.median, score,
                                 reference.size - 1))
    return found


# --- reading the references -------------------------------------------------------------------


def history_codes(period: ReportingPeriod) -> list[str]:
    """The codes of the ``HISTORY_PERIODS`` periods of the same kind before ``period``, newest
    first."""
    codes, spec = [], period.spec
    for _i in range(HISTORY_PERIODS):
        spec = spec.previous()
        codes.append(spec.code)
    return codes


def _peer_units(unit: AdministrativeUnit):
    """Units compared with ``unit``: same list and level, same province (provinces: every
    province of the list), ``unit`` included."""
    peers = AdministrativeUnit.objects.filter(unit_list=unit.unit_list, level=unit.level)
    if unit.level != Level.PROVINCE:
        peers = peers.filter(province_id=unit.province_id)
    return peers


@dataclass(frozen=True)
class Subject:
    """A report's figures to check: the unit, the period and each field's 12 counts."""

    unit: AdministrativeUnit
    period: ReportingPeriod
    lines: Mapping[int, Mapping[str, int]]  # field id -> counts


def find_outliers(subjects: Iterable[Subject]) -> dict[tuple[int, int], list[Outlier]]:
    """(unit id, period id) -> the outliers of that report's figures. The references are what
    counts (submitted and approved reports); queries: one for every history, one per group of
    peers (period, level, province)."""
    subjects = [s for s in subjects if s.lines]
    if not subjects:
        return {}
    columns = ("report__unit_id", "report__period__code", "field_id", *CHECKED_COLUMNS)
    wanted_codes = {code for s in subjects for code in history_codes(s.period)}
    history: dict[tuple[int, int], dict[str, dict]] = defaultdict(dict)
    for row in (counted_lines().filter(report__unit_id__in={s.unit.pk for s in subjects},
                                       report__period__code__in=wanted_codes)
                .values_list(*columns)):
        unit_id, code, field_id, *counts = row
        history[(unit_id, field_id)][code] = dict(zip(CHECKED_COLUMNS, counts, strict=True))

    groups: dict[tuple, list[Subject]] = defaultdict(list)
    for subject in subjects:
        unit = subject.unit
        groups[(subject.period.pk, unit.unit_list, unit.level,
                unit.province_id if unit.level != Level.PROVINCE else None)].append(subject)
    # Per group and field, the lines of every unit as they will stand: stored counted figures,
    # replaced by the figures being checked. One reference per column, for all of them.
    references: dict[tuple, dict[int, dict[str, PeerReference]]] = {}
    for key, members in groups.items():
        by_field: dict[int, dict[int, Mapping[str, int]]] = defaultdict(dict)
        rows = (counted_lines().filter(report__period_id=key[0],
                                       report__unit__in=_peer_units(members[0].unit).values("pk"))
                .values_list("report__unit_id", "field_id", *CHECKED_COLUMNS))
        for unit_id, field_id, *counts in rows:
            by_field[field_id][unit_id] = dict(zip(CHECKED_COLUMNS, counts, strict=True))
        for member in members:
            for field_id, values in member.lines.items():
                by_field[field_id][member.unit.pk] = values
        references[key] = {field_id: peer_references(list(lines.values()))
                           for field_id, lines in by_field.items()
                           if len(lines) > MIN_PEERS}

    found: dict[tuple[int, int], list[Outlier]] = {}
    for subject in subjects:
        unit, period = subject.unit, subject.period
        codes = history_codes(period)
        spec = period.spec
        last_year = PeriodSpec(spec.kind, spec.year - 1, spec.number).code
        key = (period.pk, unit.unit_list, unit.level,
               unit.province_id if unit.level != Level.PROVINCE else None)
        outliers = []
        for field_id, values in subject.lines.items():
            past = history.get((unit.pk, field_id), {})
            sample = [past[code] for code in codes if code in past]
            outliers += history_outliers(field_id, values, sample,
                                         past.get(last_year))
            if field_id in references[key]:
                outliers += peer_outliers(field_id, values, references[key][field_id])
        found[(unit.pk, period.pk)] = outliers
    return found


def checked_column_numbers() -> str:
    """"(3), (4), (7), …": the checked columns as users know them."""
    return ", ".join(COLUMN_BY_FIELD[name].number for name in CHECKED_COLUMNS)
