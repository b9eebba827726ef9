"""Starting, running and following jobs: the one API, whatever the queue behind it.

A kind of job is a function registered with :func:`kind`; it receives the :class:`Job`, reports
how far it is with :func:`progress`, returns a JSON-able result summary, or raises
:class:`JobFailed` with the errors to show. :func:`job_start` creates the record and queues the
run (``cchc.jobs.tasks.job_task`` through Django's Tasks API: the ``db_worker`` processes of
django-tasks-db by default), or runs it in the request when the caller knows it is small — the
same :func:`job_run` either way.

Progress written inside a job's own transaction (an import is one) would stay invisible to every
other connection until it commits: :func:`progress` writes through the ``jobs`` database alias,
a second connection to the same database, in autocommit.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.jobs.models import LIVE_STATUSES, Job, JobStatus

logger = logging.getLogger("cchc.jobs")


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    run: Callable[[Job], dict | None]
    #: The part of the job's page showing its result, and the context it needs (job, request).
    template: str = ""
    context: Callable | None = None


KINDS: dict[str, Kind] = {}


def kind(name: str, label, *, template: str = "", context: Callable | None = None):
    """Register the decorated function as the job kind ``name`` (``label``: what the user's job
    list calls it, e.g. "Kiểm tra tệp Excel biểu II.06a"; ``template`` and ``context(job,
    request)``: how the job's page shows its result, below the progress bar)."""

    def register(function):
        KINDS[name] = Kind(name, label, function, template, context)
        return function

    return register


def kind_label(name: str) -> str:
    found = KINDS.get(name)
    return str(found.label) if found else name


class JobFailed(Exception):
    """The job cannot be done, for a reason the user can act on: ``errors`` lists each problem
    (``sheet``, ``cell``, ``message``), ``message`` sums it up. Nothing the job wrote is kept
    (each kind writes in one transaction)."""

    def __init__(self, message: str = "", errors: list[dict] | None = None):
        self.message = message
        self.errors = [{"sheet": e.get("sheet", ""), "cell": e.get("cell", ""),
                        "message": str(e["message"])} for e in (errors or [])]
        super().__init__(message or "\n".join(e["message"] for e in self.errors))


UNEXPECTED = gettext_lazy(
    "Có lỗi hệ thống khi xử lý công việc này; không có gì được lưu. Hãy thử lại; nếu vẫn lỗi, "
    "báo quản trị viên kèm mã công việc %(id)s.")
WAITING = gettext_lazy("Đang chờ đến lượt xử lý…")
STALE = gettext_lazy(
    "Công việc đã dừng giữa chừng vì tiến trình xử lý bị tắt hoặc khởi động lại. Không có gì "
    "được lưu; hãy chạy lại.")


def _setting(name: str, default):
    return getattr(settings, name, default)


def progress_database() -> str:
    """The alias progress is written through: ``jobs`` (a second connection) where there is
    one, else the default connection (SQLite: one writer at a time, so a second connection
    would wait for the import to end; its progress then shows when the import commits)."""
    alias = _setting("CCHC_JOBS_PROGRESS_DATABASE", "jobs")
    return alias if alias in settings.DATABASES else "default"


# --- starting -------------------------------------------------------------------------------


def job_start(kind_name: str, *, user, unit=None, period=None, file=None, params=None,
              source: Job | None = None, inline: bool = False) -> Job:
    """Create the job and run it: queued for a worker once the caller's transaction commits,
    or at once in this process when ``inline`` (small work that answers within a second).

    ``file`` (an uploaded file) is kept in the jobs' private storage until the job ends.
    Raises ``IntegrityError`` when ``source`` already has a live follower (see
    :func:`follow_up`, which handles it)."""
    if kind_name not in KINDS:
        raise ValueError(f"unknown job kind {kind_name!r}")
    job = Job(kind=kind_name, user=user if getattr(user, "pk", None) else None, unit=unit,
              period=period, source=source, message=str(WAITING),
              params={"language": translation.get_language() or settings.LANGUAGE_CODE,
                      **(params or {})})
    if file is not None:
        job.input_name = os.path.basename(getattr(file, "name", "") or "")[:255]
        job.input_file.save(job.input_name or "upload.bin", file, save=False)
    with transaction.atomic():
        job.save()
        if not inline:
            transaction.on_commit(lambda: _enqueue(job.pk))
    if inline:
        job_run(job.pk, worker=f"web:{socket.gethostname()}:{os.getpid()}")
        job.refresh_from_db()
    return job


def follow_up(source: Job, kind_name: str, *, user, params=None,
              inline: bool = False) -> tuple[Job, bool]:
    """The job following ``source`` (an import after its preview) and whether it is new: the
    one already queued, running or done, or a new one. Never two at once, whatever the clicks:
    the source row is locked while deciding, and the database allows one live follower."""
    with transaction.atomic():
        locked = Job.objects.select_for_update().get(pk=source.pk)
        existing = locked.followers.filter(status__in=LIVE_STATUSES).first()
        if existing is not None:
            return existing, False
        try:
            with transaction.atomic():
                job = Job.objects.create(
                    kind=kind_name, user=user, unit=source.unit, period=source.period,
                    source=locked, message=str(WAITING),
                    params={"language": translation.get_language() or settings.LANGUAGE_CODE,
                            **(params or {})})
        except IntegrityError:  # another process got there first
            return locked.followers.filter(status__in=LIVE_STATUSES).get(), False
        if not inline:
            transaction.on_commit(lambda: _enqueue(job.pk))
    if inline:
        job_run(job.pk, worker=f"web:{socket.gethostname()}:{os.getpid()}")
        job.refresh_from_db()
    return job, True


def _enqueue(job_id: int) -> None:
    from cchc.jobs.tasks import job_task

    result = job_task.enqueue(job_id)
    Job.objects.filter(pk=job_id).update(task_id=str(result.id)[:64])


# --- running --------------------------------------------------------------------------------


def _claim(job_id: int, worker: str) -> Job | None:
    """queued → running, once: a job already claimed (by another worker, or run twice from the
    queue) is not run again."""
    with transaction.atomic():
        job = Job.objects.select_for_update(of=("self",)).select_related("user").filter(
            pk=job_id).first()
        if job is None or job.status != JobStatus.QUEUED:
            return None
        now = timezone.now()
        job.status, job.started_at, job.heartbeat_at, job.worker = (
            JobStatus.RUNNING, now, now, worker[:200])
        job.save(update_fields=["status", "started_at", "heartbeat_at", "worker"])
    return job


class _Heartbeat(threading.Thread):
    """Writes the job's heartbeat every ``CCHC_JOB_HEARTBEAT_SECONDS`` while it runs, on its
    own connection: a killed worker stops beating, and its job is then marked failed."""

    def __init__(self, job_id: int):
        super().__init__(daemon=True, name=f"job-{job_id}-heartbeat")
        self.job_id = job_id
        self.stopped = threading.Event()
        self.every = float(_setting("CCHC_JOB_HEARTBEAT_SECONDS", 10))

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.every):
                try:
                    Job.objects.using(progress_database()).filter(
                        pk=self.job_id, status=JobStatus.RUNNING).update(
                        heartbeat_at=timezone.now())
                except DatabaseError:  # e.g. SQLite busy: the next beat will do
                    logger.debug("heartbeat of job %s not written", self.job_id)
        finally:
            connections.close_all()


