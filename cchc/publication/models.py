"""What a province makes public: its opt-in to the public results page, and each quarterly
ranking it published, frozen as published (later corrections do not leak out unpublished)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cchc.dossiers.columns import FIELD_NAMES


class PublicPage(models.Model):
    """A province's choice to show its published results to everyone, without logging in."""

    province = models.OneToOneField(
        "units.AdministrativeUnit", verbose_name=_("tỉnh"), on_delete=models.CASCADE,
        related_name="public_page", limit_choices_to={"level": 1},
    )
    is_enabled = models.BooleanField(_("công khai kết quả"), default=False)
    changed_at = models.DateTimeField(_("thay đổi lúc"), auto_now=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người thay đổi"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )

    class Meta:
        verbose_name = _("trang công khai của tỉnh")
        verbose_name_plural = _("trang công khai của tỉnh")

    def __str__(self) -> str:
        return str(self.province)


class RankingPublication(models.Model):
    """A quarter's figures for a province and every unit below it, as published.

    ``units`` holds one entry per unit in force at the quarter's end: ``{"code", "name",
    "level", "parent_code", "counts"}`` where ``counts`` is the unit's own 12 counts of form
    II.06a in ``FIELD_NAMES`` order, or ``null`` when it filed nothing. Only approved reports
    are published (``ranking_publish`` refuses while one waits for approval); the published
    rates are recomputed from these counts by ``reports.kpis``, like every other rate.
    """

    province = models.ForeignKey(
        "units.AdministrativeUnit", verbose_name=_("tỉnh"), on_delete=models.PROTECT,
        related_name="ranking_publications",
    )
    period = models.ForeignKey(
        "periods.ReportingPeriod", verbose_name=_("kỳ báo cáo"), on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("công bố lúc"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người công bố"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    units = models.JSONField(_("số liệu đã công bố"), default=list)

    class Meta:
        verbose_name = _("xếp hạng đã công bố")
        verbose_name_plural = _("xếp hạng đã công bố")
        ordering = ["province", "-period__end"]
        constraints = [
            models.UniqueConstraint(fields=["province", "period"],
                                    name="publication_unique_province_period"),
        ]

    def __str__(self) -> str:
        return f"{self.province} – {self.period}"

    def totals(self, entry: dict) -> dict[str, int] | None:
        counts = entry.get("counts")
        return dict(zip(FIELD_NAMES, counts, strict=True)) if counts is not None else None
