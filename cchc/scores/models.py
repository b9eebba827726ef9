"""PAR index (Chỉ số CCHC): versioned scoring schemes, unit assessments and their scores.

A scheme is data, one per year and level, because each province reissues its own often
(docs/domain.md §5): a tree of areas → criteria → sub-criteria with maximum points, plus the bands
that turn an index into a rating. A unit's index is its points over the scheme's maximum, in %.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cchc.formatting import format_points
from cchc.ranking import PointsAndRank


class SchemeLevel(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    DISTRICT = "district", _("Cấp huyện")
    COMMUNE = "commune", _("Cấp xã")


class CriterionPart(models.TextChoices):
    RESULTS = "results", _("Kết quả thực hiện (tự đánh giá, thẩm định)")
    SURVEY = "survey", _("Điều tra xã hội học")
    BONUS_PENALTY = "bonus-penalty", _("Điểm thưởng / điểm trừ")


class ParScheme(models.Model):
    year = models.PositiveSmallIntegerField(_("năm đánh giá"))
    level = models.CharField(_("đối tượng"), max_length=12, choices=SchemeLevel.choices)
    issuer = models.ForeignKey(
        "units.AdministrativeUnit",
        verbose_name=_("cơ quan ban hành"),
        on_delete=models.PROTECT,
        related_name="par_schemes",
        help_text=_("Tỉnh ban hành bộ chỉ số (trống: Bộ Nội vụ)"),
        null=True,
        blank=True,
    )
    name = models.CharField(_("tên bộ chỉ số"), max_length=300)
    decision = models.CharField(_("quyết định ban hành"), max_length=200, blank=True)
    deadline = models.DateField(
        _("hạn gửi tự đánh giá"), null=True, blank=True,
        help_text=_("Sau ngày này đơn vị không tự gửi được nữa; văn phòng tỉnh vẫn gửi thay."),
    )

    class Meta:
        verbose_name = _("bộ chỉ số CCHC")
        verbose_name_plural = _("bộ chỉ số CCHC")
        ordering = ["-year", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "level", "issuer"],
                condition=Q(issuer__isnull=False),
                name="scheme_unique_per_issuer",
            ),
            models.UniqueConstraint(
                fields=["year", "level"],
                condition=Q(issuer__isnull=True),
                name="scheme_unique_national",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    def band_for(self, index_percent: Decimal) -> str:
        """The rating of an index: the band with the highest threshold at or below it
        (an index exactly at a threshold earns that band); "" below every band."""
        for band in sorted(self.bands.all(), key=lambda b: b.min_percent, reverse=True):
            if index_percent >= band.min_percent:
                return band.label
        return ""


class ParBand(models.Model):
    """A rating of the scheme: an index at or above ``min_percent`` earns ``label``."""

    scheme = models.ForeignKey(
        ParScheme, verbose_name=_("bộ chỉ số"), on_delete=models.CASCADE, related_name="bands"
    )
    label = models.CharField(_("xếp loại"), max_length=60)
    min_percent = models.DecimalField(_("từ (%)"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("mức xếp loại")
        verbose_name_plural = _("mức xếp loại")
        ordering = ["scheme", "-min_percent"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "label"], name="band_unique_label"),
            models.CheckConstraint(
                condition=Q(min_percent__gte=0, min_percent__lte=100), name="band_percent_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} (≥ {self.min_percent} %)"


class ParCriterion(models.Model):
    """A node of the scheme's tree: area (``1``), criterion (``1.2``), sub-criterion (``1.2.3``)."""

    scheme = models.ForeignKey(
        ParScheme, verbose_name=_("bộ chỉ số"), on_delete=models.CASCADE, related_name="criteria"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("thuộc"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    code = models.CharField(_("mã"), max_length=20)
    title = models.CharField(_("nội dung"), max_length=500)
    max_points = models.DecimalField(_("điểm tối đa"), max_digits=6, decimal_places=2)
    part = models.CharField(
        _("phần"), max_length=16, choices=CriterionPart.choices, default=CriterionPart.RESULTS
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        ordering = ["scheme", "position"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="criterion_unique_code"),
            models.CheckConstraint(condition=Q(max_points__gt=0), name="criterion_max_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"

    @property
    def depth(self) -> int:
        return self.code.count(".") + 1


class AssessmentStatus(models.TextChoices):
    SELF_ASSESSING = "self", _("Đang tự đánh giá")
    SUBMITTED = "submitted", _("Đã gửi thẩm định")
    APPRAISED = "appraised", _("Đã thẩm định")
    PUBLISHED = "published", _("Đã công bố")


class ParAssessment(PointsAndRank, models.Model):
    """A unit's assessment against a scheme; once published it carries its result and rank.

    ``index_percent`` = ``points`` / ``max_points`` × 100. The rank is stored with the size of the
    set it was ranked in ("19/63"): rankings are only comparable within one set of peers.
    """

    scheme = models.ForeignKey(
        ParScheme, verbose_name=_("bộ chỉ số"), on_delete=models.PROTECT, related_name="assessments"
    )
    unit = models.ForeignKey(
        "units.AdministrativeUnit",
        verbose_name=_("đơn vị"),
        on_delete=models.PROTECT,
        related_name="par_assessments",
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=12,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.SELF_ASSESSING,
    )
    points = models.DecimalField(
        _("tổng điểm"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    max_points = models.DecimalField(
        _("điểm tối đa"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    rank = models.PositiveSmallIntegerField(_("xếp hạng"), null=True, blank=True)
    rank_of = models.PositiveSmallIntegerField(_("trên tổng số"), null=True, blank=True)
    band = models.CharField(_("xếp loại"), max_length=60, blank=True)
    source_note = models.CharField(_("ghi chú nguồn"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("kết quả đánh giá Chỉ số CCHC")
        verbose_name_plural = _("kết quả đánh giá Chỉ số CCHC")
        ordering = ["scheme", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "unit"], name="assessment_unique_unit"),
            models.CheckConstraint(
                condition=Q(points__isnull=True)
                | Q(points__gte=0, max_points__gt=0, points__lte=F("max_points")),
                name="assessment_points_within_max",
            ),
            models.CheckConstraint(
                condition=Q(rank__isnull=True) | Q(rank__gte=1, rank__lte=F("rank_of")),
                name="assessment_rank_within_set",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} – {self.scheme}"



class ParScore(models.Model):
    """A unit's points on one criterion: its own, then the appraisal council's."""

    assessment = models.ForeignKey(
        ParAssessment, verbose_name=_("đánh giá"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        ParCriterion, verbose_name=_("tiêu chí"), on_delete=models.PROTECT, related_name="scores"
    )
    self_score = models.DecimalField(
        _("điểm tự đánh giá"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    appraised_score = models.DecimalField(
        _("điểm thẩm định"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    explanation = models.TextField(_("giải trình"), blank=True)
    evidence_note = models.TextField(_("tài liệu kiểm chứng"), blank=True)
    appraisal_comment = models.TextField(_("ý kiến thẩm định"), blank=True)

    class Meta:
        verbose_name = _("điểm tiêu chí")
        verbose_name_plural = _("điểm tiêu chí")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="score_unique_criterion"
            ),
            models.CheckConstraint(
                condition=Q(self_score__isnull=True) | Q(self_score__gte=0),
                name="score_self_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(appraised_score__isnull=True) | Q(appraised_score__gte=0),
                name="score_appraised_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} – {self.criterion.code}"

    def clean(self) -> None:
        maximum = self.criterion.max_points
        errors = {}
        for name in ("self_score", "appraised_score"):
            value = getattr(self, name)
            if value is not None and not (0 <= value <= maximum):
                errors[name] = _(
                    "Tiêu chí %(code)s: điểm phải trong khoảng 0 đến %(max)s (đang là %(value)s)."
                ) % {
                    "code": self.criterion.code,
                    "max": format_points(maximum),
                    "value": format_points(value),
                }
        if errors:
            raise ValidationError(errors)



def _evidence_path(instance: ParEvidence, filename: str) -> str:
    """A random name under the year and the unit: the user's file name is kept only in the
    database, never in a path."""
    extension = filename.rpartition(".")[2].lower()[:8]
    return f"evidence/{instance.score.assessment.scheme.year}/" \
        f"{instance.score.assessment.unit_id}/{uuid.uuid4().hex}.{extension}"


class ParEvidence(models.Model):
    """A file proving a self-assessed score (tài liệu kiểm chứng). Stored under ``MEDIA_ROOT``
    with a random name and downloaded only through a view that checks access."""

    score = models.ForeignKey(
        ParScore, verbose_name=_("điểm tiêu chí"), on_delete=models.CASCADE,
        related_name="evidence",
    )
    file = models.FileField(_("tệp"), upload_to=_evidence_path, max_length=200)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    content_type = models.CharField(_("loại tệp"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người tải lên"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("tài liệu kiểm chứng")
        verbose_name_plural = _("tài liệu kiểm chứng")
        ordering = ["score", "uploaded_at"]

    def __str__(self) -> str:
        return self.original_name
