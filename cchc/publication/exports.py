"""The public page's tables and CSV files, from the same published rows, so that the numbers of
the page and of the file are the same numbers.

CSV files are written like the internal ones (``cchc.exports.csv_text``: UTF-8 with a
byte-order mark, so Excel shows Vietnamese correctly), in the internal column order, with a
header naming every column in Vietnamese. Rates are percentages rounded half up to two decimals
("94.44", ``cchc.formatting.PUBLIC_CSV``), exactly what the page shows ("94,44 %"); empty when a
rate has no denominator.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from cchc.dossiers.columns import COLUMNS
from cchc.dossiers.scopes import OWN, SUBTREE, row_scope, scope_label
from cchc.formatting import PUBLIC_CSV, csv_decimal
from cchc.publication.models import RankingPublication
from cchc.publication.selectors import PublishedParGroup, PublishedRow, published_sections
from cchc.ranking import ranked_count
from cchc.units.models import Level
from reports.kpis import KPIS, PUBLIC, kpis_in

#: Every rate, in the order of ``reports.kpis`` (the counts are the form's own columns).
RATES = kpis_in(PUBLIC)


@dataclass
class Section:
    """One level of a published quarter: the province's own figures (not ranked), or the
    districts or communes ranked among themselves."""

    level: int
    rows: list[PublishedRow]
    scope: str = OWN

    @property
    def label(self) -> str:
        return Level(self.level).label

    @property
    def row_scope(self) -> str:
        """The scope its rows hold (a commune's figures are always its own)."""
        return row_scope(self.scope, self.level)

    @property
    def scope_label(self) -> str:
        return scope_label(self.row_scope, self.level)

    @property
    def is_ranked(self) -> bool:
        return self.level != Level.PROVINCE

    @property
    def size(self) -> int:
        """How many units were ranked (those with a value of the KPI)."""
        return ranked_count(self.rows)


def page_sections(publication: RankingPublication, kpi_key: str,
                  scope: str = SUBTREE) -> list[Section]:
    return [Section(level, rows, scope)
            for level, rows in published_sections(publication, kpi_key, scope)]


def ranking_rows(publication: RankingPublication, kpi_key: str,
                 scope: str = SUBTREE) -> list[list]:
    """Header, then one row per published unit, level by level as the page shows them: code,
    name, level, parent's code, period, rank by ``kpi_key`` and set size, the 12 counts of form
    II.06a, every rate in %, and last the scope of the row's figures (``subtree`` or ``own``,
    added after the original columns). Always in Vietnamese."""
    with translation.override("vi"):
        kpi = KPIS[kpi_key]
        rows = [[_("Mã đơn vị"), _("Tên đơn vị"), _("Cấp"), _("Mã đơn vị cấp trên"),
                 _("Kỳ báo cáo"), _("Hạng theo %(kpi)s") % {"kpi": kpi.label},
                 _("Số đơn vị được xếp hạng"),
                 *(f"{column.number} {column.group} – {column.label}" for column in COLUMNS),
                 *(_("%(rate)s (%%)") % {"rate": rate.label} for rate in RATES),
                 _("Phạm vi số liệu (subtree: toàn địa bàn; own: riêng cấp)")]]
        period = publication.period.code
        rates = [(rate.key, rate.writer(PUBLIC_CSV)) for rate in RATES]
        for section in page_sections(publication, kpi_key, scope):
            level = str(section.label)
            for row in section.rows:
                ranked = section.is_ranked and row.rank is not None
                rows.append([
                    row.code, row.name, level, row.parent_code or "", period,
                    row.rank if ranked else "", section.size if ranked else "",
                    *((row.totals[column.field] for column in COLUMNS) if row.has_figures
                      else ("" for _column in COLUMNS)),
                    *(write(row.values[key]) for key, write in rates),
                    section.row_scope,
                ])
    return rows


def par_rows(groups: list[PublishedParGroup]) -> list[list]:
    """Header, then one row per published assessment, in the internal PAR CSV's order (code,
    name, year, points, maximum, index %, rank, set size, band), then the scheme and the set
    the unit was ranked in. Always in Vietnamese."""
    with translation.override("vi"):
        rows = [[_("Mã đơn vị"), _("Tên đơn vị"), _("Năm"), _("Tổng điểm"), _("Điểm tối đa"),
                 _("Chỉ số (%)"), _("Xếp hạng"), _("Trên tổng số"), _("Xếp loại"),
                 _("Bộ chỉ số"), _("Nhóm xếp hạng")]]
        for group in groups:
            peers = _("Đơn vị thuộc %(unit)s") % {"unit": group.parent_name} \
                if group.parent_name else _("Các tỉnh, thành phố")
            for row in group.rows:
                rows.append([row.code, row.name, group.year, csv_decimal(row.points),
                             csv_decimal(row.max_points), csv_decimal(row.index_percent),
                             row.rank or "", row.rank_of or "", row.band, group.scheme_name,
                             peers])
    return rows
