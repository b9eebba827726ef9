"""Dossier statistics (biểu II.06a): a unit's report for a period, one line per field."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cchc.dossiers.columns import COLUMN_BY_FIELD, FIELD_NAMES, IDENTITIES, figure_errors
from cchc.units.models import Level


class ProcedureFieldQuerySet(models.QuerySet):
    def for_level(self, level: int) -> ProcedureFieldQuerySet:
        """The fields (lĩnh vực) a unit of ``level`` reports on."""
        flag = {
            Level.PROVINCE: "applies_to_province",
            Level.DISTRICT: "applies_to_district",
            Level.COMMUNE: "applies_to_commune",
        }[level]
        return self.filter(**{flag: True, "is_active": True})

    def get_by_natural_key(self, code: str) -> ProcedureField:
        return self.get(code=code)


class ProcedureField(models.Model):
    """A field of administrative procedures (lĩnh vực): hộ tịch, chứng thực, đất đai, …"""

    code = models.SlugField(_("mã lĩnh vực"), max_length=40, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=200)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    applies_to_province = models.BooleanField(_("áp dụng cấp tỉnh"), default=False)
    applies_to_district = models.BooleanField(_("áp dụng cấp huyện"), default=False)
    applies_to_commune = models.BooleanField(_("áp dụng cấp xã"), default=False)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    objects = ProcedureFieldQuerySet.as_manager()

    class Meta:
        verbose_name = _("lĩnh vực thủ tục hành chính")
        verbose_name_plural = _("lĩnh vực thủ tục hành chính")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.code,)

    @property
    def levels_display(self) -> str:
        names = []
        for flag, level in (
            (self.applies_to_province, Level.PROVINCE),
            (self.applies_to_district, Level.DISTRICT),
            (self.applies_to_commune, Level.COMMUNE),
        ):
            if flag:
                names.append(str(level.label))
        return ", ".join(names)


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    SUBMITTED = "submitted", _("Đã gửi")
    RETURNED = "returned", _("Bị trả lại")
    APPROVED = "approved", _("Đã duyệt")


class DataSource(models.TextChoices):
    ENTERED = "entered", _("Nhập trên web")
    IMPORTED = "imported", _("Nhập từ tệp Excel")
    PUBLISHED = "published", _("Số liệu công bố")
    SYNTHETIC = "synthetic", _("Số liệu mô phỏng (demo)")


class DossierReport(models.Model):
    """A unit's form II.06a for one period: its status and, in ``lines``, one row per field."""

    unit = models.ForeignKey(
        "units.AdministrativeUnit",
        verbose_name=_("đơn vị báo cáo"),
        on_delete=models.PROTECT,
        related_name="dossier_reports",
    )
    period = models.ForeignKey(
        "periods.ReportingPeriod",
        verbose_name=_("kỳ báo cáo"),
        on_delete=models.PROTECT,
        related_name="dossier_reports",
    )
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    source = models.CharField(
        _("nguồn số liệu"), max_length=12, choices=DataSource.choices, default=DataSource.ENTERED
    )
    source_note = models.CharField(_("ghi chú nguồn"), max_length=300, blank=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    #: The first submission: lateness and completeness count from it.
    submitted_at = models.DateTimeField(_("gửi lần đầu lúc"), null=True, blank=True)
    #: The latest submission (equal to ``submitted_at`` until the report is sent again).
    last_submitted_at = models.DateTimeField(pgettext_lazy("báo cáo", "gửi lần cuối lúc"),
                                             null=True, blank=True)
    approved_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người phê duyệt"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    #: A pending request of the unit to reopen its approved report (cleared when the approver
    #: reopens it or declines).
    reopen_requested_at = models.DateTimeField(_("đề nghị mở lại lúc"), null=True, blank=True)
    reopen_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đề nghị mở lại"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reopen_reason = models.TextField(_("lý do đề nghị mở lại"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người cập nhật"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    review_comment = models.TextField(_("ý kiến khi trả lại"), blank=True)
    approved_figures = models.JSONField(
        _("số liệu lúc phê duyệt"),
        null=True,
        blank=True,
        help_text=_("Ảnh chụp số liệu khi được duyệt, để thấy những gì đã sửa sau đó."),
    )

    class Meta:
        verbose_name = _("báo cáo hồ sơ TTHC")
        verbose_name_plural = _("báo cáo hồ sơ TTHC")
        ordering = ["-period__end", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "period"], name="report_unique_unit_period"),
        ]
        indexes = [models.Index(fields=["period", "status"], name="report_period_status_idx")]
        permissions = [
            ("submit_dossierreport", _("Nhập và gửi báo cáo hồ sơ")),
            ("review_dossierreport", _("Phê duyệt hoặc trả lại báo cáo hồ sơ")),
            ("change_locked_dossierreport", _("Sửa báo cáo của kỳ đã khoá (ghi lý do)")),
        ]

    def __str__(self) -> str:
        return f"{self.unit} – {self.period}"

    @property
    def was_resubmitted(self) -> bool:
        """Sent again after its first submission (the page shows both moments)."""
        return bool(self.submitted_at and self.last_submitted_at
                    and self.last_submitted_at > self.submitted_at)

    @property
    def reopen_pending(self) -> bool:
        return self.status == ReportStatus.APPROVED and self.reopen_requested_at is not None

    @property
    def is_late(self) -> bool:
        """Submitted after the period's deadline (a fact independent of the period's lock)."""
        if self.submitted_at is None:
            return False
        return self.submitted_at >= deadline_passes_at(self.period.deadline)


