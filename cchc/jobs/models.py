"""A job: long work run by a worker process (or, when small, in the request), and the one
record every page reads its progress and result from, on any worker host."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class JobFileStorage(FileSystemStorage):
    """Where jobs' input and output files are kept: ``MEDIA_ROOT/var/jobs``, never served (no
    URL: a page streams what a user may download). The folder is read from the settings at each
    use, so a test's own MEDIA_ROOT applies."""

    @property
    def base_location(self):
        return str(Path(settings.MEDIA_ROOT) / "var" / "jobs")

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


job_files = JobFileStorage()


def _job_storage():
    return job_files


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("đang chờ")
    RUNNING = "running", _("đang chạy")
    DONE = "done", _("đã xong")
    FAILED = "failed", _("không thành công")


#: Statuses of a job that still counts: one waiting or running, or one that succeeded.
LIVE_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.DONE)


class Job(models.Model):
    kind = models.CharField(_("loại"), max_length=60)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             related_name="jobs", verbose_name=_("người tạo"))
    unit = models.ForeignKey("units.AdministrativeUnit", on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+", verbose_name=_("đơn vị"))
    period = models.ForeignKey("periods.ReportingPeriod", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+", verbose_name=_("kỳ"))
    #: The job this one follows up (an import follows its check and preview).
    source = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="followers", verbose_name=_("tiếp theo công việc"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=JobStatus.choices,
                              default=JobStatus.QUEUED, db_index=True)
    progress_done = models.PositiveIntegerField(_("đã làm"), default=0)
    progress_total = models.PositiveIntegerField(_("tổng cộng"), default=0)
    message = models.CharField(_("đang làm"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    #: Written by the process running the job every few seconds: a running job whose heartbeat
    #: is older than ``CCHC_JOB_STALE_SECONDS`` lost its process and is marked failed.
    heartbeat_at = models.DateTimeField(_("còn chạy lúc"), null=True, blank=True)
    worker = models.CharField(_("tiến trình"), max_length=200, blank=True)
    task_id = models.CharField(_("mã trong hàng đợi"), max_length=64, blank=True)
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    result = models.JSONField(_("kết quả"), null=True, blank=True)
    #: What went wrong, for the user: [{"sheet": …, "cell": …, "message": …}], Vietnamese.
    errors = models.JSONField(_("lỗi"), default=list, blank=True)
    input_name = models.CharField(_("tên tệp tải lên"), max_length=255, blank=True)
    input_file = models.FileField(_("tệp đầu vào"), storage=_job_storage,
                                  upload_to="input/%Y/%m/", max_length=255, blank=True)
    output_file = models.FileField(_("tệp kết quả"), storage=_job_storage,
                                   upload_to="output/%Y/%m/", max_length=255, blank=True)

    class Meta:
        verbose_name = _("công việc")
        verbose_name_plural = _("công việc")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"], name="job_user_recent")]
        constraints = [
            # A job is followed up at most once at a time: two clicks on "confirm" (or two
            # tabs) cannot start two imports of the same preview. A failed follower does not
            # count, so the import can be run again.
            models.UniqueConstraint(
                fields=["source"], condition=Q(status__in=["queued", "running", "done"]),
                name="job_one_live_follower"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(100, int(100 * self.progress_done / self.progress_total))
