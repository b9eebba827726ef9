"""Survey points (điều tra xã hội học) imported from an Excel sheet, all or nothing.

The first sheet has the header ``Mã đơn vị | Mã tiêu chí | Điểm`` and one row per unit and
survey sub-criterion of the scheme. Every row is checked — the unit is one of the scheme's
assessed units in the chosen set, the criterion is a survey sub-criterion of the scheme, the
points are a number within [0, its maximum], no (unit, criterion) twice, nothing published —
and one problem stops the whole import, listed by cell.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from cchc.formatting import format_points
from cchc.scores.models import AssessmentStatus, CriterionPart, ParScheme, ParScore
from cchc.scores.services import ScoresRefused, may_publish
from cchc.sheets import SheetUnreadable, first_sheet

HEADER = ("Mã đơn vị", "Mã tiêu chí", "Điểm")


def _number(value) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        return None
    return number if number.is_finite() and number.as_tuple().exponent >= -2 else None


@transaction.atomic
def survey_import(*, user, scheme: ParScheme, source, parent=None) -> int:
    """Store the survey points of ``source`` as appraised scores; returns the rows stored."""
    if not may_publish(user, scheme):
        raise ScoresRefused([_("Chỉ hội đồng thẩm định (văn phòng tỉnh ban hành bộ chỉ số) "
                               "được nhập điểm điều tra xã hội học.")])
    try:
        title, rows = first_sheet(source, HEADER)
    except SheetUnreadable as unreadable:
        raise ScoresRefused([str(unreadable)]) from unreadable
    assessments = scheme.assessments.select_related("unit")
    if parent is not None:
        assessments = assessments.filter(unit__parent=parent)
    by_code = {a.unit.code: a for a in assessments}
    parents = set(scheme.criteria.exclude(parent=None).values_list("parent_id", flat=True))
    survey = {c.code: c for c in scheme.criteria.filter(part=CriterionPart.SURVEY)
              if c.pk not in parents}
    errors, found, seen = [], [], set()
    for number, (unit_code, criterion_code, points) in enumerate(rows, start=2):
        if all(v in (None, "") for v in (unit_code, criterion_code, points)):
            continue
        unit_code, criterion_code = str(unit_code or "").strip(), str(criterion_code or
                                                                       "").strip()
        where = _("Trang «%(sheet)s», dòng %(n)s") % {"sheet": title, "n": number}
        assessment, criterion = by_code.get(unit_code), survey.get(criterion_code)
        value = _number(points)
        if assessment is None:
            errors.append(_("%(where)s, ô A%(n)s: đơn vị «%(code)s» không có trong nhóm đánh "
                            "giá này.") % {"where": where, "n": number, "code": unit_code})
        elif assessment.status == AssessmentStatus.PUBLISHED:
            errors.append(_("%(where)s: kết quả của %(unit)s đã công bố, không nhập thêm "
                            "được.") % {"where": where, "unit": assessment.unit.name})
        if criterion is None:
            errors.append(_("%(where)s, ô B%(n)s: «%(code)s» không phải tiêu chí thành phần "
                            "điều tra xã hội học của bộ chỉ số.") % {
                "where": where, "n": number, "code": criterion_code})
        if value is None:
            errors.append(_("%(where)s, ô C%(n)s: «%(value)s» không phải số điểm (tối đa hai "
                            "chữ số thập phân).") % {"where": where, "n": number,
                                                       "value": points})
        elif criterion is not None and not 0 <= value <= criterion.max_points:
            errors.append(_("%(where)s, ô C%(n)s: điểm phải trong khoảng 0 đến %(max)s (đang là "
                            "%(value)s).") % {"where": where, "n": number,
                                              "max": format_points(criterion.max_points),
                                              "value": format_points(value)})
        if (unit_code, criterion_code) in seen:
            errors.append(_("%(where)s: đơn vị %(unit)s, tiêu chí %(code)s đã có ở dòng trên.")
                          % {"where": where, "unit": unit_code, "code": criterion_code})
        seen.add((unit_code, criterion_code))
        found.append((assessment, criterion, value))
    if not found and not errors:
        errors.append(_("Trang «%(sheet)s» không có dòng điểm nào.") % {"sheet": title})
    if errors:
        raise ScoresRefused(errors)
    for assessment, criterion, value in found:
        ParScore.objects.update_or_create(assessment=assessment, criterion=criterion,
                                          defaults={"appraised_score": value})
    return len(found)