def deadline_passes_at(deadline: datetime.date) -> datetime.datetime:
    """The first moment after ``deadline`` day, local time: a report sent before it is on time.
    (The one definition of "on time", for one report and in queries alike.)"""
    day_after = datetime.datetime.combine(deadline + datetime.timedelta(days=1), datetime.time())
    return timezone.make_aware(day_after)


def _count_field(column_field: str) -> models.PositiveIntegerField:
    column = COLUMN_BY_FIELD[column_field]
    return models.PositiveIntegerField(
        f"{column.number} {column.group} – {column.label}", default=0
    )


def _identity_constraint(identity) -> models.CheckConstraint:
    parts = F(identity.parts[0])
    for part in identity.parts[1:]:
        parts = parts + F(part)
    return models.CheckConstraint(
        condition=Q(**{identity.total: parts}),
        name=f"dossierline_identity_{identity.name}",
        violation_error_message=_("Số liệu không khớp: %(rule)s.") % {"rule": identity.describe()},
    )


class DossierLine(models.Model):
    """One row of form II.06a: a field's counts for the report's unit and period.

    Counts are whole numbers ≥ 0 (the database's CHECK on unsigned columns) and the totals (3),
    (7), (11) are the sums of their parts (``clean()``, and CHECK constraints in the database).
    The balance (3) = (7) + (11) holds for every line of a submitted or approved report: the
    services check it on sending, and a deferred constraint trigger in PostgreSQL refuses any
    counted report holding a line that breaks it (a draft's line may, while half filled).
    """

    report = models.ForeignKey(
        DossierReport, verbose_name=_("báo cáo"), on_delete=models.CASCADE, related_name="lines"
    )
    field = models.ForeignKey(
        ProcedureField, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="+"
    )
    received_total = _count_field("received_total")
    received_online = _count_field("received_online")
    received_in_person = _count_field("received_in_person")
    received_postal = _count_field("received_postal")
    received_carried_over = _count_field("received_carried_over")
    resolved_total = _count_field("resolved_total")
    resolved_early = _count_field("resolved_early")
    resolved_on_time = _count_field("resolved_on_time")
    resolved_late = _count_field("resolved_late")
    pending_total = _count_field("pending_total")
    pending_in_time = _count_field("pending_in_time")
    pending_overdue = _count_field("pending_overdue")

    class Meta:
        verbose_name = _("dòng số liệu theo lĩnh vực")
        verbose_name_plural = _("dòng số liệu theo lĩnh vực")
        ordering = ["report", "field__position"]
        constraints = [
            models.UniqueConstraint(fields=["report", "field"], name="line_unique_report_field"),
            # (3) = (7) + (11) binds only the lines of a counted report (a draft may be half
            # filled); a CHECK cannot read the report's status, so a deferred constraint
            # trigger enforces it (migration 0006, PostgreSQL).
            *(_identity_constraint(identity) for identity in IDENTITIES
              if identity.name != "balance"),
        ]

    def __str__(self) -> str:
        return f"{self.report} – {self.field}"

    def figures(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in FIELD_NAMES}

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        counted = self.report_id is not None and self.report.status in (
            ReportStatus.SUBMITTED, ReportStatus.APPROVED)
        for error in figure_errors(self.figures(), balance=counted):
            errors.setdefault(error.field, []).append(error.message)
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude=None) -> None:
        # clean() already reports broken identities with the numbers; the CHECK constraints'
        # shorter messages would only repeat them.
        exclude = set(exclude or ())
        exclude.update(FIELD_NAMES)
        super().validate_constraints(exclude=exclude)


