"""Keeping a report's outlier flags current, and the reviewer's check."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.accounts.access import can_review
from cchc.dossiers.columns import FIELD_NAMES
from cchc.dossiers.models import DossierLine, DossierReport
from cchc.quality.models import FlagStatus, OutlierFlag
from cchc.quality.outliers import Subject, find_outliers


class FlagRefused(Exception):
    pass


def _lines_of(reports: list[DossierReport]) -> dict[int, dict[int, dict[str, int]]]:
    lines: dict[int, dict[int, dict[str, int]]] = {r.pk: {} for r in reports}
    for row in DossierLine.objects.filter(report__in=reports).values("report_id", "field_id",
                                                                     *FIELD_NAMES):
        lines[row["report_id"]][row["field_id"]] = {name: row[name] for name in FIELD_NAMES}
    return lines


@transaction.atomic
def flags_refresh(*, reports: Iterable[DossierReport]) -> int:
    """Recompute the flags of ``reports`` from their stored figures; return how many are open.

    A flag on an unchanged figure keeps its check and note; a changed figure reopens its flag;
    figures that are no longer outliers lose theirs.
    """
    reports = list(reports)
    if not reports:
        return 0
    lines = _lines_of(reports)
    found = find_outliers(Subject(r.unit, r.period, lines[r.pk]) for r in reports)
    existing = {(f.report_id, f.field_id, f.column, f.basis): f
                for f in OutlierFlag.objects.filter(report__in=reports)}
    now = timezone.now()
    keep, create, update = set(), [], []
    for report in reports:
        for outlier in found.get((report.unit.pk, report.period.pk), []):
            key = (report.pk, outlier.field_id, outlier.column, outlier.basis)
            keep.add(key)
            flag = existing.get(key)
            median = Decimal(str(round(outlier.median, 1)))
            score = outlier.score  # ±inf for a reference that never varied: stored as is
            if flag is None:
                create.append(OutlierFlag(
                    report=report, field_id=outlier.field_id, column=outlier.column,
                    basis=outlier.basis, value=outlier.value, median=median, score=score,
                    sample_size=outlier.sample_size, flagged_at=now))
                continue
            if flag.value != outlier.value:  # a new figure: its check no longer applies
                flag.status, flag.note, flag.checked_by, flag.checked_at = \
                    FlagStatus.OPEN, "", None, None
                flag.flagged_at = now
            flag.value, flag.median, flag.score = outlier.value, median, score
            flag.sample_size = outlier.sample_size
            update.append(flag)
    OutlierFlag.objects.bulk_create(create)
    OutlierFlag.objects.bulk_update(update, ["value", "median", "score", "sample_size",
                                             "status", "note", "checked_by", "checked_at",
                                             "flagged_at"])
    gone = [flag.pk for key, flag in existing.items() if key not in keep]
    OutlierFlag.objects.filter(pk__in=gone).delete()
    return OutlierFlag.objects.filter(report__in=reports, status=FlagStatus.OPEN).count()


@transaction.atomic
def flag_check(*, user, flag: OutlierFlag, note: str) -> OutlierFlag:
    """The report's reviewer confirms a flagged figure, saying why it is right."""
    flag = OutlierFlag.objects.select_for_update(of=("self",)).select_related(
        "report__unit__parent", "report__unit__province", "report__period").get(pk=flag.pk)
    report = flag.report
    if not can_review(user, report.unit, report.period.end):
        raise FlagRefused(_("Chỉ người phê duyệt báo cáo này được xác nhận đã kiểm tra."))
    note = (note or "").strip()
    if not note:
        raise FlagRefused(_("Hãy ghi chú vì sao số liệu «%(field)s», cột %(column)s là đúng "
                            "(ví dụ: đã gọi điện xác minh với đơn vị).") % {
            "field": flag.field.name, "column": flag.column_number})
    flag.status, flag.note = FlagStatus.CHECKED, note
    flag.checked_by, flag.checked_at = user, timezone.now()
    flag.save(update_fields=["status", "note", "checked_by", "checked_at"])
    return flag


def flags_refresh_periods(*, periods: Iterable, batch_size: int = 500) -> int:
    """Recompute the flags of every report of ``periods`` (after a bulk load, or when peers
    have reported since a report was saved); return how many are open."""
    open_count = 0
    for period in periods:
        reports = list(DossierReport.objects.filter(period=period)
                       .select_related("unit", "period").order_by("pk"))
        for start in range(0, len(reports), batch_size):
            open_count += flags_refresh(reports=reports[start:start + batch_size])
    return open_count
