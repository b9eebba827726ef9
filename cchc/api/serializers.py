"""The API's response bodies. Each view builds plain data (``cchc.api.data``) and renders it
through one of these, so what is sent is exactly what the OpenAPI description says.

Numbers: the 12 counts of form II.06a are integers. A KPI's ``value`` is a decimal string: a
count as it is ("90"), a rate as the ratio rounded half up to 6 decimals ("0.944444"); its
``percent`` is the rate in % rounded half up to 2 decimals, as the pages show it ("94.44");
both are ``null`` when the rate's denominator is 0. PAR points and index: decimal strings too.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cchc.dossiers.columns import COLUMN_BY_FIELD, FIELD_NAMES
from cchc.periods.models import PeriodKind
from cchc.units.models import Kind, Succession, UnitList
from reports.kpis import KPIS

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
