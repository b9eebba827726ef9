"""SIPAS, the satisfaction index (QĐ 2640/QĐ-BNV 2017, then QĐ 1001/QĐ-BNV): one overall % per
unit and year, with sub-scores per factor. Entered or imported; shown beside the PAR index."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

FACTORS = (
    ("access", _("Tiếp cận dịch vụ")),
    ("procedures", _("Thủ tục hành chính")),
    ("civil_servants", _("Công chức trực tiếp giải quyết")),
    ("results", _("Kết quả giải quyết")),
    ("feedback", _("Tiếp nhận, xử lý góp ý, phản ánh")),
)


def _percent(label):
    return models.DecimalField(label, max_digits=5, decimal_places=2, null=True, blank=True)


class SipasResult(models.Model):
    unit = models.ForeignKey("units.AdministrativeUnit", verbose_name=_("đơn vị"),
                             on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("năm"))
    overall = models.DecimalField(_("chỉ số hài lòng chung (%)"), max_digits=5,
                                  decimal_places=2)
    access = _percent(_("Tiếp cận dịch vụ (%)"))
    procedures = _percent(_("Thủ tục hành chính (%)"))
    civil_servants = _percent(_("Công chức trực tiếp giải quyết (%)"))
    results = _percent(_("Kết quả giải quyết (%)"))
    feedback = _percent(_("Tiếp nhận, xử lý góp ý, phản ánh (%)"))

    class Meta:
        verbose_name = _("kết quả SIPAS")
        verbose_name_plural = _("kết quả SIPAS")
        ordering = ["-year", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="sipas_unique_unit_year"),
            *(models.CheckConstraint(
                condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 0,
                                                                f"{name}__lte": 100}),
                name=f"sipas_{name}_range")
              for name in ("overall", *(key for key, _label in FACTORS))),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}: {self.overall} %"
