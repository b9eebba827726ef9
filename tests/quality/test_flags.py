"""Outlier flags end to end: raised when figures are saved, shown beside the cell of the entry
form and the upload preview, checked by the reviewer with a note, listed per province."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cchc.accounts.models import Role
from cchc.dossiers import excel
from cchc.dossiers.models import DossierLine, ProcedureField, ReportStatus
from cchc.periods.services import period_ensure
from cchc.quality.models import FlagStatus, OutlierFlag
from cchc.units.models import Level
from tests import factories
from tests.dossiers.test_import import filled, template_bytes, upload
from tests.quality.test_outliers import line

pytestmark = pytest.mark.django_db

QUARTER = "2025-Q2"
HISTORY = ("2023-Q2", "2023-Q3", "2023-Q4", "2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4",
           "2025-Q1")
AN_MY = "31564"


@pytest.fixture(autouse=True)
def setup():
    call_command("loaddata", "procedure_fields", verbosity=0)
    period_ensure(code=QUARTER, deadline=timezone.localdate() + datetime.timedelta(days=30))
    an_my = factories.unit(AN_MY)
    ho_tich = ProcedureField.objects.get(name="Hộ tịch")
    for code, received in zip(HISTORY, (120, 130, 125, 118, 122, 128, 131, 119), strict=True):
        factories.report(an_my, code, lines={ho_tich: line(received)})
    return an_my, ho_tich


@pytest.fixture
def people():
    return {"staff": factories.user("xa", unit_code=AN_MY),
            "reviewer": factories.user("huyen", role=Role.REVIEWER, unit_code="943"),
            "office": factories.user("tinh", role=Role.PROVINCIAL_OFFICE, unit_code="94")}


def post_report(client, ho_tich_received: int, *, version: int, submit: bool = False):
    """The web form of Xã An Mỹ for the quarter: every field 40 dossiers, Hộ tịch as given."""
    data = {"version": version, "submit" if submit else "save": "1", **form_post(ho_tich_received)}
    return client.post(reverse("dossiers:report", args=["2008", AN_MY, QUARTER]), data)


def report_page(client):
    return client.get(reverse("dossiers:report", args=["2008", AN_MY, QUARTER]))


def open_flags():
    return list(OutlierFlag.objects.filter(report__unit__code=AN_MY,
                                           report__period__code=QUARTER,
                                           status=FlagStatus.OPEN))


def test_a_typing_error_is_saved_and_flagged_beside_its_cell(client, people, setup):
    _an_my, ho_tich = setup
    client.force_login(people["staff"])
    assert post_report(client, 1250, version=0).status_code == 302  # saved: a warning only
    assert DossierLine.objects.get(report__unit__code=AN_MY, report__period__code=QUARTER,
                                   field=ho_tich).received_online == 1250
    flags = open_flags()
    assert {(f.field_id, f.column) for f in flags} == {
        (ho_tich.pk, "received_total"), (ho_tich.pk, "received_online"),
        (ho_tich.pk, "resolved_total")}
    html = report_page(client).content.decode()
    row = html[html.index("Hộ tịch</th>"):]
    row = row[:row.index("</tr>")]
    assert row.count("⚠ Cao bất thường</a>") == 3
    # The reason is on the warning (title) and in the list of flags below the form.
    assert row.count('title="Cao bất thường so với các kỳ trước của đơn vị: trung vị 124 '
                     '(8 kỳ)') == 3
    # The other fields (no history) carry no warning, and the method is explained.
    assert html.count("outlier-flag ") == 3
    assert "Điểm z hiệu chỉnh (Iglewicz–Hoaglin)" in html and "|z| &gt; 3,5" in html


def test_a_usual_figure_raises_no_flag(client, people):
    client.force_login(people["staff"])
    post_report(client, 127, version=0)
    assert open_flags() == []
    assert "outlier-flag " not in report_page(client).content.decode()


def test_the_reviewer_marks_a_flag_checked_with_a_note(client, people):
    client.force_login(people["staff"])
    post_report(client, 1250, version=0, submit=True)
    flag = next(f for f in open_flags() if f.column == "received_total")
    check = reverse("dossiers:flag_check", args=["2008", AN_MY, QUARTER])

    # The unit's own staff cannot clear its flags.
    assert client.post(check, {"flag": flag.pk, "note": "đúng"}).status_code == 403

    client.force_login(people["reviewer"])
    inbox = client.get(reverse("dossiers:inbox")).content.decode()
    assert "⚠ 3 số liệu bất thường" in inbox  # seen before the report is even opened
    page = report_page(client).content.decode()
    assert "Số liệu bất thường cần kiểm tra" in page and "3 chưa kiểm tra" in page
    # Without a note nothing changes and the reviewer is told what to write.
    response = client.post(check, {"flag": flag.pk, "note": "  "}, follow=True)
    assert "Hãy ghi chú vì sao số liệu «Hộ tịch», cột (3) là đúng" in response.content.decode()
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN

    note = "Đã gọi xã: đợt đăng ký khai sinh lưu động, số liệu đúng."
    response = client.post(check, {"flag": flag.pk, "note": note}, follow=True)
    flag.refresh_from_db()
    assert flag.status == FlagStatus.CHECKED and flag.note == note
    assert flag.checked_by == people["reviewer"]
    html = response.content.decode()
    assert note in html and "2 chưa kiểm tra" in html
    # Approving is never blocked by open flags.
    report = flag.report
    client.post(reverse("dossiers:review", args=["2008", AN_MY, QUARTER]),
                {"decision": "approve", "version": report.version})
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED


def test_a_check_survives_a_resave_of_the_same_figure_but_not_a_new_one(client, people):
    client.force_login(people["staff"])
    post_report(client, 1250, version=0)
    flag = next(f for f in open_flags() if f.column == "received_total")
    flag.status, flag.note = FlagStatus.CHECKED, "đúng"
    flag.save()

    post_report(client, 1250, version=1, submit=True)  # same figures, now sent
    flag.refresh_from_db()
    assert flag.status == FlagStatus.CHECKED and flag.note == "đúng"

    post_report(client, 2500, version=2)  # another implausible figure: checked no longer holds
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN and flag.value == 2500 and flag.note == ""

    post_report(client, 126, version=3)  # corrected: the flags go
    assert not OutlierFlag.objects.filter(report__unit__code=AN_MY).exists()


def test_the_upload_preview_warns_with_the_cell_to_check(client, people, setup):
    _an_my, _ho_tich = setup
    client.force_login(people["staff"])
    preview = upload(client, filled(template_bytes(client, AN_MY), line(1250)))
    html = preview.content.decode()
    assert "Số liệu bất thường: vẫn nhập được" in html
    row = excel.FIRST_DATA_ROW + [f.name for f in ProcedureField.objects.for_level(
        Level.COMMUNE)].index("Hộ tịch")
    assert f"!{excel.COUNT_LETTERS['received_total']}{row}</td>" in html
    assert "Cao bất thường so với các kỳ trước của đơn vị" in html
    # A warning, not a refusal: confirming stores the figures and keeps the flags.
    factories.confirm_upload(client)
    assert len(open_flags()) == 3


def test_the_data_quality_page_lists_open_flags_and_carried_over_mismatches(
        client, people, setup):
    an_my, ho_tich = setup
    client.force_login(people["staff"])
    post_report(client, 1250, version=0, submit=True)
    # A neighbour whose (6) disagrees with its (11) of the previous quarter.
    neighbour = factories.unit("31552")
    factories.report(neighbour, "2025-Q1", lines={ho_tich: line(50) | {
        "pending_total": 7, "pending_in_time": 7, "received_total": 57,
        "received_carried_over": 7}})
    factories.report(neighbour, QUARTER, status=ReportStatus.SUBMITTED,
                     lines={ho_tich: line(50)})

    client.force_login(people["office"])
    page = client.get(reverse("quality:data_quality", args=["2008", "94", QUARTER]))
    html = page.content.decode()
    assert "Cảnh báo chưa kiểm tra: 3 · đã kiểm tra: 0 · cột (6) khác kỳ trước: 1" in html
    flags_table = html[html.index('id="open-flags"'):html.index("</table>",
                                                                 html.index('id="open-flags"'))]
    assert flags_table.count(an_my.name) == 3 and neighbour.name not in flags_table
    carried = html[html.index('id="carried-over"'):]
    assert neighbour.name in carried[:carried.index("</table>")]
    assert "<td class=\"num\">-7</td>" in carried
    # Outside the office's province: not found.
    assert client.get(reverse("quality:data_quality",
                              args=["2008", "38", QUARTER])).status_code == 404


def test_a_long_period_filed_directly_is_shown_beside_its_quarters(client, people, setup):
    an_my, ho_tich = setup
    # 2024 filed as a year too, with a different number of received dossiers.
    year = period_ensure(code="2024")
    factories.report(an_my, year.code, lines={ho_tich: line(600)})
    client.force_login(people["office"])
    html = client.get(reverse("quality:data_quality",
                              args=["2008", "94", "2024-Q4"])).content.decode()
    section = html[html.index('id="long-title"'):]
    assert f"{an_my.name} – Năm 2024" in section
    # Quarters of 2024: 118 + 122 + 128 + 131 = 499 received, against 600 filed.
    assert "<td class=\"num\">600</td><td class=\"num\">499</td>" in section


def test_the_data_quality_page_costs_the_same_queries_whatever_the_flags(
        client, people, django_assert_max_num_queries):
    client.force_login(people["staff"])
    post_report(client, 1250, version=0, submit=True)
    client.force_login(people["office"])
    url = reverse("quality:data_quality", args=["2008", "94", QUARTER])
    with django_assert_max_num_queries(20):  # 16, and the menu's links
        assert client.get(url).status_code == 200


def test_refresh_flags_raises_flags_on_bulk_loaded_reports_and_keeps_checks(setup):
    an_my, ho_tich = setup
    from django.core.management import CommandError

    from cchc.dossiers.services import ReportData, dossier_reports_replace

    period = period_ensure(code=QUARTER)
    dossier_reports_replace(reports=[ReportData(an_my, period, {ho_tich: line(1250)},
                                                ReportStatus.SUBMITTED, "imported")])
    assert not OutlierFlag.objects.exists()  # a bulk load does not compute them
    call_command("refresh_flags", period=[QUARTER], stdout=io.StringIO())
    flags = list(OutlierFlag.objects.filter(report__unit=an_my))
    assert {f.column for f in flags} == {"received_total", "received_online", "resolved_total"}
    OutlierFlag.objects.filter(column="received_total").update(status=FlagStatus.CHECKED,
                                                               note="đã xác minh")
    out = io.StringIO()
    call_command("refresh_flags", period=[QUARTER], stdout=out)
    assert "2 cảnh báo chưa kiểm tra" in out.getvalue()
    assert OutlierFlag.objects.get(column="received_total").note == "đã xác minh"
    with pytest.raises(CommandError, match="Không có kỳ báo cáo 2031-Q1"):
        call_command("refresh_flags", period=["2031-Q1"])


def test_the_form_asks_while_typing_and_nothing_is_stored(client, people, setup):
    _an_my, ho_tich = setup
    check = reverse("dossiers:outlier_check", args=["2008", AN_MY, QUARTER])
    client.force_login(people["staff"])
    answer = client.post(check, form_post(1250)).json()
    assert {(f["field"], f["column"]) for f in answer["flags"]} == {
        (ho_tich.pk, "received_total"), (ho_tich.pk, "received_online"),
        (ho_tich.pk, "resolved_total")}
    assert answer["flags"][0]["label"] == "Cao bất thường"
    assert "trung vị 124 (8 kỳ)" in answer["flags"][0]["explanation"]
    assert not answer["flags"][0]["checked"]
    assert client.post(check, form_post(127)).json() == {"flags": []}
    assert not OutlierFlag.objects.exists()
    assert not DossierLine.objects.filter(report__period__code=QUARTER).exists()
    assert client.get(check).status_code == 405
    # Only those who may enter the unit's figures ask; others are refused or not told.
    client.force_login(people["reviewer"])
    assert client.post(check, form_post(1250)).status_code == 403
    client.force_login(factories.user("other", unit_code="31552"))
    assert client.post(check, form_post(1250)).status_code == 404


def form_post(ho_tich_received: int) -> dict:
    data = {}
    for field in ProcedureField.objects.for_level(Level.COMMUNE):
        values = line(ho_tich_received if field.name == "Hộ tịch" else 40)
        for name in excel.COUNT_LETTERS:
            if name not in ("received_total", "resolved_total", "pending_total"):
                data[f"f{field.pk}-{name}"] = values[name]
    return data


def test_a_jump_after_a_constant_history_is_stored_with_an_infinite_score(client, people):
    an_my, ho_tich = factories.unit(AN_MY), ProcedureField.objects.get(name="Hộ tịch")
    DossierLine.objects.filter(report__unit=an_my).update(**line(50))  # 8 quarters of 50
    client.force_login(people["staff"])
    post_report(client, 200, version=0)
    flag = OutlierFlag.objects.get(report__unit=an_my, field=ho_tich, column="received_total")
    assert flag.score == float("inf")
    assert flag.explanation.endswith("trung vị 50 (8 kỳ), |z| = ∞")
