"""Uploading filled templates: web (check, preview, confirm) and `import_dossiers`."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cchc.accounts.models import Role
from cchc.dossiers import excel, services
from cchc.dossiers.columns import COLUMNS
from cchc.dossiers.models import DossierReport, DossierRollup, ReportAction, ReportStatus
from cchc.dossiers.rollups import rollups_verify
from cchc.dossiers.selectors import report_lines
from cchc.periods.services import period_ensure
from tests import factories

pytestmark = pytest.mark.django_db
QUARTER = "2025-Q2"
AN_MY, NHON_MY_OLD = "31564", "31552"  # two communes of huyện Kế Sách


@pytest.fixture(autouse=True)
def setup_catalogue_and_period():
    call_command("loaddata", "procedure_fields", verbosity=0)
    return period_ensure(code=QUARTER, deadline=timezone.localdate() + datetime.timedelta(30))


def template_bytes(client, code) -> bytes:
    response = client.get(reverse("dossiers:template", args=["2008", code, QUARTER]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return response.content


def filled(content: bytes, values: dict, sheet_index=0, field_name="Hộ tịch") -> bytes:
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[sheet_index]
    row = next(r for r in range(excel.FIRST_DATA_ROW, sheet.max_row + 1)
               if sheet.cell(r, 2).value == field_name)
    for column in COLUMNS:
        sheet[f"{excel.COUNT_LETTERS[column.field]}{row}"] = values[column.field]
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(client, content: bytes, name="bao-cao.xlsx", submit=False):
    file = io.BytesIO(content)
    file.name = name
    data = {"file": file}
    if submit:
        data["submit"] = "on"
    return client.post(reverse("dossiers:upload"), data)


def test_download_fill_upload_confirm_stores_the_same_numbers(client):
    client.force_login(factories.user("xa", unit_code=AN_MY))
    figures = factories.figures(received_online=1234, received_total=1274,
                                resolved_early=1224, resolved_total=1264)
    preview = upload(client, filled(template_bytes(client, AN_MY), figures))
    assert preview.status_code == 200
    (plan,) = preview.context["plans"]
    assert plan.is_new
    assert len([c for c in plan.changes if c["field"] == "ho-tich"]) == 12
    assert not DossierReport.objects.exists()  # nothing before the confirmation

    response = factories.confirm_upload(client)
    assert response.status_code == 302
    report = DossierReport.objects.get()
    ho_tich = factories.field()
    assert report_lines(report)[ho_tich.pk] == figures
    assert report.status == ReportStatus.DRAFT
    assert report.events.get().action == ReportAction.IMPORTED


def test_a_template_reflects_stored_figures_and_the_preview_shows_only_changes(client):
    staff = factories.user("xa", unit_code=AN_MY)
    client.force_login(staff)
    services.report_save(user=staff, unit=factories.unit(AN_MY),
                         period=period_ensure(code=QUARTER),
                         lines={factories.field(): factories.figures()}, expected_version=0)
    content = template_bytes(client, AN_MY)
    changed = filled(content, factories.figures(resolved_early=49, resolved_on_time=36))
    preview = upload(client, changed, submit=True)
    (plan,) = preview.context["plans"]
    ho_tich = {(c["column"], c["old"], c["new"]) for c in plan.changes if c["field"] == "ho-tich"}
    assert ho_tich == {("resolved_early", 50, 49), ("resolved_on_time", 35, 36)}
    # Fields the stored report did not have arrive as zeros (blank cells count as 0).
    assert {c["new"] for c in plan.changes if c["field"] != "ho-tich"} == {0}
    factories.confirm_upload(client)
    report = DossierReport.objects.get()
    assert report.status == ReportStatus.SUBMITTED and report.version == 2


def test_errors_are_listed_with_sheet_and_cell_and_nothing_is_saved(client):
    client.force_login(factories.user("xa", unit_code=AN_MY))
    bad = filled(template_bytes(client, AN_MY), factories.figures(pending_in_time=9))
    page = upload(client, bad)
    errors = page.context["errors"]
    assert errors and all(error.sheet == excel.SHEET_TITLE for error in errors)
    assert any(error.cell.startswith("L") and "(11)" in error.message for error in errors)
    assert "chưa lưu gì" in page.content.decode()
    assert not DossierReport.objects.exists()


def test_a_pdf_renamed_to_xlsx_is_refused(client):
    client.force_login(factories.user("xa", unit_code=AN_MY))
    page = upload(client, b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", name="bao-cao.xlsx")
    assert page.context["errors"] and "Excel" in page.context["errors"][0].message


def test_a_unit_outside_the_uploaders_scope_is_refused(client):
    client.force_login(factories.user("xa", unit_code=AN_MY))
    other = factories.user("other", unit_code=NHON_MY_OLD)
    client.force_login(other)
    content = template_bytes(client, NHON_MY_OLD)
    client.force_login(factories.user("xa2", unit_code=AN_MY))
    page = upload(client, filled(content, factories.figures()))
    errors = page.context["errors"]
    assert any("phạm vi" in error.message for error in errors)
    assert not DossierReport.objects.exists()


def test_the_province_uploads_one_workbook_for_several_units(client):
    province = factories.user("tinh", role=Role.PROVINCIAL_OFFICE, unit_code="94")
    period = period_ensure(code=QUARTER)
    workbook = excel.template_workbook(factories.unit(AN_MY), period)
    excel.add_template_sheet(workbook, factories.unit(NHON_MY_OLD), period)
    stream = io.BytesIO()
    workbook.save(stream)
    content = filled(filled(stream.getvalue(), factories.figures()), factories.figures(), 1)
    client.force_login(province)
    preview = upload(client, content, submit=True)
    assert [plan.unit.code for plan in preview.context["plans"]] == [AN_MY, NHON_MY_OLD]
    factories.confirm_upload(client)
    assert set(DossierReport.objects.values_list("unit__code", flat=True)) == {AN_MY,
                                                                               NHON_MY_OLD}
    # The precomputed totals are refreshed once for the whole import, and agree with it.
    assert DossierRollup.objects.filter(scope="own").count() == 2 and rollups_verify() == []


def test_a_report_changed_between_preview_and_confirmation_cancels_the_import(client):
    staff = factories.user("xa", unit_code=AN_MY)
    client.force_login(staff)
    upload(client, filled(template_bytes(client, AN_MY), factories.figures()))
    services.report_save(user=factories.user("xa2", unit_code=AN_MY), unit=factories.unit(AN_MY),
                         period=period_ensure(code=QUARTER),
                         lines={factories.field(): factories.figures(resolved_early=45,
                                                                     resolved_on_time=40)},
                         expected_version=0)
    response = factories.confirm_upload(client, follow=True)
    assert "vừa được xa2 lưu" in response.content.decode()
    assert report_lines(DossierReport.objects.get())[factories.field().pk][
        "resolved_early"] == 45


def write_filled(tmp_path, code=AN_MY, **overrides):
    period = period_ensure(code=QUARTER)
    stream = io.BytesIO()
    excel.template_workbook(factories.unit(code), period).save(stream)
    path = tmp_path / "bao-cao.xlsx"
    path.write_bytes(filled(stream.getvalue(), factories.figures(**overrides)))
    return path


def test_import_command_saves_and_prints_a_summary(tmp_path):
    out = io.StringIO()
    call_command("import_dossiers", str(write_filled(tmp_path)), stdout=out)
    assert "Đã lưu 1 báo cáo" in out.getvalue()
    assert "Xã An Mỹ" in out.getvalue()
    report = DossierReport.objects.get()
    assert report.events.get().user is None  # the command-line operator is not an account


def test_import_command_dry_run_saves_nothing(tmp_path):
    out = io.StringIO()
    call_command("import_dossiers", str(write_filled(tmp_path)), "--dry-run", stdout=out)
    assert "không lưu gì" in out.getvalue()
    assert not DossierReport.objects.exists()


def test_import_command_prints_every_error_and_exits_non_zero(tmp_path):
    err = io.StringIO()
    with pytest.raises(CommandError, match="Không lưu gì"):
        call_command("import_dossiers", str(write_filled(tmp_path, pending_in_time=9)),
                     stderr=err)
    assert f"Trang «{excel.SHEET_TITLE}», ô L" in err.getvalue()
    assert not DossierReport.objects.exists()


def test_import_command_respects_the_users_scope(tmp_path):
    factories.user("xa", unit_code=NHON_MY_OLD)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_dossiers", str(write_filled(tmp_path)), "--user", "xa",
                     stderr=err)
    assert "phạm vi" in err.getvalue()
    with pytest.raises(CommandError, match="Không có tài khoản"):
        call_command("import_dossiers", str(write_filled(tmp_path)), "--user", "nobody")


def test_import_command_says_when_the_file_is_missing(tmp_path):
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        call_command("import_dossiers", str(tmp_path / "khong-co.xlsx"))


def test_preview_flags_a_carried_over_that_differs_from_last_quarter(client):
    staff = factories.user("xa", unit_code=AN_MY)
    factories.report(factories.unit(AN_MY), "2025-Q1",
                     lines={factories.field(): factories.figures()})
    client.force_login(staff)
    content = filled(template_bytes(client, AN_MY),
                     factories.figures(received_carried_over=12, received_online=58))
    preview = upload(client, content)
    (plan,) = preview.context["plans"]
    assert plan.carried_over_flags == [("Hộ tịch", 12, 10)]
    assert "khác số đang giải quyết cuối kỳ trước (10)" in preview.content.decode()


# --- what the preview announces is what the import does ----------------------------------

#: stored status (None: no report yet), submit → the outcome announced and the status after,
#: for the unit's own staff in an open period.
EXPECTED = {
    (None, False): (services.NEW_DRAFT, ReportStatus.DRAFT),
    (None, True): (services.NEW_SUBMITTED, ReportStatus.SUBMITTED),
    (ReportStatus.DRAFT, False): (services.STAYS_DRAFT, ReportStatus.DRAFT),
    (ReportStatus.DRAFT, True): (services.SUBMITTED, ReportStatus.SUBMITTED),
    (ReportStatus.RETURNED, False): (services.STAYS_RETURNED, ReportStatus.RETURNED),
    (ReportStatus.RETURNED, True): (services.SUBMITTED, ReportStatus.SUBMITTED),
    (ReportStatus.SUBMITTED, False): (services.CHANGED_WHILE_SUBMITTED, ReportStatus.SUBMITTED),
    (ReportStatus.SUBMITTED, True): (services.RESUBMITTED, ReportStatus.SUBMITTED),
    (ReportStatus.APPROVED, False): (services.REFUSED, None),
    (ReportStatus.APPROVED, True): (services.REFUSED, None),
}


def _stored(status):
    if status is None:
        return None
    return factories.report(factories.unit(AN_MY), QUARTER, status=status,
                            submitted_at=timezone.now() if status in (
                                ReportStatus.SUBMITTED, ReportStatus.APPROVED) else None)


def _preview_and_confirm(client, user, stored, submit, reason=""):
    """Upload changed figures for Xã An Mỹ, then confirm: (plan, preview text, confirm page)."""
    client.force_login(user)
    content = filled(template_bytes(client, AN_MY),
                     factories.figures(resolved_early=49, resolved_on_time=36))
    file = io.BytesIO(content)
    file.name = "bao-cao.xlsx"
    data = {"file": file, "reason": reason}
    if submit:
        data["submit"] = "on"
    preview = client.post(reverse("dossiers:upload"), data)
    (plan,) = preview.context["plans"]
    confirmed = factories.confirm_upload(client, follow=True)
    return plan, preview.content.decode(), confirmed.content.decode()


def _assert_result_matches_preview(plan, preview, confirmed, stored, user, submit, reason,
                                   expected_kind, expected_status):
    assert plan.outcome.kind == expected_kind
    assert f'data-outcome="{expected_kind}"' in preview
    assert str(plan.outcome.preview) in preview
    report = DossierReport.objects.filter(unit__code=AN_MY).first()
    if expected_kind == services.REFUSED:
        assert "Xác nhận và lưu" not in preview and 'data-testid="import-refused"' in preview
        # Nothing changed, and the import itself refuses with the same words.
        assert report is None or (report.status, report.version) == (stored.status,
                                                                      stored.version)
        with pytest.raises(services.ImportRefused) as refused:
            services.reports_import(user=user, plans=[plan], submit=submit, reason=reason)
        assert refused.value.messages == [f"Trang «{plan.sheet}»: {plan.outcome.refusal}"]
        return
    assert 'data-testid="import-refused"' not in preview and "Xác nhận và lưu" in preview
    assert report.status == expected_status
    assert report_lines(report)[factories.field().pk]["resolved_early"] == 49
    assert f"Xã An Mỹ, Quý II/2025: {plan.outcome.done}" in confirmed
    if expected_status == ReportStatus.SUBMITTED:
        assert report.last_submitted_at is not None and report.submitted_at is not None


@pytest.mark.parametrize("locked", [False, True], ids=["open", "locked"])
@pytest.mark.parametrize("submit", [False, True], ids=["draft", "submit"])
@pytest.mark.parametrize("status", [None, *ReportStatus.values])
def test_the_preview_says_per_sheet_what_the_import_does_for_unit_staff(client, status, submit,
                                                                       locked):
    stored = _stored(status)
    if locked:
        period = period_ensure(code=QUARTER)
        period.is_locked = True
        period.save()
    staff = factories.user("xa", unit_code=AN_MY)
    plan, preview, confirmed = _preview_and_confirm(client, staff, stored, submit)
    kind, after = (services.REFUSED, None) if locked else EXPECTED[(status, submit)]
    _assert_result_matches_preview(plan, preview, confirmed, stored, staff, submit, "", kind,
                                   after)
    if locked:
        assert "đã khoá" in plan.outcome.refusal
    elif kind == services.REFUSED:
        assert "đã được duyệt" in plan.outcome.refusal and "mở lại" in plan.outcome.refusal
        assert "bỏ trang của báo cáo này ra khỏi tệp" in plan.outcome.refusal


@pytest.mark.parametrize("locked", [False, True], ids=["open", "locked"])
@pytest.mark.parametrize("submit", [False, True], ids=["draft", "submit"])
@pytest.mark.parametrize("reason", ["", "Sở Nội vụ đồng ý sửa"], ids=["no-reason", "reason"])
def test_an_administrator_overrides_an_approved_report_only_with_a_reason(client, reason, submit,
                                                                          locked):
    stored = _stored(ReportStatus.APPROVED)
    if locked:
        period = period_ensure(code=QUARTER)
        period.is_locked = True
        period.save()
    admin = factories.user("quantri", role=Role.ADMINISTRATOR)
    plan, preview, confirmed = _preview_and_confirm(client, admin, stored, submit, reason)
    expected = (services.APPROVED_CHANGED, ReportStatus.SUBMITTED) if reason else \
        (services.REFUSED, None)
    _assert_result_matches_preview(plan, preview, confirmed, stored, admin, submit, reason,
                                   *expected)
    if reason:
        assert DossierReport.objects.get().events.first().comment == reason


def test_a_workbook_with_an_approved_sheet_shows_which_sheet_is_refused(client):
    province = factories.user("tinh", role=Role.PROVINCIAL_OFFICE, unit_code="94")
    period = period_ensure(code=QUARTER)
    factories.report(factories.unit(NHON_MY_OLD), QUARTER, status=ReportStatus.APPROVED)
    workbook = excel.template_workbook(factories.unit(AN_MY), period)
    excel.add_template_sheet(workbook, factories.unit(NHON_MY_OLD), period)
    stream = io.BytesIO()
    workbook.save(stream)
    changed = factories.figures(resolved_early=49, resolved_on_time=36)
    content = filled(filled(stream.getvalue(), changed), changed, 1)
    client.force_login(province)
    preview = upload(client, content, submit=True)
    first, second = preview.context["plans"]
    assert (first.outcome.kind, second.outcome.kind) == (services.NEW_SUBMITTED,
                                                         services.REFUSED)
    text = preview.content.decode()
    assert "1 trang không nhập được, nên sẽ không nhập trang nào" in text
    assert f"Trang «{second.sheet}»: Báo cáo của {second.unit.name}, kỳ Quý II/2025 đã được " \
           "duyệt" in text
    assert "Các báo cáo sẽ được lưu dạng bản nháp" not in text
    # Nothing calls the file valid, and no refused sheet says it "can still be imported".
    assert "Tệp hợp lệ" not in text and "Đã đọc tệp: 2 báo cáo" in text
    assert "(, " not in text
    factories.confirm_upload(client)
    assert list(DossierReport.objects.values_list("unit__code", flat=True)) == [NHON_MY_OLD]


def test_an_approver_importing_a_units_figures_is_told_it_then_cannot_approve_them(client):
    """Four-eyes: whoever enters a report's figures may not approve it; the province's office
    importing a district's sheet is told before it confirms."""
    office = factories.user("tinh", role=Role.PROVINCIAL_OFFICE, unit_code="94")
    period_ensure(code=QUARTER)
    client.force_login(office)
    preview = upload(client, filled(template_bytes(client, "943"), factories.figures()))
    (plan,) = preview.context["plans"]
    assert plan.bars_own_approval
    assert 'data-testid="bars-own-approval"' in preview.content.decode()
    client.force_login(factories.user("xa", unit_code=AN_MY))
    preview = upload(client, filled(template_bytes(client, AN_MY), factories.figures()))
    assert not preview.context["plans"][0].bars_own_approval


