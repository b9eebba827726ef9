import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from cchc.units.models import AdministrativeUnit


class UnitTable(tables.Table):
    code = tables.Column(verbose_name=_("Mã"), linkify=True)
    name = tables.Column(verbose_name=_("Tên đơn vị"), linkify=True)
    kind = tables.Column(verbose_name=_("Loại"))
    parent = tables.Column(verbose_name=_("Trực thuộc"), linkify=True, orderable=False)
    unit_list = tables.Column(verbose_name=_("Danh mục"))
    child_count = tables.Column(
        verbose_name=_("Số đơn vị trực thuộc"),
        orderable=False,
        attrs={"td": {"class": "num"}, "th": {"class": "num"}},
    )

    class Meta:
        model = AdministrativeUnit
        fields = ("code", "name", "kind", "parent", "unit_list", "child_count")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("Không có đơn vị nào.")
        orderable = False
