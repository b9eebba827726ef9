"""The service index of QĐ 766/QĐ-TTg (2022), per unit and reporting period (docs/domain.md §6).

Six groups, 100 points. Each indicator is a rate in % scored against its threshold: at or above
the threshold it earns its full points, below it ``rate / threshold × points``. Two indicators
are computed from the dossier figures (``reports.kpis``: 2.1 progress, 3.3 online receipt); the
others are entered or imported by the provincial office.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    ENTERED = "entered", _("Nhập hoặc tải lên")
    KPI = "kpi", _("Tính từ số liệu biểu II.06a")


class ServiceIndicator(models.Model):
    code = models.CharField(_("mã"), max_length=8, unique=True)
    group = models.PositiveSmallIntegerField(_("nhóm"))
    group_title = models.CharField(_("tên nhóm"), max_length=200)
    title = models.CharField(_("chỉ tiêu"), max_length=300)
    points = models.DecimalField(_("điểm"), max_digits=5, decimal_places=2)
    threshold_percent = models.DecimalField(_("ngưỡng (%)"), max_digits=5, decimal_places=2)
    source = models.CharField(_("nguồn"), max_length=8, choices=Source.choices)
    kpi_key = models.CharField(_("chỉ số biểu II.06a"), max_length=40, blank=True,
                               help_text=_("Khoá trong reports.kpis khi nguồn là biểu II.06a"))
    position = models.PositiveSmallIntegerField(_("thứ tự"))

    class Meta:
        verbose_name = _("chỉ tiêu QĐ 766")
        verbose_name_plural = _("chỉ tiêu QĐ 766")
        ordering = ["position"]
        constraints = [
            models.CheckConstraint(condition=Q(points__gt=0), name="indicator_points_positive"),
            models.CheckConstraint(condition=Q(threshold_percent__gt=0,
                                               threshold_percent__lte=100),
                                   name="indicator_threshold_range"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class IndicatorValue(models.Model):
    """An entered indicator's rate for a unit and period, in % (0–100)."""

    indicator = models.ForeignKey(ServiceIndicator, verbose_name=_("chỉ tiêu"),
                                  on_delete=models.PROTECT, related_name="values")
    unit = models.ForeignKey("units.AdministrativeUnit", verbose_name=_("đơn vị"),
                             on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey("periods.ReportingPeriod", verbose_name=_("kỳ"),
                               on_delete=models.PROTECT, related_name="+")
    rate_percent = models.DecimalField(_("tỷ lệ (%)"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("giá trị chỉ tiêu QĐ 766")
        verbose_name_plural = _("giá trị chỉ tiêu QĐ 766")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "unit", "period"],
                                    name="indicator_value_unique"),
            models.CheckConstraint(condition=Q(rate_percent__gte=0, rate_percent__lte=100),
                                   name="indicator_value_range"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.unit_id} {self.period_id}: {self.rate_percent} %"