def test_import_command_says_per_sheet_what_it_does_and_refuses_an_approved_report(tmp_path):
    out = io.StringIO()
    call_command("import_dossiers", str(write_filled(tmp_path)), "--dry-run", stdout=out)
    assert "Báo cáo mới: sẽ được lưu dạng bản nháp (chưa gửi)." in out.getvalue()
    call_command("import_dossiers", str(write_filled(tmp_path)), "--submit", stdout=out)
    assert "Đã gửi báo cáo." in out.getvalue()
    report = DossierReport.objects.get()
    report.status = ReportStatus.APPROVED
    report.save()
    factories.user("xa", unit_code=AN_MY)
    err = io.StringIO()
    with pytest.raises(CommandError, match="Không lưu gì"):
        call_command("import_dossiers", str(write_filled(tmp_path, resolved_early=49,
                                                         resolved_on_time=36)),
                     "--user", "xa", stderr=err)
    assert "đã được duyệt nên không sửa được" in err.getvalue()
    assert DossierReport.objects.get().status == ReportStatus.APPROVED


# --- An unbalanced sheet: a draft, as on the entry form ------------------------------------

HALF_FILLED = dict(pending_total=0, pending_in_time=0, pending_overdue=0)  # (3) 100 ≠ 90 + 0


def test_an_unbalanced_sheet_uploaded_as_a_draft_is_saved_as_the_draft_it_is(client):
    client.force_login(factories.user("xa", unit_code=AN_MY))
    figures = factories.figures(**HALF_FILLED)
    preview = upload(client, filled(template_bytes(client, AN_MY), figures))
    (plan,) = preview.context["plans"]
    assert not plan.outcome.refused, plan.outcome.preview
    factories.confirm_upload(client)
    report = DossierReport.objects.get()
    assert report.status == ReportStatus.DRAFT
    assert report_lines(report)[factories.field().pk] == figures


def test_an_unbalanced_sheet_sent_at_once_is_refused_at_its_total_cell(client):
    client.force_login(factories.user("xa", unit_code=AN_MY))
    content = filled(template_bytes(client, AN_MY), factories.figures(**HALF_FILLED))
    page = upload(client, content, submit=True).content.decode()
    assert "(12)+(13) = 0" in page and "Hộ tịch" in page
    assert not DossierReport.objects.exists()


def test_an_unbalanced_draft_sheet_for_a_sent_report_is_refused_in_the_preview(client):
    stored = _stored(ReportStatus.SUBMITTED)
    client.force_login(factories.user("xa", unit_code=AN_MY))
    content = filled(template_bytes(client, AN_MY), factories.figures(**HALF_FILLED))
    preview = upload(client, content)
    (plan,) = preview.context["plans"]
    assert plan.outcome.refused
    assert "Hộ tịch" in plan.outcome.refusal and "(12)+(13) = 0" in plan.outcome.refusal
    assert factories.confirm_upload(client, follow=True).status_code == 200
    stored.refresh_from_db()
    assert stored.status == ReportStatus.SUBMITTED
    assert report_lines(stored)[factories.field().pk] == factories.figures()
