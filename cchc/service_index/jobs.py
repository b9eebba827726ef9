"""The Excel import of the 766 entered indicators as a job (cchc.sheets.list_upload_kind)."""

from django.utils.translation import gettext_lazy

from cchc.periods.models import ReportingPeriod
from cchc.service_index.services import ValuesRefused, values_import
from cchc.sheets import list_upload_kind
from reports.selectors import ranking_units

VALUES = "service_index.values"


@list_upload_kind(VALUES, gettext_lazy("Nhập chỉ tiêu Chỉ số phục vụ (QĐ 766) từ Excel"),
                  refused=ValuesRefused, done=gettext_lazy("Đã nhập %(count)s giá trị chỉ tiêu."))
def import_values(job, source) -> int:
    period = ReportingPeriod.objects.get(pk=job.period_id)
    return values_import(user=job.user, period=period, source=source,
                         units=list(ranking_units(job.unit, period)))
