"""The Excel import of survey points as a job (cchc.sheets.list_upload_kind)."""

from django.utils.translation import gettext_lazy

from cchc.scores.models import ParScheme
from cchc.scores.services import ScoresRefused
from cchc.scores.survey import survey_import
from cchc.sheets import list_upload_kind

SURVEY = "scores.survey"


@list_upload_kind(SURVEY, gettext_lazy("Nhập điểm điều tra xã hội học từ Excel"),
                  refused=ScoresRefused,
                  done=gettext_lazy("Đã nhập %(count)s điểm điều tra xã hội học."))
def import_survey(job, source) -> int:
    scheme = ParScheme.objects.get(pk=job.params["scheme"])
    return survey_import(user=job.user, scheme=scheme, source=source, parent=job.unit)
