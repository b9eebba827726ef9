"""The log of reminders: one row per e-mail sent or attempted (docs/reminders.md).

A row is written BEFORE its e-mail is sent, and the database accepts one row per recipient,
kind, period, unit and day (two partial unique indexes: one for a unit's deadline reminders, one
for reviewers' daily digests, which name no unit). A second run on the same day, even one
running at the same time, therefore finds the row already there and sends nothing; only a row
whose send failed is taken up again, by exactly one run.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReminderKind(models.TextChoices):
    BEFORE_DEADLINE = "before", _("Sắp đến hạn nộp báo cáo")
    AFTER_DEADLINE = "after", _("Quá hạn nộp báo cáo")
    AWAITING_REVIEW = "review", _("Báo cáo chờ phê duyệt")


DEADLINE_KINDS = (ReminderKind.BEFORE_DEADLINE, ReminderKind.AFTER_DEADLINE)


class Outcome(models.TextChoices):
    PENDING = "pending", _("Đang gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi không thành công")


class Reminder(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người nhận"), on_delete=models.PROTECT,
        related_name="reminders",
    )
    address = models.EmailField(_("địa chỉ e-mail"))
    kind = models.CharField(_("loại nhắc"), max_length=8, choices=ReminderKind.choices)
    period = models.ForeignKey(
        "periods.ReportingPeriod", verbose_name=_("kỳ báo cáo"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    unit = models.ForeignKey(
        "units.AdministrativeUnit", verbose_name=_("đơn vị"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
        help_text=_("Trống với thư tổng hợp báo cáo chờ phê duyệt."),
    )
    day = models.DateField(_("nhắc cho ngày"))
    subject = models.CharField(_("tiêu đề"), max_length=300)
    body = models.TextField(_("nội dung"))
    outcome = models.CharField(_("kết quả"), max_length=8, choices=Outcome.choices,
                               default=Outcome.PENDING)
    error = models.TextField(_("lỗi khi gửi"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=1)
    attempted_at = models.DateTimeField(_("gửi lần cuối lúc"), default=timezone.now)
    sent_at = models.DateTimeField(_("gửi được lúc"), null=True, blank=True)
    run = models.UUIDField(_("lượt chạy"), default=uuid.uuid4, editable=False,
                           help_text=_("Lượt chạy send_reminders đã gửi (hoặc đang gửi) thư."))

    class Meta:
        verbose_name = _("thư nhắc hạn")
        verbose_name_plural = _("thư nhắc hạn")
        ordering = ["-day", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "period", "unit", "day"],
                condition=Q(unit__isnull=False), name="reminder_once_per_unit_and_day"),
            models.UniqueConstraint(
                fields=["recipient", "kind", "day"],
                condition=Q(unit__isnull=True), name="reminder_digest_once_per_day"),
            models.CheckConstraint(
                condition=Q(kind__in=DEADLINE_KINDS, unit__isnull=False, period__isnull=False)
                | Q(kind=ReminderKind.AWAITING_REVIEW, unit__isnull=True, period__isnull=True),
                name="reminder_kind_names_its_subject"),
        ]
        indexes = [
            models.Index(fields=["recipient", "-day"], name="reminder_recipient_day_idx"),
            models.Index(fields=["day", "outcome"], name="reminder_day_outcome_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.get_kind_display()} → {self.address}"
