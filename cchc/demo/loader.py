"""Demo data: field catalogue, periods, accounts, published figures and synthetic figures.

Two provinces are filled: Sóc Trăng (home of Xã An Mỹ) and Đắk Nông (home of Huyện Đắk R'Lấp),
every district and commune of them until 2025-Q2, and from 2025-Q3 every new commune that took
over part of them. Figures published in the press (``public.py``) sit on their real units with
source "published"; everything else is synthetic, stored with source "synthetic" and labelled
so on every page. Random numbers are seeded by unit and field, so a rerun writes the same data.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cchc.accounts.access import CommandLineOperator
from cchc.accounts.models import Role
from cchc.accounts.services import account_assign
from cchc.demo import public
from cchc.demo.figures import apportion, synthetic_quarter, year_from_targets
from cchc.demo.service import load_service_demo
from cchc.dossiers.models import DataSource, ProcedureField, ReportStatus
from cchc.dossiers.services import ReportData, dossier_reports_replace
from cchc.periods.models import PeriodKind, ReportingPeriod
from cchc.periods.services import periods_ensure_years
from cchc.publication.services import PublicationRefused, public_page_set, ranking_publish
from cchc.quality.services import flags_refresh_periods
from cchc.ranking import competition_ranks
from cchc.scores.models import (
    AssessmentStatus,
    CriterionPart,
    ParAssessment,
    ParBand,
    ParCriterion,
    ParScheme,
    ParScore,
    SchemeLevel,
)
from cchc.units.models import REFORM_DATE, AdministrativeUnit, Level, UnitList

DEMO_PASSWORD = "demo1234"
FIRST_YEAR = 2019
OLD_PROVINCES = (public.SOC_TRANG, public.DAK_NONG)


class DemoRefused(Exception):
    pass


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    unit_list: str | None
    unit_code: str | None


ACCOUNTS = (
    DemoAccount("admin", "Quản trị hệ thống", Role.ADMINISTRATOR, None, None),
    DemoAccount("tinh", "Văn phòng UBND tỉnh Sóc Trăng", Role.PROVINCIAL_OFFICE,
                UnitList.BEFORE_2025, public.SOC_TRANG),
    DemoAccount("huyen", "Phòng Nội vụ huyện Kế Sách", Role.REVIEWER,
                UnitList.BEFORE_2025, public.KE_SACH),
    DemoAccount("xa", "Bộ phận một cửa xã An Mỹ", Role.UNIT_STAFF,
                UnitList.BEFORE_2025, public.AN_MY),
    # The same places after the 2025 reform: Xã An Mỹ is now part of Xã Nhơn Mỹ, Thành phố Cần
    # Thơ, whose provincial office approves communes directly.
    DemoAccount("cantho", "Văn phòng UBND thành phố Cần Thơ", Role.PROVINCIAL_OFFICE,
                UnitList.FROM_2025, public.CAN_THO),
    DemoAccount("nhonmy", "Bộ phận một cửa xã Nhơn Mỹ", Role.UNIT_STAFF,
                UnitList.FROM_2025, public.NHON_MY),
    # A national body: reads every unit's figures (the national rankings), changes nothing.
    DemoAccount("bonoivu", "Bộ Nội vụ (xem toàn quốc)", Role.NATIONAL, None, None),
)


@dataclass
class DemoSummary:
    periods: int = 0
    reports: int = 0
    lines: int = 0
    assessments: int = 0
    service_values: int = 0
    sipas: int = 0
    open_flags: int = 0
    publications: int = 0
    accounts: tuple[DemoAccount, ...] = ACCOUNTS


def current_quarter(today: datetime.date) -> str:
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


@transaction.atomic
def load_demo(*, today: datetime.date | None = None) -> DemoSummary:
    if not settings.ALLOW_DEMO_DATA:
        raise DemoRefused(
            "Dữ liệu minh hoạ và tài khoản demo bị từ chối khi DJANGO_ENV=production."
        )
    if not AdministrativeUnit.objects.exists():
        raise DemoRefused("Chưa có danh mục đơn vị: chạy 'python manage.py load_units' trước.")
    today = today or timezone.localdate()
    summary = DemoSummary()
    call_command("loaddata", "procedure_fields", verbosity=0)
    periods = periods_ensure_years(first_year=FIRST_YEAR, last_quarter=current_quarter(today))
    summary.periods = len(periods)
    _lock_old_periods(today)
    _create_accounts()
    summary.reports, summary.lines = _load_dossiers(today)
    # Flags as saving each report would have raised them: the latest quarters are still reviewed.
    latest = list(ReportingPeriod.objects.filter(kind=PeriodKind.QUARTER, cutoff_end__lte=today)
                  .order_by("-end")[:2])
    summary.open_flags = flags_refresh_periods(periods=latest)
    summary.publications = _publish_results(latest[-1] if len(latest) > 1 else None)
    summary.assessments = _load_par_results()
    summary.service_values, summary.sipas = load_service_demo(today)
    return summary


def _publish_results(quarter: ReportingPeriod | None) -> int:
    """The demo's provinces show a public results page (/cong-khai/): the last quarter of the
    old list (2025-Q2) and, for the new provinces, the quarter before the latest (its reports
    are all approved), published as the provincial office would."""
    operator = CommandLineOperator()
    published = 0
    for province in AdministrativeUnit.objects.filter(level=Level.PROVINCE).filter(
            Q(unit_list=UnitList.BEFORE_2025, code__in=OLD_PROVINCES)
            | Q(unit_list=UnitList.FROM_2025, code__in=AdministrativeUnit.objects.filter(
                unit_list=UnitList.FROM_2025, level=Level.COMMUNE,
                predecessor_links__predecessor__province__code__in=OLD_PROVINCES,
            ).values("province__code"))):
        period = (ReportingPeriod.objects.get(code="2025-Q2")
                  if province.unit_list == UnitList.BEFORE_2025 else quarter)
        if period is None:
            continue
        public_page_set(user=operator, province=province, enabled=True)
        try:
            ranking_publish(user=operator, province=province, period=period)
        except PublicationRefused:
            continue  # not past its deadline, or reports still waiting: nothing to publish
        published += 1
    return published


def _lock_old_periods(today: datetime.date) -> None:
    """Periods whose deadline passed more than 90 days ago are closed for changes."""
    ReportingPeriod.objects.filter(deadline__lt=today - datetime.timedelta(days=90)).update(
        is_locked=True
    )


def _create_accounts() -> None:
    User = get_user_model()
    for account in ACCOUNTS:
        user, _created = User.objects.get_or_create(username=account.username)
        user.first_name = account.full_name
        user.is_staff = user.is_superuser = account.role == Role.ADMINISTRATOR
        user.set_password(DEMO_PASSWORD)
        user.save()
        unit = None
        if account.unit_code:
            unit = AdministrativeUnit.objects.get(unit_list=account.unit_list,
                                                  code=account.unit_code)
        account_assign(user=user, role=account.role, unit=unit)


# --- dossier figures -------------------------------------------------------------------------


def _demo_units() -> tuple[list[AdministrativeUnit], list[AdministrativeUnit]]:
    old = list(
        AdministrativeUnit.objects.filter(unit_list=UnitList.BEFORE_2025).filter(
            Q(code__in=OLD_PROVINCES, level=Level.PROVINCE) | Q(province__code__in=OLD_PROVINCES)
        )
    )
    new = list(
        AdministrativeUnit.objects.filter(
            unit_list=UnitList.FROM_2025,
            level=Level.COMMUNE,
            predecessor_links__predecessor__province__code__in=OLD_PROVINCES,
            predecessor_links__predecessor__unit_list=UnitList.BEFORE_2025,
        ).distinct()
    )
    new_provinces = {u.province_id for u in new}
    new += list(AdministrativeUnit.objects.filter(pk__in=new_provinces))
    return sorted(old, key=lambda u: u.code), sorted(new, key=lambda u: (u.level, u.code))


def _typical_volume(unit: AdministrativeUnit, rng: random.Random) -> int:
    """Dossiers a unit receives in a quarter, all fields together."""
    low, high = {Level.PROVINCE: (6000, 15000), Level.DISTRICT: (2500, 6000),
                 Level.COMMUNE: (250, 1200)}[unit.level]
    return rng.randint(low, high)


def _field_weights(fields: list[ProcedureField], rng: random.Random) -> list[float]:
    heavy = {"ho-tich": 4.0, "chung-thuc": 6.0, "dat-dai": 3.0}
    return [heavy.get(f.code, 1.0) * rng.uniform(0.3, 1.7) for f in fields]


def _load_dossiers(today: datetime.date) -> tuple[int, int]:
    fields_by_level = {level: list(ProcedureField.objects.for_level(level)) for level in Level}
    quarters = list(
        ReportingPeriod.objects.filter(kind=PeriodKind.QUARTER, cutoff_end__lte=today)
        .order_by("start")
    )
    latest = quarters[-1]
    old_units, new_units = _demo_units()
    targets = _public_targets(old_units)
    reports: list[ReportData] = []
    for unit in old_units + new_units:
        rng = random.Random(f"demo-dossiers-{unit.unit_list}-{unit.code}")
        fields = fields_by_level[unit.level]
        volume = _typical_volume(unit, rng)
        weights = _field_weights(fields, rng)
        in_list = [
            q for q in quarters
            if (q.end < REFORM_DATE) == (unit.unit_list == UnitList.BEFORE_2025)
        ]
        pending = {f: rng.randint(0, 30) for f in fields}
        by_period: dict[str, dict[ProcedureField, dict[str, int]]] = defaultdict(dict)
        sources: dict[str, str] = {}
        position = 0
        while position < len(in_list):
            quarter = in_list[position]
            target = targets.get((unit.pk, quarter.year))
            if target is not None and quarter.number == 1:
                chains = _year_by_field(target, quarter.year, fields, weights, pending, rng)
                for field, chain in chains.items():
                    for offset, figures in enumerate(chain):
                        by_period[in_list[position + offset].code][field] = figures
                    pending[field] = chain[-1]["pending_total"]
                for offset in range(4):
                    sources[in_list[position + offset].code] = target.source
                position += 4
                continue
            growth = 1 + 0.04 * (quarter.year - FIRST_YEAR)
            for field, weight in zip(fields, weights, strict=True):
                share = weight / sum(weights)
                figures = synthetic_quarter(
                    carried_over=pending[field],
                    volume=max(1, int(volume * growth * share)),
                    year=quarter.year,
                    rng=rng,
                )
                by_period[quarter.code][field] = figures
                pending[field] = figures["pending_total"]
            position += 1
        for quarter in in_list:
            status, submitted_at, approved_at = _workflow(quarter, quarter == latest, rng)
            if status is None:
                continue  # not reported yet
            source_note = sources.get(quarter.code, "")
            reports.append(
                ReportData(
                    unit=unit,
                    period=quarter,
                    lines=by_period[quarter.code],
                    status=status,
                    source=DataSource.PUBLISHED if source_note else DataSource.SYNTHETIC,
                    source_note=source_note,
                    submitted_at=submitted_at,
                    approved_at=approved_at,
                )
            )
    lines = dossier_reports_replace(reports=reports)
    return len(reports), lines


def _workflow(quarter: ReportingPeriod, is_latest: bool, rng: random.Random):
    """A plausible status: older periods approved, the latest closed one still in progress."""
    tz = timezone.get_current_timezone()
    late = rng.random() < 0.08
    day = quarter.deadline + datetime.timedelta(days=rng.randint(1, 10) if late
                                                else -rng.randint(0, 6))
    submitted_at = datetime.datetime.combine(day, datetime.time(9, 30), tzinfo=tz)
    approved_at = submitted_at + datetime.timedelta(days=rng.randint(1, 8))
    if not is_latest:
        return ReportStatus.APPROVED, submitted_at, approved_at
    draw = rng.random()
    if draw < 0.55:
        return ReportStatus.APPROVED, submitted_at, approved_at
    if draw < 0.75:
        return ReportStatus.SUBMITTED, submitted_at, None
    if draw < 0.82:
        return ReportStatus.RETURNED, submitted_at, None
    if draw < 0.9:
        return ReportStatus.DRAFT, None, None
    return None, None, None


@dataclass(frozen=True)
class _UnitYear:
    received: int
    resolved: int
    in_time: int
    early: int | None
    source: str


def _public_targets(old_units: list[AdministrativeUnit]) -> dict[tuple[int, int], _UnitYear]:
    """Per (unit id, year), the published year figures, split over communes where published
    only as a district's communes' sum."""
    by_code = {u.code: u for u in old_units}
    targets: dict[tuple[int, int], _UnitYear] = {}
    for figure in public.DOSSIERS:
        unit = by_code[figure.unit_code]
        if not figure.communes_of_district:
            targets[(unit.pk, figure.year)] = _UnitYear(
                figure.received, figure.resolved, figure.in_time, figure.early, figure.source
            )
            continue
        communes = sorted((u for u in old_units if u.parent_id == unit.pk), key=lambda u: u.code)
        rng = random.Random(f"demo-split-{figure.unit_code}-{figure.year}")
        weights = [rng.uniform(0.5, 1.5) for _ in communes]
        resolved = apportion(figure.resolved, weights)
        pending = apportion(figure.received - figure.resolved, weights)
        late = apportion(figure.resolved - figure.in_time, resolved)
        for commune, r, p, lt in zip(communes, resolved, pending, late, strict=True):
            targets[(commune.pk, figure.year)] = _UnitYear(r + p, r, r - lt, None, figure.source)
    return targets


def _year_by_field(target: _UnitYear, year: int, fields, weights, pending, rng):
    """Four quarters per field adding up, over fields, to the published year figures."""
    carried = [pending[f] for f in fields]
    if sum(carried) > target.received:
        carried = apportion(target.received // 10, weights)
    totals = [c + extra for c, extra in
              zip(carried, apportion(target.received - sum(carried), weights), strict=True)]
    resolved = apportion(target.resolved, totals)
    late = apportion(target.resolved - target.in_time, resolved)
    early = (apportion(target.early, [r - lt for r, lt in zip(resolved, late, strict=True)])
             if target.early is not None else [None] * len(fields))
    return {
        field: year_from_targets(
            carried_over=carried[i], total=totals[i], resolved=resolved[i],
            in_time=resolved[i] - late[i], early=early[i], year=year, rng=rng,
        )
        for i, field in enumerate(fields)
    }


# --- PAR index results -----------------------------------------------------------------------

#: The eight areas of the index (docs/domain.md §5) with demo maximum points adding up to 100.
AREAS = (
    ("Công tác chỉ đạo, điều hành cải cách hành chính", Decimal(10), CriterionPart.RESULTS),
    ("Cải cách thể chế", Decimal(7), CriterionPart.RESULTS),
    ("Cải cách thủ tục hành chính", Decimal(14), CriterionPart.RESULTS),
    ("Cải cách tổ chức bộ máy hành chính nhà nước", Decimal(7), CriterionPart.RESULTS),
    ("Cải cách chế độ công vụ", Decimal(11), CriterionPart.RESULTS),
    ("Cải cách tài chính công", Decimal(7), CriterionPart.RESULTS),
    ("Xây dựng và phát triển chính quyền điện tử, chính quyền số", Decimal(11),
     CriterionPart.RESULTS),
    ("Tác động của cải cách hành chính (điều tra xã hội học)", Decimal(33),
     CriterionPart.SURVEY),
)

#: Demo thresholds (unconfirmed: each province sets its own, docs/domain.md §5).
BANDS = {
    public.SOC_TRANG: (("Xuất sắc", 95), ("Rất tốt", 90), ("Tốt", 80), ("Khá", 70),
                       ("Trung bình", 50), ("Yếu", 0)),
    public.DAK_NONG: (("Tốt", 85), ("Khá", 70), ("Trung bình", 50), ("Yếu", 0)),
    None: (("Nhóm A", 90), ("Nhóm B", 80), ("Nhóm C", 0)),
}


def _scheme(year: int, level: str, issuer: AdministrativeUnit | None) -> ParScheme:
    issuer_name = issuer.name if issuer else "Bộ Nội vụ"
    scheme, created = ParScheme.objects.get_or_create(
        year=year, level=level, issuer=issuer,
        defaults={"name": f"Bộ Chỉ số CCHC {SchemeLevel(level).label.lower()} năm {year} "
                          f"({issuer_name}, minh hoạ)"},
    )
    if created:
        _scheme_tree(scheme, level)
        for label, minimum in BANDS[issuer.code if issuer else None]:
            ParBand.objects.create(scheme=scheme, label=label, min_percent=minimum)
    return scheme


#: Criteria per area of the demo schemes (docs/domain.md §5: a commune scheme has about 8 areas,
#: 38 criteria and 50 sub-criteria; a district's about 45 criteria and 72 sub-criteria).
CRITERIA_PER_AREA = {SchemeLevel.COMMUNE: (5, 4, 6, 4, 5, 4, 6, 4),
                     SchemeLevel.DISTRICT: (6, 5, 7, 5, 6, 5, 7, 4),
                     SchemeLevel.PROVINCE: (6, 5, 7, 5, 6, 5, 7, 4)}


def _scheme_tree(scheme: ParScheme, level: str) -> None:
    """Areas → criteria → sub-criteria whose points add up exactly (in hundredths); every
    criterion of an even number is split into sub-criteria (two, or three for districts)."""
    position = 0
    for number, ((title, max_points, part), count) in enumerate(
            zip(AREAS, CRITERIA_PER_AREA[level], strict=True), start=1):
        position += 1
        area = ParCriterion.objects.create(scheme=scheme, code=str(number), title=title,
                                           max_points=max_points, part=part, position=position)
        shares = apportion(int(max_points * 100), [1.0] * count)
        for index, cents in enumerate(shares, start=1):
            position += 1
            criterion = ParCriterion.objects.create(
                scheme=scheme, parent=area, code=f"{number}.{index}", part=part,
                title=f"Tiêu chí {number}.{index} – {title.lower()} (minh hoạ)",
                max_points=Decimal(cents) / 100, position=position)
            subs = 0 if index % 2 else (3 if level == SchemeLevel.DISTRICT else 2)
            for sub, sub_cents in enumerate(apportion(cents, [1.0] * subs) if subs else [],
                                            start=1):
                position += 1
                ParCriterion.objects.create(
                    scheme=scheme, parent=criterion, code=f"{number}.{index}.{sub}", part=part,
                    title=f"Tiêu chí thành phần {number}.{index}.{sub} (minh hoạ)",
                    max_points=Decimal(sub_cents) / 100, position=position)


def _leaves_by_area(scheme: ParScheme) -> list[tuple[ParCriterion, list[ParCriterion]]]:
    criteria = list(scheme.criteria.order_by("position"))
    parents = {c.parent_id for c in criteria}
    areas = [c for c in criteria if c.parent_id is None]
    return [(area, [c for c in criteria if c.pk not in parents
                    and (c.code == area.code or c.code.startswith(f"{area.code}."))])
            for area in areas]


def _store_results(scheme, points_by_unit, notes, *, rank_of=None, ranks=None) -> int:
    """Publish ``points_by_unit`` (out of 100) with ranks within the set, and area scores."""
    ranks = ranks or competition_ranks(points_by_unit)
    areas = list(scheme.criteria.filter(parent=None).order_by("position"))
    for unit, points in points_by_unit.items():
        assessment, _ = ParAssessment.objects.update_or_create(
            scheme=scheme, unit=unit,
            defaults={
                "status": AssessmentStatus.PUBLISHED, "points": points,
                "max_points": Decimal(100), "rank": ranks.get(unit),
                "rank_of": rank_of or (len(points_by_unit) if ranks.get(unit) else None),
                "band": scheme.band_for(points),  # out of 100: points are the index
                "source_note": notes.get(unit, "Số liệu mô phỏng (demo)"),
            },
        )
        cents = apportion(int(points * 100), [float(a.max_points) for a in areas])
        for (_area, leaves), share in zip(_leaves_by_area(scheme), cents, strict=True):
            for leaf, leaf_cents in zip(leaves, apportion(share, [float(c.max_points)
                                                                  for c in leaves]),
                                        strict=True):
                appraised = Decimal(leaf_cents) / 100
                ParScore.objects.update_or_create(
                    assessment=assessment, criterion=leaf,
                    defaults={"self_score": min(leaf.max_points, appraised + Decimal("0.25")),
                              "appraised_score": appraised,
                              "explanation": "Số liệu mô phỏng (demo)"},
                )
    return len(points_by_unit)


def _peer_points(peers, fixed: dict, rng: random.Random, low: float, high: float) -> dict:
    points = {}
    for unit in peers:
        points[unit] = fixed.get(unit.code) or Decimal(str(round(rng.uniform(low, high), 2)))
    return points


def _load_par_results() -> int:
    units = {u.code: u for u in AdministrativeUnit.objects.filter(unit_list=UnitList.BEFORE_2025)
             .filter(code__in=[i.unit_code for i in public.INDEXES]
                     + [public.SOC_TRANG, public.DAK_NONG, public.KE_SACH])}
    published = {(i.unit_code, i.year): i for i in public.INDEXES}
    stored = 0

    def fixed(year):
        return {code: i.points for (code, y), i in published.items() if y == year}

    def notes(year):
        return {units[code]: i.source for (code, y), i in published.items() if y == year}

    # Provinces, MoHA scheme 2020: only Sóc Trăng's published result (19/63) is stored.
    scheme = _scheme(2020, SchemeLevel.PROVINCE, None)
    soc_trang = published[(public.SOC_TRANG, 2020)]
    stored += _store_results(scheme, {units[public.SOC_TRANG]: soc_trang.points}, notes(2020),
                             rank_of=soc_trang.rank_of,
                             ranks={units[public.SOC_TRANG]: soc_trang.rank})

    dak_nong, soc = units[public.DAK_NONG], units[public.SOC_TRANG]
    districts = list(AdministrativeUnit.objects.filter(parent=dak_nong).order_by("code"))
    for year, low, high in ((2022, 60, 80), (2023, 70, 85.3)):
        rng = random.Random(f"demo-par-district-{year}")
        points = _peer_points(districts, fixed(year), rng, low, high)
        if year == 2023:  # one district ahead of Đắk R'Lấp's published 2nd place
            points[districts[0]] = Decimal("87.12")
        stored += _store_results(_scheme(year, SchemeLevel.DISTRICT, dak_nong), points,
                                 notes(year))

    # Đắk R'Lấp's 11 communes in 2023: 1 rated tốt (Nhân Cơ), 6 khá, 4 trung bình.
    communes = list(AdministrativeUnit.objects.filter(parent__code=public.DAK_RLAP,
                                                      unit_list=UnitList.BEFORE_2025)
                    .order_by("code"))
    rng = random.Random("demo-par-dakrlap-communes-2023")
    others = [c for c in communes if c.code != public.NHAN_CO]
    points = {units[public.NHAN_CO]: published[(public.NHAN_CO, 2023)].points}
    for i, commune in enumerate(others):
        low, high = (70, 84.9) if i < 6 else (55, 69.9)
        points[commune] = Decimal(str(round(rng.uniform(low, high), 2)))
    stored += _store_results(_scheme(2023, SchemeLevel.COMMUNE, dak_nong), points, notes(2023))

    # Kế Sách's 13 communes in 2021 and 2022; Xã An Mỹ first in 2022 with 90.92 %.
    communes = list(AdministrativeUnit.objects.filter(parent=units[public.KE_SACH])
                    .order_by("code"))
    for year, high in ((2021, 88.0), (2022, 90.5)):
        rng = random.Random(f"demo-par-kesach-{year}")
        points = _peer_points(communes, fixed(year), rng, 72, high)
        stored += _store_results(_scheme(year, SchemeLevel.COMMUNE, soc), points, notes(year))
    return stored
