import functools

import django_tables2 as tables
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_tables2.data import TableListData
from django_tables2.rows import BoundRow, BoundRows
from django_tables2.utils import OrderBy, signature

from cchc.dossiers.scopes import OWN, has_units_below
from cchc.units.selectors import name_matcher
from reports.kpis import KPIS, RANKING_KPIS

KPI_COLUMNS = tuple(kpi.key for kpi in RANKING_KPIS)


#: The columns a ranking can be sorted by (``?sort=`` with an optional ``-``).
SORTABLE = frozenset({"rank", "unit", *KPI_COLUMNS})


def shown_rows(rows: list, filters) -> list:
    """The ranked rows the search and the province filter choose, ranks unchanged; search
    results best match first (the exact name, then names starting with it, then the rest),
    each group in rank order."""
    province, query = filters.province, filters.query
    if province is not None:
        rows = [row for row in rows
                if province.pk in (row.unit.pk, row.unit.province_id)]
    if query:
        match = name_matcher(query)
        matched = ((match(row.unit), row) for row in rows)
        rows = [row for match, row in sorted(
            ((m, r) for m, r in matched if m is not None), key=lambda pair: pair[0])]
    return rows


class MissingLastRows(TableListData):
    """Rows of a list sorted by a column with the rows that have no value for it last in both
    directions, in the order given; ``keys`` maps a column to a row's value (None: none).
    No sort (``order_by=()``) keeps the order given."""

    def __init__(self, data, keys):
        super().__init__(data)
        self.keys = keys

    def order_by(self, aliases):
        for alias in reversed(aliases):  # stable sorts, the most significant last
            key = self.keys[OrderBy(alias).bare]
            valued = [row for row in self.data if key(row) is not None]
            missing = [row for row in self.data if key(row) is None]
            valued.sort(key=key, reverse=alias.startswith("-"))
            self.data = valued + missing


def _kpi_key(name: str):
    return lambda row: row.kpi_value(name) if row.has_figures else None


#: A ranking row's value in each sortable column: no rank, no figures, or a rate without a
#: denominator sort last whichever the direction.
RANKING_KEYS = {"rank": lambda row: row.rank, "unit": lambda row: row.unit.code,
                **{name: _kpi_key(name) for name in KPI_COLUMNS}}


#: Bootstrap classes of a column shown only from the md breakpoint: on a phone the table
#: keeps the rank, the unit and the chosen KPI, without scrolling sideways.
WIDE_ONLY = "d-none d-md-table-cell"


class KpiColumn(tables.Column):
    def __init__(self, key, *, chosen=True, **kwargs):
        self.kpi = KPIS[key]
        css = "num" if chosen else f"num {WIDE_ONLY}"
        super().__init__(
            accessor=f"values__{key}", verbose_name=self.kpi.label,
            attrs={"td": {"class": css, "data-kpi": key},
                   "th": {"class": css, "title": self.kpi.formula}},
            **kwargs,
        )

    def render(self, value):
        return self.kpi.display(value)


@functools.cache
def _arguments(function) -> tuple[tuple[str, ...], str | None]:
    """What a cell's render method takes (``django_tables2.utils.signature``), looked up once
    per method rather than once per cell."""
    return signature(function)


class _Row(BoundRow):
    """A row whose cells are rendered as django-tables2 renders them, without inspecting the
    render method's signature again for each of the page's 550 cells (a fifth of the
    table's rendering time)."""

    def _call_render(self, bound_column, value=None):
        render = bound_column.render
        names, catch_all = _arguments(getattr(render, "__func__", render))
        given = self._optional_cell_arguments(bound_column, value)
        if not catch_all:
            if any(name not in given for name in names if name != "self"):
                return None
            given = {name: given[name] for name in names if name != "self"}
        content = render(**given)
        return bound_column.link(content, **given) if bound_column.link else content

    def td_cells(self):
        """(the ``<td>``'s attributes, the cell) for each shown column, as ``items`` gives
        them; a ranking's cell attributes are the same on every row (none is computed from
        the record), so each column's are built once per table, not once per cell."""
        table, shown = self.table, self.table.td_attributes
        for column in table.columns:
            if column.name not in shown:
                shown[column.name] = column.attrs["td"].as_html(), column.default
            attributes, default = shown[column.name]
            yield attributes, table.cell(column.name, self.record, default) \
                if column.name in table.direct_cells else self.get_cell(column.name)


    def cells_html(self):
        """The row's ``<td>`` elements, as the row template's loop over ``td_cells`` renders
        them (each cell localized and escaped unless safe), joined in Python: a page of 25
        rows has 550 cells, and the template loop cost a third of a cold ranking's time."""
        return mark_safe("".join(
            f"<td {attributes}>{conditional_escape(localize(cell))}</td>"
            for attributes, cell in self.td_cells()))


