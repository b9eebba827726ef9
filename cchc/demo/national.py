"""The national demo data set: every unit of both lists, every quarter since 2019.

``load_demo --scale national`` first loads the ordinary demo (accounts, published figures,
Sóc Trăng and Đắk Nông), then fills every other unit that was in force in each closed quarter
from 2019-Q1 with synthetic form II.06a figures (source "synthetic", labelled on every page):
about 300,000 reports and 3.9 million lines. Volumes depend on the level, 90-100 % of resolved
dossiers are in time, the online share rises year by year (``cchc.demo.figures``), and each
(unit, field) is a chain: a quarter's carried-over (6) is the previous quarter's pending (11).

Speed: rows are generated per quarter and written with PostgreSQL ``COPY`` (other databases:
``bulk_create`` in large batches), all in one transaction, so a failed run leaves nothing. A unit
that already has any report is left as it is, which makes a rerun write nothing.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from cchc.demo.figures import synthetic_quarter
from cchc.demo.loader import (
    FIRST_YEAR,
    _field_weights,
    _scheme,
    _typical_volume,
    _workflow,
)
from cchc.dossiers.columns import FIELD_NAMES
from cchc.dossiers.models import (
    DataSource,
    DossierLine,
    DossierReport,
    DossierRollup,
    ProcedureField,
)
from cchc.dossiers.rollups import rollups_rebuild
from cchc.periods.models import PeriodKind, ReportingPeriod
from cchc.ranking import competition_ranks
from cchc.scores.models import AssessmentStatus, ParAssessment, SchemeLevel
from cchc.units.models import REFORM_DATE, AdministrativeUnit, Level, UnitList

SOURCE_NOTE = "Số liệu mô phỏng toàn quốc (demo)"
REPORT_COLUMNS = ("id", "unit_id", "period_id", "status", "source", "source_note", "version",
                  "submitted_at", "last_submitted_at", "approved_at", "created_at", "updated_at",
                  "review_comment", "reopen_reason")
LINE_COLUMNS = ("report_id", "field_id", *FIELD_NAMES)


@dataclass
class NationalSummary:
    quarters: int = 0
    units: int = 0
    reports: int = 0
    lines: int = 0
    par_results: int = 0


def load_national(*, today: datetime.date, provinces: Iterable[str] = (),
                  progress: Callable[[str], None] = lambda message: None) -> NationalSummary:
    """Fill every unit in force in each closed quarter (or only those of ``provinces``, codes of
    either list) that has no report yet. Call after ``load_demo``; one transaction."""
    fields_by_level = {level: list(ProcedureField.objects.for_level(level)) for level in Level}
    quarters = list(ReportingPeriod.objects.filter(
        kind=PeriodKind.QUARTER, year__gte=FIRST_YEAR, cutoff_end__lte=today).order_by("start"))
    units = AdministrativeUnit.objects.exclude(
        Exists(DossierReport.objects.filter(unit=OuterRef("pk")))
    ).order_by("unit_list", "level", "code")
    if provinces:
        units = units.filter(Q(code__in=provinces, level=Level.PROVINCE)
                             | Q(province__code__in=provinces))
    units = list(units)
    summary = NationalSummary(quarters=len(quarters), units=len(units))
    latest = quarters[-1] if quarters else None
    chains: dict[tuple[int, int], int] = {}  # (unit, field) -> pending at the end of the last
    generators = {unit.pk: _UnitFigures(unit, fields_by_level[unit.level]) for unit in units}
    writer = _CopyWriter() if connection.vendor == "postgresql" else _BatchWriter()
    with transaction.atomic():
        for quarter in quarters:
            in_force = [u for u in units if _reports_in(u, quarter)]
            reports, lines = [], []
            for unit in in_force:
                status, submitted_at, approved_at = _workflow(
                    quarter, quarter == latest, generators[unit.pk].rng)
                figures = generators[unit.pk].quarter(quarter, chains)
                if status is None:
                    continue  # the latest quarter: not every unit has reported yet
                reports.append((unit.pk, quarter.pk, status, submitted_at, approved_at))
                lines.append(figures)
            writer.write(reports, lines)
            summary.reports += len(reports)
            summary.lines += sum(len(f) for f in lines)
            progress(f"{quarter.code}: {len(reports):,} reports")
        if not provinces:
            summary.par_results = load_national_par(last_year=today.year - 1)
        if summary.lines:
            # COPY leaves the planner's statistics as they were (a few rows): refresh them now
            # rather than wait for autovacuum, or the next queries plan for empty tables.
            _analyze(DossierReport, DossierLine)
            rollups_rebuild(periods=quarters)
            _analyze(DossierRollup)
    return summary


def load_national_par(*, last_year: int) -> int:
    """Published provincial PAR results for every province and year from 2019 to
    ``last_year`` under the Ministry's scheme (63 provinces until 2024, 34 from 2025):
    synthetic totals with ranks over all provinces and the scheme's bands, kept consistent with
    any result already stored (Sóc Trăng 2020, 85,19 % and 19/63). Totals only, no
    per-criterion scores. Returns the assessments written; a rerun writes none."""
    written = 0
    for year in range(FIRST_YEAR, last_year + 1):
        unit_list = UnitList.BEFORE_2025 if year < REFORM_DATE.year else UnitList.FROM_2025
        provinces = list(AdministrativeUnit.objects.filter(
            unit_list=unit_list, level=Level.PROVINCE).order_by("code"))
        scheme = _scheme(year, SchemeLevel.PROVINCE, None)
        fixed = {a.unit_id: a for a in scheme.assessments.filter(points__isnull=False)}
        rng = random.Random(f"national-par-{year}")
        others = [p.pk for p in provinces if p.pk not in fixed]
        points = {pk: a.points for pk, a in fixed.items()}
        published = next(iter(fixed.values())) if len(fixed) == 1 else None
        for position, pk in enumerate(others):
            low, high = 72.0, 93.0
            if published is not None and published.rank:  # keep its published place true
                anchor = float(published.points)
                low, high = ((anchor + 0.01, min(anchor + 8, 99.99))
                             if position < published.rank - 1 else (anchor - 15, anchor - 0.01))
            points[pk] = Decimal(str(round(rng.uniform(low, high), 2)))
        ranks = competition_ranks(points)
        assessed = set(scheme.assessments.values_list("unit_id", flat=True))
        new = [ParAssessment(
            scheme=scheme, unit_id=pk, status=AssessmentStatus.PUBLISHED, points=value,
            max_points=Decimal(100), rank=ranks[pk], rank_of=len(points),
            band=scheme.band_for(value), source_note=SOURCE_NOTE)
            for pk, value in points.items() if pk not in assessed]
        ParAssessment.objects.bulk_create(new)
        written += len(new)
    return written


def _analyze(*models) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(m._meta.db_table for m in models)}")


def _reports_in(unit: AdministrativeUnit, quarter: ReportingPeriod) -> bool:
    """Whether ``unit`` files for ``quarter``: its list is the one in force at the quarter's end
    and so is the unit itself."""
    in_old_list = quarter.end < REFORM_DATE
    return (unit.unit_list == UnitList.BEFORE_2025) == in_old_list and \
        unit.is_in_force(quarter.end)


class _UnitFigures:
    """One unit's chain of quarters, seeded by the unit so every run draws the same figures."""

    def __init__(self, unit: AdministrativeUnit, fields: list[ProcedureField]):
        self.unit = unit
        self.fields = fields
        self.rng = random.Random(f"national-{unit.unit_list}-{unit.code}")
        self.volume = _typical_volume(unit, self.rng)
        weights = _field_weights(fields, self.rng) if fields else []
        total = sum(weights) or 1
        self.shares = [w / total for w in weights]

    def quarter(self, quarter: ReportingPeriod, chains: dict) -> list[tuple[int, dict]]:
        growth = 1 + 0.04 * (quarter.year - FIRST_YEAR)
        result = []
        for field, share in zip(self.fields, self.shares, strict=True):
            key = (self.unit.pk, field.pk)
            carried = chains.get(key)
            if carried is None:
                carried = self.rng.randint(0, 30)
            figures = synthetic_quarter(carried_over=carried,
                                        volume=max(1, int(self.volume * growth * share)),
                                        year=quarter.year, rng=self.rng)
            chains[key] = figures["pending_total"]
            result.append((field.pk, figures))
        return result


