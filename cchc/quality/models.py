"""Outlier flags on stored reports, and what the reviewer made of them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cchc.dossiers.columns import COLUMN_BY_FIELD


class FlagBasis(models.TextChoices):
    HISTORY = "history", _("So với các kỳ trước của đơn vị")
    PEERS = "peers", _("So với các đơn vị cùng cấp trong tỉnh")


class FlagStatus(models.TextChoices):
    OPEN = "open", _("Chưa kiểm tra")
    CHECKED = "checked", _("Đã kiểm tra")


class OutlierFlag(models.Model):
    """A figure of a stored report that the outlier rule (``cchc.quality.outliers``) flagged.

    Refreshed whenever the report's figures are saved: a flag whose figure is unchanged keeps
    its check; a changed figure reopens it; a figure no longer an outlier loses its flag.
    """

    report = models.ForeignKey("dossiers.DossierReport", verbose_name=_("báo cáo"),
                               on_delete=models.CASCADE, related_name="outlier_flags")
    field = models.ForeignKey("dossiers.ProcedureField", verbose_name=_("lĩnh vực"),
                              on_delete=models.PROTECT, related_name="+")
    column = models.CharField(_("cột"), max_length=32)
    basis = models.CharField(_("so sánh"), max_length=8, choices=FlagBasis.choices)
    value = models.PositiveIntegerField(_("số liệu"))
    median = models.DecimalField(_("trung vị tham chiếu"), max_digits=14, decimal_places=1)
    score = models.FloatField(_("điểm z hiệu chỉnh"))
    sample_size = models.PositiveIntegerField(_("số giá trị tham chiếu"))
    status = models.CharField(_("tình trạng"), max_length=8, choices=FlagStatus.choices,
                              default=FlagStatus.OPEN)
    note = models.TextField(_("ghi chú khi kiểm tra"), blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người kiểm tra"),
                                   on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    checked_at = models.DateTimeField(_("kiểm tra lúc"), null=True, blank=True)
    flagged_at = models.DateTimeField(_("phát hiện lúc"))

    class Meta:
        verbose_name = _("cảnh báo số liệu bất thường")
        verbose_name_plural = _("cảnh báo số liệu bất thường")
        ordering = ["report", "field__position", "column", "basis"]
        constraints = [
            models.UniqueConstraint(fields=["report", "field", "column", "basis"],
                                    name="flag_unique_cell_basis"),
        ]
        indexes = [models.Index(fields=["status", "report"], name="flag_status_report_idx")]

    def __str__(self) -> str:
        return f"{self.report} – {self.field} {self.column_number}"

    @property
    def column_number(self) -> str:
        return COLUMN_BY_FIELD[self.column].number

    @property
    def column_label(self) -> str:
        return str(COLUMN_BY_FIELD[self.column].label)

    @property
    def is_open(self) -> bool:
        return self.status == FlagStatus.OPEN

    @property
    def outlier(self):
        """The stored flag as the rule states it, so that it reads the same words as the
        warning shown before saving (``short_label``, ``explanation``)."""
        from cchc.quality.outliers import Outlier

        return Outlier(self.field_id, self.column, self.value, self.basis, float(self.median),
                       self.score, self.sample_size)

    @property
    def short_label(self) -> str:
        """What fits under a cell: "Cao bất thường", the rest in the list of flags."""
        return str(self.outlier.short_label)

    @property
    def explanation(self) -> str:
        return self.outlier.explanation
