"""The API's response bodies: the serializers, and (below them) the plain data each is given,
built from what ``cchc.api.data`` and the selectors read; so what is sent is exactly what the
OpenAPI description says.

Numbers: the 12 counts of form II.06a are integers. A KPI's ``value`` is a decimal string: a
count as it is ("90"), a rate as the ratio rounded half up to 6 decimals ("0.944444"); its
``percent`` is the rate in % rounded half up to 2 decimals, as the pages show it ("94.44");
both are ``null`` when the rate's denominator is 0. PAR points and index: decimal strings too.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cchc.dossiers.columns import COLUMN_BY_FIELD, COLUMNS, FIELD_NAMES
from cchc.dossiers.scopes import OWN, scope_label
from cchc.formatting import API_PERCENT, API_VALUE, round_half_up
from cchc.periods.models import PeriodKind, ReportingPeriod
from cchc.scores.models import AssessmentStatus
from cchc.units.models import AdministrativeUnit, Kind, Succession, UnitList
from cchc.units.selectors import unit_predecessors, unit_successors
from reports.kpis import KPIS, Kpi, kpi_values

DECIMAL_PATTERN = r"^-?\d+(\.\d+)?$"
KPI_KEYS = list(KPIS)  # named KpiKeyEnum in the schema (SPECTACULAR_SETTINGS)


def decimal_text(**kwargs) -> serializers.RegexField:
    return serializers.RegexField(DECIMAL_PATTERN, **kwargs)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="Lý do, bằng tiếng Việt (hoặc tiếng Anh nếu chọn).")
    parameter = serializers.CharField(required=False,
                                      help_text="Tham số bị từ chối (chỉ với lỗi 400).")
    allowed = serializers.ListField(child=serializers.CharField(), required=False,
                                    help_text="Các giá trị được chấp nhận (chỉ với lỗi 400).")


# --- units -----------------------------------------------------------------------------------


class UnitRefSerializer(serializers.Serializer):
    unit_list = serializers.ChoiceField(choices=UnitList.choices)
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.IntegerField(min_value=1, max_value=3)
    parent_code = serializers.CharField(allow_null=True)


class UnitSerializer(UnitRefSerializer):
    short_name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    kind_label = serializers.CharField()
    level_label = serializers.CharField()
    province_code = serializers.CharField(allow_null=True)
    valid_from = serializers.DateField(allow_null=True, help_text="Hiệu lực từ (trống: mở).")
    valid_to = serializers.DateField(allow_null=True, help_text="Hiệu lực đến (trống: mở).")


class SuccessionSerializer(serializers.Serializer):
    unit = UnitRefSerializer()
    kind = serializers.ChoiceField(choices=Succession.choices)
    kind_label = serializers.CharField()
    effective_date = serializers.DateField()
    is_principal = serializers.BooleanField()


class UnitDetailSerializer(UnitSerializer):
    parent = UnitRefSerializer(allow_null=True)
    province = UnitRefSerializer(allow_null=True)
    children_count = serializers.IntegerField(min_value=0)
    predecessors = SuccessionSerializer(many=True, help_text="Đơn vị cũ hợp thành đơn vị này "
                                                             "(cải cách 2025).")
    successors = SuccessionSerializer(many=True, help_text="Đơn vị mới mà đơn vị này trở "
                                                           "thành (cải cách 2025).")


# --- periods ---------------------------------------------------------------------------------


class PeriodRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.ChoiceField(choices=PeriodKind.choices)
    start = serializers.DateField()
    end = serializers.DateField()


class PeriodSerializer(PeriodRefSerializer):
    kind_label = serializers.CharField()
    year = serializers.IntegerField()
    number = serializers.IntegerField()
    cutoff_start = serializers.DateField()
    cutoff_end = serializers.DateField()
    deadline = serializers.DateField()
    is_locked = serializers.BooleanField()
    quarters = serializers.ListField(child=serializers.CharField(),
                                     help_text="Các quý hợp thành kỳ (kỳ dài hơn quý).")


# --- figures ---------------------------------------------------------------------------------

def source_field() -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=[("live", _("số liệu hiện hành")), ("published", _("số liệu tỉnh đã công bố"))],
        help_text="live: số liệu hiện hành (báo cáo đã gửi hoặc đã duyệt) cho người trong phạm "
                  "vi; published: số liệu tỉnh đã công bố, giữ nguyên như lúc công bố.")


def scope_field() -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=[("subtree", _("toàn địa bàn")), ("own", _("riêng cấp của đơn vị"))],
        help_text="Phạm vi của số liệu: subtree = đơn vị và mọi đơn vị trực thuộc (mặc định "
                  "với tỉnh và huyện); own = riêng báo cáo của đơn vị (luôn như vậy với xã).")


class CountSerializer(serializers.Serializer):
    column = serializers.CharField(help_text="Số cột trên biểu II.06a: (3), (5a)…")
    field = serializers.CharField()
    label = serializers.CharField()
    group = serializers.CharField()
    value = serializers.IntegerField()


class KpiDefinitionSerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=KPI_KEYS)
    label = serializers.CharField()
    formula = serializers.CharField(help_text="Công thức theo số cột của biểu.")
    kind = serializers.ChoiceField(choices=["count", "rate"])
    higher_is_better = serializers.BooleanField()


class KpiValueSerializer(KpiDefinitionSerializer):
    value = decimal_text(allow_null=True, help_text="Số đếm, hoặc tỷ lệ (0–1) làm tròn nửa lên "
                                                    "6 chữ số; null khi mẫu số bằng 0.")
    percent = decimal_text(allow_null=True, help_text="Tỷ lệ theo %, làm tròn nửa lên 2 chữ số "
                                                      "như trên trang; null với số đếm.")


class FiguresSerializer(serializers.Serializer):
    unit = UnitRefSerializer()
    period = PeriodRefSerializer()
    source = source_field()
    scope = scope_field()
    scope_label = serializers.CharField(help_text="Toàn địa bàn, Riêng cấp tỉnh/huyện/xã.")
    published_at = serializers.DateTimeField(allow_null=True)
    has_figures = serializers.BooleanField(help_text="Có báo cáo được tính (đã gửi hoặc đã "
                                                     "duyệt; với số liệu công bố: đã duyệt).")
    derived_from_quarters = serializers.BooleanField(
        help_text="Kỳ dài hơn quý: tính từ các quý (cộng số phát sinh, tồn đầu của quý đầu, "
                  "tồn cuối của quý cuối).")
    quarters = serializers.ListField(child=serializers.CharField())
    reconstructed_from = UnitRefSerializer(
        many=True, help_text="Đơn vị mới, kỳ trước 1/7/2025: cộng số liệu các đơn vị cũ.")
    divided_predecessors = UnitRefSerializer(
        many=True, help_text="Đơn vị cũ bị chia tách, được tính cả: chỉ so sánh gần đúng.")
    counts = CountSerializer(many=True)
    kpis = KpiValueSerializer(many=True)


CountsSerializer = type("CountsSerializer", (serializers.Serializer,), {
    name: serializers.IntegerField(help_text=f"{COLUMN_BY_FIELD[name].number} "
                                             f"{COLUMN_BY_FIELD[name].label}")
    for name in FIELD_NAMES})


class KpiNumberSerializer(serializers.Serializer):
    value = decimal_text(allow_null=True)
    percent = decimal_text(allow_null=True)


KpisSerializer = type("KpisSerializer", (serializers.Serializer,), {
    key: KpiNumberSerializer(help_text=f"{kpi.label}: {kpi.formula}")
    for key, kpi in KPIS.items()})


class UnitFiguresRowSerializer(serializers.Serializer):
    unit = UnitRefSerializer()
    has_figures = serializers.BooleanField()
    counts = CountsSerializer(allow_null=True, help_text="null: đơn vị chưa có số liệu.")
    kpis = KpisSerializer()


class RankRowSerializer(serializers.Serializer):
    unit = UnitRefSerializer()
    has_figures = serializers.BooleanField()
    rank = serializers.IntegerField(allow_null=True, min_value=1,
                                    help_text="Hạng; trùng giá trị cùng hạng (1, 2, 2, 4); null: "
                                              "không có giá trị.")
    rank_of = serializers.IntegerField(min_value=0, help_text="Số đơn vị được xếp hạng.")
    previous_rank = serializers.IntegerField(allow_null=True, min_value=1,
                                             help_text="Hạng kỳ trước cùng loại.")
    rank_change = serializers.IntegerField(allow_null=True,
                                           help_text="Số bậc tăng so với kỳ trước (dương: lên).")
    value = decimal_text(allow_null=True)
    percent = decimal_text(allow_null=True)


# --- PAR -------------------------------------------------------------------------------------


class SchemeSerializer(serializers.Serializer):
    name = serializers.CharField()
    year = serializers.IntegerField()
    level = serializers.CharField()
    decision = serializers.CharField(allow_blank=True, help_text="Quyết định ban hành.")


class ParResultSerializer(serializers.Serializer):
    unit = UnitRefSerializer()
    scheme = SchemeSerializer()
    status = serializers.CharField()
    status_label = serializers.CharField()
    is_published = serializers.BooleanField()
    points = decimal_text(allow_null=True)
    max_points = decimal_text(allow_null=True)
    index_percent = decimal_text(allow_null=True, help_text="Điểm / điểm tối đa × 100, làm "
                                                            "tròn nửa lên 2 chữ số.")
    rank = serializers.IntegerField(allow_null=True, min_value=1)
    rank_of = serializers.IntegerField(allow_null=True, min_value=0)
    band = serializers.CharField(allow_blank=True)


# --- pages -----------------------------------------------------------------------------------


def page_of(name: str, item, **extra) -> type[serializers.Serializer]:
    """The paginated envelope of a list: ``extra`` fields, then count, next, previous and
    results."""
    fields = {
        **extra,
        "count": serializers.IntegerField(min_value=0),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": item(many=True),
    }
    return type(name, (serializers.Serializer,), fields)


UnitPageSerializer = page_of("UnitPageSerializer", UnitSerializer)
PeriodPageSerializer = page_of("PeriodPageSerializer", PeriodSerializer)
BelowPageSerializer = page_of(
    "BelowPageSerializer", UnitFiguresRowSerializer,
    unit=UnitRefSerializer(), period=PeriodRefSerializer(), source=source_field(),
    published_at=serializers.DateTimeField(allow_null=True),
    level=serializers.IntegerField(allow_null=True), scope=scope_field())
RankingPageSerializer = page_of(
    "RankingPageSerializer", RankRowSerializer,
    unit=UnitRefSerializer(), period=PeriodRefSerializer(), source=source_field(),
    published_at=serializers.DateTimeField(allow_null=True),
    level=serializers.IntegerField(allow_null=True), scope=scope_field(),
    kpi=KpiDefinitionSerializer(),
    rank_of=serializers.IntegerField(min_value=0),
    previous_period=serializers.CharField(allow_null=True))
ParPageSerializer = page_of(
    "ParPageSerializer", ParResultSerializer,
    unit=UnitRefSerializer(), year=serializers.IntegerField(), source=source_field(),
    scheme=SchemeSerializer(allow_null=True))


# --- shapes: what each serializer above is given ----------------------------------------------
#
# Plain data built from the selectors' objects (units, periods, a publication's frozen
# entries, rankings, PAR results), one function per serializer.


def unit_ref(unit: AdministrativeUnit) -> dict:
    return {"unit_list": unit.unit_list, "code": unit.code, "name": unit.name,
            "level": unit.level, "parent_code": unit.parent.code if unit.parent_id else None}


def entry_ref(unit_list: str, entry: dict) -> dict:
    """A unit as a publication froze it."""
    return {"unit_list": unit_list, "code": entry["code"], "name": entry["name"],
            "level": entry["level"], "parent_code": entry["parent_code"]}


def unit_item(unit: AdministrativeUnit) -> dict:
    return {**unit_ref(unit), "short_name": unit.short_name, "kind": unit.kind,
            "kind_label": unit.get_kind_display(), "level_label": unit.get_level_display(),
            "province_code": unit.province.code if unit.province_id else None,
            "valid_from": unit.valid_from, "valid_to": unit.valid_to}


def _succession(link, unit: AdministrativeUnit) -> dict:
    return {"unit": unit_ref(unit), "kind": link.kind, "kind_label": link.get_kind_display(),
            "effective_date": link.effective_date, "is_principal": link.is_principal}


def unit_detail(unit: AdministrativeUnit) -> dict:
    return {
        **unit_item(unit),
        "parent": unit_ref(unit.parent) if unit.parent_id else None,
        "province": unit_ref(unit.province) if unit.province_id else None,
        "children_count": unit.children.count(),
        "predecessors": [_succession(link, link.predecessor)
                         for link in unit_predecessors(unit)],
        "successors": [_succession(link, link.successor) for link in unit_successors(unit)],
    }


def period_ref(period: ReportingPeriod) -> dict:
    return {"code": period.code, "label": str(period.label), "kind": period.kind,
            "start": period.start, "end": period.end}


def period_item(period: ReportingPeriod) -> dict:
    return {**period_ref(period), "kind_label": period.get_kind_display(),
            "year": period.year, "number": period.number, "cutoff_start": period.cutoff_start,
            "cutoff_end": period.cutoff_end, "deadline": period.deadline,
            "is_locked": period.is_locked, "quarters": quarter_codes(period)}


def quarter_codes(period: ReportingPeriod) -> list[str]:
    if period.kind in (PeriodKind.QUARTER, PeriodKind.MONTH):
        return []
    return [spec.code for spec in period.spec.quarters()]


def kpi_definition(kpi: Kpi) -> dict:
    return {"key": kpi.key, "label": str(kpi.label), "formula": str(kpi.formula),
            "kind": "rate" if kpi.is_rate else "count", "higher_is_better": kpi.higher_is_better}


def kpi_numbers(kpi: Kpi, value: Decimal | int | None) -> dict:
    """A KPI's value as text: a count as it is, a rate rounded half up to 6 decimals and in %
    to 2 (``cchc.formatting.API_VALUE``, ``API_PERCENT``)."""
    return {"value": API_VALUE.write(value, kpi.is_rate),
            "percent": API_PERCENT.write(value, kpi.is_rate)}


def compact_row(ref: dict, totals: dict | None) -> dict:
    """A unit's figures in a list: counts by field name, every KPI by key."""
    values = kpi_values(totals) if totals is not None else dict.fromkeys(KPIS)
    return {"unit": ref, "has_figures": totals is not None,
            "counts": dict(totals) if totals is not None else None,
            "kpis": {key: kpi_numbers(kpi, values[key]) for key, kpi in KPIS.items()}}


