import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cchc.dossiers.scopes import OWN, has_units_below
from reports.kpis import KPIS

KPI_COLUMNS = ("received", "resolved", "on_time_rate", "early_rate", "late_rate", "online_rate",
               "postal_rate", "overdue_pending_rate")


#: The columns a ranking can be sorted by (``?sort=`` with an optional ``-``).
SORTABLE = frozenset({"rank", "unit", *KPI_COLUMNS})


class KpiColumn(tables.Column):
    def __init__(self, key, **kwargs):
        self.kpi = KPIS[key]
        super().__init__(
            accessor=f"values__{key}", verbose_name=self.kpi.label,
            order_by=(f"sort_values__{key}",),
            attrs={"td": {"class": "num"}, "th": {"class": "num", "title": self.kpi.formula}},
            **kwargs,
        )

    def render(self, value):
        return self.kpi.display(value)


class RankingTable(tables.Table):
    # Rows are a list, so django-tables2 sorts them by these accessors (not order_* methods).
    rank = tables.Column(verbose_name=_("Hạng"), empty_values=(), order_by=("rank_key",),
                         attrs={"td": {"class": "num"}})
    rank_change = tables.Column(verbose_name=_("So với kỳ trước"), empty_values=(),
                                orderable=False, attrs={"td": {"class": "text-center"}})
    unit = tables.Column(verbose_name=_("Đơn vị"), order_by=("unit__code",),
                         attrs={"td": {"class": "text-nowrap"}})

    def __init__(self, *args, ranking, **kwargs):
        self.ranking = ranking
        extra = [(key, KpiColumn(key)) for key in KPI_COLUMNS]
        super().__init__(*args, extra_columns=extra, **kwargs)

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle", "id": "ranking-table"}
        empty_text = _("Chưa có đơn vị nào có số liệu của kỳ này.")
        order_by = ("rank",)

    def render_rank(self, record):
        if record.rank is None:
            return "–"
        return f"{record.rank}/{self.ranking.size}"

    def render_rank_change(self, record):
        change = record.rank_change
        if change is None:
            return format_html('<span title="{}">–</span>', _("Không có hạng kỳ trước"))
        if change == 0:
            return format_html('<span title="{}">–</span>', _("Giữ nguyên"))
        arrow, css, label = ("↑", "text-success", _("Tăng %(n)s bậc")) if change > 0 else \
            ("↓", "text-danger", _("Giảm %(n)s bậc"))
        return format_html('<span class="{}" title="{}">{} {}</span>', css,
                           label % {"n": abs(change)}, arrow, abs(change))

    def render_unit(self, record):
        unit = record.unit
        url = reverse("reports:dashboard", args=[unit.unit_list, unit.code,
                                                 self.ranking.period.code])
        if self.ranking.scope == OWN and has_units_below(unit.level):
            url += "?scope=own"  # the dashboard opens on the figures the row shows
        return format_html('<a href="{}">{}</a> <small class="unit-code">{}</small>', url,
                           unit.name, unit.code)
