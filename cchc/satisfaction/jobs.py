"""The Excel import of SIPAS results as a job (cchc.sheets.list_upload_kind)."""

from django.utils.translation import gettext_lazy

from cchc.satisfaction.services import sipas_import
from cchc.service_index.services import ValuesRefused
from cchc.sheets import list_upload_kind

SIPAS = "satisfaction.sipas"


@list_upload_kind(SIPAS, gettext_lazy("Nhập kết quả SIPAS từ Excel"), refused=ValuesRefused,
                  done=gettext_lazy("Đã nhập SIPAS của %(count)s đơn vị."))
def import_sipas(job, source) -> int:
    return sipas_import(user=job.user, year=job.params["year"], source=source,
                        units=list(job.unit.children.order_by("code")))