def figures_body(unit, period, figures, scope: str = OWN) -> dict:
    totals = figures.totals or dict.fromkeys(FIELD_NAMES, 0)
    values = kpi_values(totals)
    return {
        "unit": unit_ref(unit), "period": period_ref(period), "source": figures.source,
        "scope": scope, "scope_label": scope_label(scope, unit.level),
        "published_at": figures.published_at, "has_figures": figures.totals is not None,
        "derived_from_quarters": bool(quarter_codes(period)),
        "quarters": quarter_codes(period),
        "reconstructed_from": figures.reconstructed_from or [],
        "divided_predecessors": figures.divided or [],
        "counts": [{"column": c.number, "field": c.field, "label": str(c.label),
                    "group": str(c.group), "value": totals[c.field]} for c in COLUMNS],
        "kpis": [{**kpi_definition(kpi), **kpi_numbers(kpi, values[key])}
                 for key, kpi in KPIS.items()],
    }


def rank_row(ref: dict, has_figures: bool, rank, rank_of: int, previous_rank, kpi: Kpi,
             value) -> dict:
    return {"unit": ref, "has_figures": has_figures, "rank": rank, "rank_of": rank_of,
            "previous_rank": previous_rank,
            "rank_change": previous_rank - rank if rank and previous_rank else None,
            **kpi_numbers(kpi, value)}


