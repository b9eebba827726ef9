"""The PAR results table: rows are ``ParResult``s, sorted in Python by ``PAR_KEYS``."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cchc.formatting import format_change, format_fixed
from reports.tables import MissingLastRows

#: A result's value in each sortable column; unranked or unscored results sort last both ways.
PAR_KEYS = {"rank": lambda r: r.rank, "unit": lambda r: r.unit.code,
            "points": lambda r: r.index_percent, "index_percent": lambda r: r.index_percent,
            "band": lambda r: r.band or None}


def _points(value) -> str:
    """Points or an index as the CSV and Excel round them (half up, two decimals)."""
    return format_fixed(value)


class ParRankingTable(tables.Table):
    rank = tables.Column(verbose_name=_("Hạng"), accessor="rank_display",
                         attrs={"td": {"class": "num"}})
    unit = tables.Column(verbose_name=_("Đơn vị"))
    # Points are compared through the index: schemes of a set may differ in their maximum.
    points = tables.Column(verbose_name=_("Tổng điểm"), attrs={"td": {"class": "num"}})
    index_percent = tables.Column(verbose_name=_("Chỉ số (%)"), attrs={"td": {"class": "num"}})
    band = tables.Column(verbose_name=_("Xếp loại"))
    sipas_overall = tables.Column(verbose_name=_("SIPAS (%)"), orderable=False,
                                  attrs={"td": {"class": "num"},
                                         "th": {"title": _("Chỉ số hài lòng cùng năm")}})
    change = tables.Column(verbose_name=_("So với năm trước"), accessor="change_points",
                           orderable=False, empty_values=(), attrs={"td": {"class": "num"}})

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle", "id": "par-ranking"}
        empty_text = _("Chưa có kết quả đánh giá nào trong năm này.")
        order_by = ("rank",)

    def __init__(self, results, *args, **kwargs):
        super().__init__(MissingLastRows(list(results), PAR_KEYS), *args, **kwargs)

    def render_unit(self, record):
        url = reverse("scores:result", args=[record.unit.unit_list, record.unit.code,
                                             record.assessment.scheme.year])
        return format_html('<a href="{}">{}</a> <small class="unit-code">{}</small>', url,
                           record.unit.name, record.unit.code)

    def render_points(self, value):
        return _points(value)

    def render_index_percent(self, value):
        return _points(value)

    def render_sipas_overall(self, value):
        return _points(value)

    def render_change(self, record):
        if record.change_points is None:
            return "–"
        points = record.change_points
        rank = record.change_rank
        text = format_change(points)
        if rank:
            text += f" ({'↑' if rank > 0 else '↓'} {abs(rank)})"
        if record.scheme_changed:
            return format_html('{} <span class="badge text-bg-warning" title="{}">*</span>', text,
                               _("Bộ chỉ số năm trước khác: so sánh theo chỉ số (%)"))
        return text