def job_run(job_id: int, *, worker: str = "") -> None:
    """Run a queued job once: claim it, run its kind, record the result or the errors (never
    a traceback: that goes to the log), and delete its input file."""
    jobs_reap()
    worker = worker or f"worker:{socket.gethostname()}:{os.getpid()}"
    job = _claim(job_id, worker)
    if job is None:
        return
    beat = None
    if worker.startswith("worker:"):
        beat = _Heartbeat(job.pk)
        beat.start()
    status, result, errors, message = JobStatus.FAILED, None, [], ""
    try:
        with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
            try:
                result = KINDS[job.kind].run(job)
                status = JobStatus.DONE
            except JobFailed as failed:
                errors, message = failed.errors, failed.message
            except Exception:
                logger.exception("job %s (%s) failed", job.pk, job.kind)
                message = str(UNEXPECTED) % {"id": job.pk}
    finally:
        if beat is not None:
            beat.stopped.set()
        _finish(job, status, result=result, errors=errors, message=message)


def _finish(job: Job, status: str, *, result=None, errors=(), message="") -> None:
    job.status, job.result, job.errors, job.finished_at = (
        status, result, list(errors), timezone.now())
    if status == JobStatus.DONE:
        job.progress_done = job.progress_total = max(job.progress_total, 1)
        job.message = message or _("Đã xong.")
    else:
        job.message = message or _("Không thành công: xem các lỗi bên dưới.")
    job.message = job.message[:500]
    _delete_input(job)
    job.save(update_fields=["status", "result", "errors", "finished_at", "message",
                            "progress_done", "progress_total", "input_file"])


def _delete_input(job: Job) -> None:
    if job.input_file:
        try:
            job.input_file.delete(save=False)
        except OSError:
            logger.warning("input file of job %s not deleted", job.pk)
        job.input_file = ""


def progress(job: Job, done: int, total: int, message: str = "", *, force: bool = False) -> None:
    """Say how far ``job`` is: ``done`` of ``total`` steps, and what it is doing. Written at
    most a few times a second (and always for the last step), through a connection of its own
    so that pages see it while the job's transaction is still open."""
    now = time.monotonic()
    last = getattr(job, "_progress_written", 0.0)
    job.progress_done, job.progress_total = done, total
    if message:
        job.message = message[:500]
    if not force and done < total and now - last < 0.25:
        return
    job._progress_written = now
    try:
        Job.objects.using(progress_database()).filter(pk=job.pk).update(
            progress_done=done, progress_total=total, message=job.message,
            heartbeat_at=timezone.now())
    except DatabaseError:  # progress is a courtesy: never fail the work for it
        logger.warning("progress of job %s not written", job.pk, exc_info=True)


def stale_before():
    return timezone.now() - timedelta(seconds=float(_setting("CCHC_JOB_STALE_SECONDS", 60)))


def jobs_reap(job: Job | None = None) -> int:
    """Mark failed every running job (or only ``job``) whose process stopped beating: a killed
    or restarted worker. Its transaction was rolled back by the database with the connection,
    so nothing it did is kept; the user runs it again. Called by every worker before a job and
    by the job's page and progress view."""
    running = Job.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=stale_before())
    if job is not None:
        if job.status != JobStatus.RUNNING:
            return 0
        running = running.filter(pk=job.pk)
    count = 0
    for stale in running:
        with transaction.atomic():
            locked = Job.objects.select_for_update().filter(
                pk=stale.pk, status=JobStatus.RUNNING, heartbeat_at__lt=stale_before()).first()
            if locked is None:
                continue
            logger.warning("job %s: no heartbeat since %s (worker %s), marked failed",
                           locked.pk, locked.heartbeat_at, locked.worker)
            _finish(locked, JobStatus.FAILED, message=str(STALE))
            count += 1
    if job is not None and count:
        job.refresh_from_db()
    return count