class _Rows(BoundRows):
    def __iter__(self):
        for record in self.data:
            yield _Row(record, table=self.table)

    def __getitem__(self, key):
        if isinstance(key, slice):
            return _Rows(data=self.data[key], table=self.table)
        return _Row(record=self.data[key], table=self.table)


_CODE = "unit-code-here"  # never a unit's code (those are digits)


class RankingTable(tables.Table):
    # Rows are sorted by ``MissingLastRows``: missing values last whichever the direction.
    rank = tables.Column(verbose_name=_("Hạng"), empty_values=(),
                         attrs={"td": {"class": "num"}})
    rank_change = tables.Column(verbose_name=_("So với kỳ trước"), empty_values=(),
                                orderable=False,
                                attrs={"td": {"class": f"text-center {WIDE_ONLY}"},
                                       "th": {"class": WIDE_ONLY}})
    unit = tables.Column(verbose_name=_("Đơn vị"),
                         attrs={"td": {"class": "text-nowrap"}})

    def __init__(self, rows, *args, ranking, kpi_key=None, **kwargs):
        """``kpi_key`` the KPI the ranking is by: the one KPI column a phone shows (all
        are shown if it is not a column)."""
        self.ranking = ranking
        extra = [(key, KpiColumn(key, chosen=kpi_key in (None, key)
                                 or kpi_key not in KPI_COLUMNS)) for key in KPI_COLUMNS]
        super().__init__(MissingLastRows(list(rows), RANKING_KEYS), *args, extra_columns=extra,
                         **kwargs)
        self.rows = _Rows(data=self.data, table=self)  # no pinned rows in a ranking
        self.td_attributes = {}  # column name -> its cells' attributes (``_Row.td_cells``)

    #: Columns whose cells ``cell`` renders directly, as django-tables2 would: no accessor
    #: to resolve, no signature to inspect (``tests/reports/test_ranking_rendering.py``).
    direct_cells = frozenset({"rank", "rank_change", "unit", *KPI_COLUMNS})

    def cell(self, name: str, record, default):
        """A cell of ``direct_cells``: what ``BoundRow.get_cell`` gives, the render method
        called directly (a KPI without a value is the column's default, as an empty value
        is)."""
        if name == "rank":
            return self.render_rank(record)
        if name == "rank_change":
            return self.render_rank_change(record)
        if name == "unit":
            return self.render_unit(record)
        value = record.values[name]
        return default if value in (None, "") else KPIS[name].display(value)

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle ranking-table",
                 "id": "ranking-table"}
        empty_text = _("Chưa có đơn vị nào có số liệu của kỳ này.")
        template_name = "reports/ranking_table_rows.html"
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
        # One reverse() per list, not per row: the dashboard URL with the code put in.
        urls = self.__dict__.setdefault("_dashboard_urls", {})
        if unit.unit_list not in urls:
            urls[unit.unit_list] = reverse("reports:dashboard", args=[
                unit.unit_list, _CODE, self.ranking.period.code]).split(_CODE)
        before, after = urls[unit.unit_list]
        url = f"{before}{unit.code}{after}"
        if self.ranking.scope == OWN and has_units_below(unit.level):
            url += "?scope=own"  # the dashboard opens on the figures the row shows
        return format_html('<a href="{}">{}</a> <small class="unit-code">{}</small>', url,
                           unit.name, unit.code)
