"""Reporting periods (kỳ báo cáo): their dates, cut-off window, deadline and lock."""

from __future__ import annotations

import datetime
import uuid

from django.db import models
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cchc.periods import codes


class PeriodKind(models.TextChoices):
    MONTH = codes.MONTH, _("Tháng")
    QUARTER = codes.QUARTER, _("Quý")
    HALF_YEAR = codes.HALF_YEAR, _("6 tháng")
    NINE_MONTHS = codes.NINE_MONTHS, _("9 tháng")
    YEAR = codes.YEAR, _("Năm")


class ReportingPeriodQuerySet(models.QuerySet):
    def get_by_code(self, code: str) -> ReportingPeriod:
        """The period named ``code`` (``2023-Q4``); ``InvalidPeriodCode`` on bad notation."""
        return self.get(code=codes.PeriodSpec.parse(code).code)

    def get_by_code_or_404(self, code: str) -> ReportingPeriod:
        """For views: the period named ``code``, or 404 for bad notation or an unknown one."""
        try:
            return self.get_by_code(code)
        except (codes.InvalidPeriodCode, ReportingPeriod.DoesNotExist) as exc:
            raise Http404 from exc

    def with_previous_or_404(self, code: str) -> tuple[ReportingPeriod, ReportingPeriod | None]:
        """For views: the period named ``code`` and the one before it of the same kind (None if
        not set up), in one query; 404 for bad notation or an unknown period."""
        try:
            spec = codes.PeriodSpec.parse(code)
        except codes.InvalidPeriodCode as exc:
            raise Http404 from exc
        found = {p.code: p for p in self.filter(code__in=[spec.code, spec.previous().code])}
        if spec.code not in found:
            raise Http404
        return found[spec.code], found.get(spec.previous().code)

    def quarters(self) -> ReportingPeriodQuerySet:
        return self.filter(kind=PeriodKind.QUARTER)


class ReportingPeriod(models.Model):
    code = models.CharField(_("mã kỳ"), max_length=8, unique=True, help_text="2023-Q4, 2024-H1…")
    kind = models.CharField(_("loại kỳ"), max_length=12, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveSmallIntegerField(_("số thứ tự trong năm"))
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))
    cutoff_start = models.DateField(_("chốt số liệu từ ngày"))
    cutoff_end = models.DateField(_("chốt số liệu đến ngày"))
    deadline = models.DateField(_("hạn nộp báo cáo"))
    is_locked = models.BooleanField(
        _("đã khoá"),
        default=False,
        help_text=_("Kỳ đã khoá không nhận thay đổi, trừ quản trị viên có ghi lý do."),
    )
    figures_version = models.UUIDField(
        _("phiên bản số liệu"),
        default=uuid.uuid4,
        editable=False,
        help_text=_("Đổi mỗi khi số liệu tổng hợp của kỳ thay đổi; là khoá của bộ nhớ đệm."),
    )

    objects = ReportingPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("kỳ báo cáo")
        verbose_name_plural = _("kỳ báo cáo")
        ordering = ["-end", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "number"], name="period_unique_kind"),
            models.CheckConstraint(condition=Q(start__lte=F("end")), name="period_dates_ordered"),
            models.CheckConstraint(
                condition=Q(cutoff_start__lte=F("cutoff_end")), name="period_cutoff_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def spec(self) -> codes.PeriodSpec:
        return codes.PeriodSpec(self.kind, self.year, self.number)

    @property
    def label(self) -> str:
        """How people say it: "Quý IV/2023", "6 tháng 2024", "Năm 2024", "Tháng 03/2024"."""
        roman = {1: "I", 2: "II", 3: "III", 4: "IV"}
        if self.kind == PeriodKind.QUARTER:
            return _("Quý %(q)s/%(y)s") % {"q": roman[self.number], "y": self.year}
        if self.kind == PeriodKind.MONTH:
            return _("Tháng %(m)02d/%(y)s") % {"m": self.number, "y": self.year}
        if self.kind == PeriodKind.YEAR:
            return _("Năm %(y)s") % {"y": self.year}
        return f"{self.get_kind_display()} {self.year}"

    def is_past_deadline(self, on: datetime.date | None = None) -> bool:
        return (on or timezone.localdate()) > self.deadline