class _CopyWriter:
    """PostgreSQL ``COPY`` of one quarter's reports and lines; report ids are drawn from the
    table's own sequence first, so lines can name them without reading anything back."""

    def write(self, reports: list[tuple], lines: list[list[tuple[int, dict]]]) -> None:
        if not reports:
            return
        now = timezone.now()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [DossierReport._meta.db_table, len(reports)])
            ids = [row[0] for row in cursor.fetchall()]
            raw = cursor.cursor  # psycopg's own cursor, which has copy()
            report_sql = (f"COPY {DossierReport._meta.db_table} ({', '.join(REPORT_COLUMNS)}) "
                          "FROM STDIN")
            with raw.copy(report_sql) as copy:
                for pk, (unit_id, period_id, status, submitted_at, approved_at) in zip(
                        ids, reports, strict=True):
                    copy.write_row((pk, unit_id, period_id, status, DataSource.SYNTHETIC,
                                    SOURCE_NOTE, 1, submitted_at, submitted_at, approved_at,
                                    now, now, "", ""))
            line_sql = f"COPY {DossierLine._meta.db_table} ({', '.join(LINE_COLUMNS)}) FROM STDIN"
            with raw.copy(line_sql) as copy:
                for pk, report_lines in zip(ids, lines, strict=True):
                    for field_id, figures in report_lines:
                        copy.write_row((pk, field_id, *(figures[name] for name in FIELD_NAMES)))


class _BatchWriter:
    """The same rows through ``bulk_create`` in large batches, for SQLite."""

    batch_size = 5000

    def write(self, reports: list[tuple], lines: list[list[tuple[int, dict]]]) -> None:
        created = DossierReport.objects.bulk_create([
            DossierReport(unit_id=unit_id, period_id=period_id, status=status,
                          source=DataSource.SYNTHETIC, source_note=SOURCE_NOTE,
                          submitted_at=submitted_at, last_submitted_at=submitted_at,
                          approved_at=approved_at)
            for unit_id, period_id, status, submitted_at, approved_at in reports
        ], batch_size=self.batch_size)
        DossierLine.objects.bulk_create([
            DossierLine(report_id=report.pk, field_id=field_id, **figures)
            for report, report_lines in zip(created, lines, strict=True)
            for field_id, figures in report_lines
        ], batch_size=self.batch_size)