def scheme_body(scheme) -> dict | None:
    if scheme is None:
        return None
    return {"name": scheme.name, "year": scheme.year, "level": scheme.level,
            "decision": scheme.decision}


def _decimal(value, places: int | None = None) -> str | None:
    """Decimal text: as stored (``places`` None) or rounded half up to ``places``."""
    if value is None:
        return None
    if places is not None:
        return f"{round_half_up(value, places):f}"
    return f"{Decimal(value).normalize():f}"


def par_body(result) -> dict:
    """One PAR result as ``cchc.scores.selectors`` computes it (the results pages)."""
    assessment = result.assessment
    return {
        "unit": unit_ref(result.unit), "scheme": scheme_body(assessment.scheme),
        "status": assessment.status, "status_label": assessment.get_status_display(),
        "is_published": result.is_published, "points": _decimal(result.points),
        "max_points": _decimal(result.max_points),
        "index_percent": _decimal(result.index_percent, 2),
        "rank": result.rank, "rank_of": result.rank_of, "band": result.band,
    }


def published_par_body(ref: dict, group, row) -> dict:
    """A published result as ``published_par_results`` gives it: only what was stored when it
    was published (points, maximum, rank, set size, band)."""
    return {
        "unit": ref,
        "scheme": {"name": group.scheme_name, "year": group.year, "level": group.scheme_level,
                   "decision": group.scheme_decision},
        "status": AssessmentStatus.PUBLISHED, "status_label": AssessmentStatus.PUBLISHED.label,
        "is_published": True, "points": _decimal(row.points),
        "max_points": _decimal(row.max_points), "index_percent": _decimal(row.index_percent, 2),
        "rank": row.rank, "rank_of": row.rank_of, "band": row.band,
    }