class ReportAction(models.TextChoices):
    SAVED = "saved", _("Lưu số liệu")
    SUBMITTED = "submitted", _("Gửi báo cáo")
    RETURNED = "returned", _("Trả lại")
    APPROVED = "approved", _("Phê duyệt")
    IMPORTED = "imported", _("Nhập từ tệp Excel")
    REOPEN_REQUESTED = "reopen_req", _("Đề nghị mở lại")
    REOPENED = "reopened", _("Mở lại báo cáo đã duyệt")
    REOPEN_DECLINED = "reopen_no", _("Từ chối mở lại")


#: Actions by which someone enters, changes or vouches for a report's figures: who did one of
#: them since the last approval may not approve it (``access.approval_refusal``).
AUTHORING_ACTIONS = (ReportAction.SAVED, ReportAction.IMPORTED, ReportAction.SUBMITTED)


class ReportEvent(models.Model):
    """One user action on a report, with every cell it changed: the audit trail.

    ``changes`` is a list of ``{"field": code, "field_name": name, "column": field name,
    "old": count or null, "new": count}``.
    """

    report = models.ForeignKey(
        DossierReport, verbose_name=_("báo cáo"), on_delete=models.CASCADE, related_name="events"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    action = models.CharField(_("thao tác"), max_length=12, choices=ReportAction.choices)
    status_before = models.CharField(
        _("trạng thái trước"), max_length=12, choices=ReportStatus.choices, blank=True
    )
    status_after = models.CharField(
        _("trạng thái sau"), max_length=12, choices=ReportStatus.choices
    )
    version = models.PositiveIntegerField(_("phiên bản"))
    changes = models.JSONField(_("thay đổi"), default=list, blank=True)
    comment = models.TextField(_("ghi chú / lý do"), blank=True)

    class Meta:
        verbose_name = _("lịch sử báo cáo")
        verbose_name_plural = _("lịch sử báo cáo")
        ordering = ["report", "-at", "-pk"]
        indexes = [models.Index(fields=["report", "at"], name="event_report_at_idx")]

    def __str__(self) -> str:
        return f"{self.report} – {self.get_action_display()} ({self.at:%d/%m/%Y %H:%M})"


class RollupScope(models.TextChoices):
    OWN = "own", _("Của riêng đơn vị")
    SUBTREE = "subtree", _("Gồm các đơn vị trực thuộc")


class DossierRollup(models.Model):
    """Precomputed totals of counted reports (submitted or approved) for a unit and a filed
    period: ``own`` sums the unit's own report, ``subtree`` the unit's and every unit's below it
    in the same list. Kept current by ``cchc.dossiers.rollups`` whenever a report's figures or
    status change; ``verify_rollups`` checks them against the lines, ``rebuild_rollups``
    recomputes them."""

    unit = models.ForeignKey(
        "units.AdministrativeUnit", verbose_name=_("đơn vị"), on_delete=models.CASCADE,
        related_name="+",
    )
    period = models.ForeignKey(
        "periods.ReportingPeriod", verbose_name=_("kỳ báo cáo"), on_delete=models.CASCADE,
        related_name="+",
    )
    scope = models.CharField(_("phạm vi"), max_length=8, choices=RollupScope.choices)
    reports = models.PositiveIntegerField(_("số báo cáo được tính"))
    received_total = models.BigIntegerField(default=0)
    received_online = models.BigIntegerField(default=0)
    received_in_person = models.BigIntegerField(default=0)
    received_postal = models.BigIntegerField(default=0)
    received_carried_over = models.BigIntegerField(default=0)
    resolved_total = models.BigIntegerField(default=0)
    resolved_early = models.BigIntegerField(default=0)
    resolved_on_time = models.BigIntegerField(default=0)
    resolved_late = models.BigIntegerField(default=0)
    pending_total = models.BigIntegerField(default=0)
    pending_in_time = models.BigIntegerField(default=0)
    pending_overdue = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("số liệu tổng hợp sẵn")
        verbose_name_plural = _("số liệu tổng hợp sẵn")
        constraints = [
            models.UniqueConstraint(fields=["unit", "period", "scope"],
                                    name="rollup_unique_unit_period_scope"),
        ]
        indexes = [models.Index(fields=["period", "scope", "unit"], name="rollup_period_idx")]

    def __str__(self) -> str:
        return f"{self.unit_id} – {self.period_id} – {self.scope}"

    def figures(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in FIELD_NAMES}
