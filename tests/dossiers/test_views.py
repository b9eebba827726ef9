"""The entry, review, history, inbox and completeness pages, for every role."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cchc.accounts.models import Role
from cchc.dossiers import services
from cchc.dossiers.models import DossierReport, ReportStatus
from cchc.periods.services import period_ensure
from tests import factories

pytestmark = pytest.mark.django_db

QUARTER = "2025-Q2"
AN_MY, OTHER_KE_SACH, MY_XUYEN_COMMUNE, CA_MAU_COMMUNE = "31564", "31552", "31717", "32002"


@pytest.fixture(autouse=True)
def open_quarter():
    return period_ensure(code=QUARTER,
                         deadline=timezone.localdate() + datetime.timedelta(days=30))


@pytest.fixture
def people():
    return {
        "staff": factories.user("xa", unit_code=AN_MY),
        "reviewer": factories.user("huyen", role=Role.REVIEWER, unit_code="943"),
        "province": factories.user("tinh", role=Role.PROVINCIAL_OFFICE, unit_code="94"),
        "admin": factories.user("quantri", role=Role.ADMINISTRATOR),
        "no_profile": get_user_model().objects.create_user("lost", password="pass-for-tests-1"),
    }


def client_for(client, user):
    client.force_login(user)
    return client


def url(name, code, *extra):
    return reverse(f"dossiers:{name}", args=["2008", code, *extra])


def form_data(version=0, submit=False, **overrides):
    """POST data for Xã An Mỹ's form: every commune field filled with consistent figures."""
    from cchc.dossiers.models import ProcedureField

    call = {}
    figures = factories.figures(**overrides)
    for field in ProcedureField.objects.for_level(3):
        for name in ("received_online", "received_in_person", "received_postal",
                     "received_carried_over", "resolved_early", "resolved_on_time",
                     "resolved_late", "pending_in_time", "pending_overdue"):
            call[f"f{field.pk}-{name}"] = figures[name]
    call["version"] = version
    call["submit" if submit else "save"] = ""
    return call


@pytest.fixture(autouse=True)
def catalogue():
    from django.core.management import call_command

    call_command("loaddata", "procedure_fields", verbosity=0)


# role -> unit code -> expected status of GET on the report page
READ = {
    "staff": {AN_MY: 200, OTHER_KE_SACH: 404, MY_XUYEN_COMMUNE: 404, CA_MAU_COMMUNE: 404},
    "reviewer": {AN_MY: 200, OTHER_KE_SACH: 200, MY_XUYEN_COMMUNE: 404, CA_MAU_COMMUNE: 404},
    "province": {AN_MY: 200, OTHER_KE_SACH: 200, MY_XUYEN_COMMUNE: 200, CA_MAU_COMMUNE: 404},
    "admin": {AN_MY: 200, OTHER_KE_SACH: 200, MY_XUYEN_COMMUNE: 200, CA_MAU_COMMUNE: 200},
    "no_profile": {AN_MY: 404, OTHER_KE_SACH: 404, MY_XUYEN_COMMUNE: 404, CA_MAU_COMMUNE: 404},
}


@pytest.mark.parametrize("role", READ)
def test_each_role_reads_only_inside_its_subtree(client, people, role):
    client_for(client, people[role])
    for code, expected in READ[role].items():
        for page in ("report", "history", "template"):
            response = client.get(url(page, code, QUARTER))
            assert response.status_code == expected, (role, code, page)


@pytest.mark.parametrize(("role", "expected"), [("staff", 302), ("reviewer", 403),
                                                 ("province", 302), ("admin", 302),
                                                 ("no_profile", 404)])
def test_own_staff_the_province_and_administrators_enter_figures(client, people, role,
                                                                   expected):
    response = client_for(client, people[role]).post(url("report", AN_MY, QUARTER), form_data())
    assert response.status_code == expected
    assert DossierReport.objects.exists() == (expected == 302)


@pytest.mark.parametrize(("role", "expected"), [("staff", 403), ("reviewer", 302),
                                                 ("province", 403), ("no_profile", 404)])
def test_only_the_district_reviews_a_commune_before_the_reform(client, people, role, expected):
    client_for(client, people["staff"]).post(url("report", AN_MY, QUARTER),
                                             form_data(submit=True))
    client.logout()
    response = client_for(client, people[role]).post(
        url("review", AN_MY, QUARTER), {"decision": "approve", "version": 1, "comment": ""})
    assert response.status_code == expected
    status = DossierReport.objects.get().status
    assert status == (ReportStatus.APPROVED if expected == 302 else ReportStatus.SUBMITTED)


@pytest.mark.parametrize(("role", "code", "expected"), [
    ("staff", AN_MY, 200), ("staff", "943", 404), ("reviewer", "943", 200),
    ("reviewer", "94", 404), ("province", "94", 200), ("province", "96", 404),
    ("admin", "96", 200),
])
def test_completeness_view_is_scoped(client, people, role, code, expected):
    response = client_for(client, people[role]).get(url("completeness", code, QUARTER))
    assert response.status_code == expected


def test_form_rows_follow_the_catalogue_and_prefill_carried_over(client, people):
    from cchc.dossiers.models import ProcedureField

    ho_tich = ProcedureField.objects.get(code="ho-tich")
    previous = factories.report(factories.unit(AN_MY), "2025-Q1",
                                lines={ho_tich: factories.figures()})
    assert previous.lines.get().pending_total == 10
    page = client_for(client, people["staff"]).get(url("report", AN_MY, QUARTER))
    forms = page.context["forms"]
    assert [f.procedure_field.code for f in forms] == list(
        ProcedureField.objects.for_level(3).values_list("code", flat=True))
    row = next(f for f in forms if f.procedure_field == ho_tich)
    assert row["received_carried_over"].value() == 10
    assert not row.carried_over_differs


def test_a_carried_over_that_differs_is_flagged_but_saved(client, people):
    from cchc.dossiers.models import ProcedureField

    ho_tich = ProcedureField.objects.get(code="ho-tich")
    factories.report(factories.unit(AN_MY), "2025-Q1", lines={ho_tich: factories.figures()})
    client_for(client, people["staff"])
    data = form_data(received_carried_over=12, received_online=58)
    response = client.post(url("report", AN_MY, QUARTER), data)
    assert response.status_code == 302
    page = client.get(url("report", AN_MY, QUARTER))
    row = next(f for f in page.context["forms"] if f.procedure_field == ho_tich)
    assert row.carried_over_differs
    assert "Khác số đang giải quyết cuối kỳ trước (10)" in page.content.decode()


def test_bad_figures_come_back_with_row_and_column_and_nothing_is_saved(client, people):
    client_for(client, people["staff"])
    data = form_data()
    first = next(key for key in data if key.endswith("-resolved_late"))
    data[first] = "-3"
    data[first.replace("resolved_late", "received_online")] = "abc"
    page = client.post(url("report", AN_MY, QUARTER), data).content.decode()
    assert "Dòng «Hộ tịch», cột (10): không được âm." in page
    assert "Dòng «Hộ tịch», cột (4): nhập một số nguyên" in page
    assert not DossierReport.objects.exists()
    # Figures that do not add up are a draft's right; sending them is refused (tests below).


def test_the_second_editor_is_told_and_keeps_what_they_typed(client, people):
    colleague = factories.user("xa2", unit_code=AN_MY)
    client_for(client, colleague).post(url("report", AN_MY, QUARTER), form_data())
    client.logout()
    client_for(client, people["staff"])
    mine = form_data(version=0, resolved_early=44, resolved_on_time=41)
    page = client.post(url("report", AN_MY, QUARTER), mine)
    text = page.content.decode()
    assert page.status_code == 200
    assert "vừa được xa2 lưu" in text
    key = next(k for k in mine if k.endswith("-resolved_early"))
    assert f'name="{key}" value="44"' in text
    assert "Bản đã lưu: 50" in text  # the colleague's figure, shown beside the user's own
    assert page.context["version"] == 1  # saving again now overwrites knowingly
    stored = DossierReport.objects.get().lines.order_by("field__position").first()
    assert stored.resolved_early == 50


def test_history_page_lists_who_changed_which_cell(client, people):
    client_for(client, people["staff"])
    client.post(url("report", AN_MY, QUARTER), form_data())
    client.post(url("report", AN_MY, QUARTER), form_data(version=1, resolved_early=49,
                                                         resolved_on_time=36))
    page = client.get(url("history", AN_MY, QUARTER)).content.decode()
    assert "(8) Số hồ sơ đã giải quyết – Trước hạn" in page
    assert ">50<" in page and ">49<" in page
    assert page.count("Lưu số liệu") == 2


def test_inbox_shows_due_quarters_and_what_waits_for_review(client, people):
    client_for(client, people["staff"]).post(url("report", AN_MY, QUARTER),
                                             form_data(submit=True))
    client.logout()
    staff_inbox = client_for(client, people["staff"]).get(reverse("dossiers:inbox"))
    due = {row.period.code: row for row in staff_inbox.context["due"]}
    assert due[QUARTER].status_label == "Đã gửi" and not due[QUARTER].is_late
    client.logout()
    review_inbox = client_for(client, people["reviewer"]).get(reverse("dossiers:inbox"))
    assert [r.unit.code for r in review_inbox.context["awaiting"]] == [AN_MY]
    client.logout()
    province_inbox = client_for(client, people["province"]).get(reverse("dossiers:inbox"))
    assert province_inbox.context["awaiting"] == []  # communes are the district's to approve


def test_completeness_counts_on_time_late_and_missing(client, people):
    staff = people["staff"]
    client_for(client, staff).post(url("report", AN_MY, QUARTER), form_data(submit=True))
    late_period = period_ensure(code="2025-Q1")
    services.report_save(user=staff, unit=factories.unit(AN_MY), period=late_period,
                         lines={factories.field(): factories.figures()}, expected_version=0,
                         submit=True)
    client.logout()
    client_for(client, people["reviewer"])
    on_time = client.get(url("completeness", "943", QUARTER)).context["completeness"]
    assert (on_time.due, on_time.on_time, on_time.late, on_time.missing) == (14, 1, 0, 13)
    late = client.get(url("completeness", "943", "2025-Q1")).context["completeness"]
    assert (late.on_time, late.late) == (0, 1)


def test_completeness_page_queries_do_not_grow_with_units(client, people):
    client_for(client, people["admin"])
    counts = []
    for code in ("943", "94"):  # 14 units, then 120
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("completeness", code, QUARTER)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def _ho_tich_key(data, column):
    return next(key for key in data if key.endswith(f"-{column}"))


def test_a_half_filled_draft_saves_even_though_rows_do_not_add_up(client, people):
    """Issue 16: column (6) prefilled and the rest untouched broke (3) = (7) + (11) on every
    row, and "Lưu bản nháp" refused it with 12 red messages."""
    client_for(client, people["staff"])
    data = {key: "" for key in form_data()}
    data["version"] = 0
    data[_ho_tich_key(data, "received_online")] = "1.000"
    data[_ho_tich_key(data, "received_carried_over")] = "7"
    response = client.post(url("report", AN_MY, QUARTER), data, follow=True)
    report = DossierReport.objects.get()
    assert report.status == ReportStatus.DRAFT
    assert "Đã lưu bản nháp (chưa gửi)." in response.content.decode()
    line = report.lines.get(field__name="Hộ tịch")
    assert (line.received_online, line.received_total, line.resolved_total) == (1000, 1007, 0)


def test_sending_rows_that_do_not_add_up_is_refused_on_the_row(client, people):
    client_for(client, people["staff"])
    data = form_data(submit=True)
    data[_ho_tich_key(data, "pending_in_time")] = "0"  # 100 received, 90 resolved + 2 pending
    response = client.post(url("report", AN_MY, QUARTER), data)
    page = response.content.decode()
    assert not DossierReport.objects.exists()
    assert page.count('data-testid="row-invalid"') == 1
    row = page[page.index('data-testid="row-invalid"'):]
    assert "Hộ tịch" in row[:row.index("</tr>")]
    error = page[page.index('data-testid="row-error"'):]
    assert ("Dòng «Hộ tịch»: số đã giải quyết (8)+(9)+(10) = 90 và đang giải quyết (12)+(13) "
            "= 2 phải cộng lại bằng số nhận (4)+(5a)+(5b)+(6) = 100: hãy sửa các cột (4)–(6) "
            "hoặc (8)–(13).") in error[:error.index("</div></td>")]
    assert "1 dòng cần sửa" in page


def test_sending_a_stored_draft_that_does_not_add_up_is_refused(people):
    from django.core.exceptions import ValidationError

    from cchc.dossiers.models import ProcedureField

    unit = factories.unit(AN_MY)
    period = period_ensure(code=QUARTER)
    field = ProcedureField.objects.for_level(3).first()
    draft = services.report_save(
        user=people["staff"], unit=unit, period=period, expected_version=0,
        lines={field: factories.figures(pending_in_time=0, pending_total=2)})
    assert draft.status == ReportStatus.DRAFT
    with pytest.raises(ValidationError) as refused:
        services.report_submit(user=people["staff"], report=draft, expected_version=1)
    assert "hãy sửa các cột (4)–(6) hoặc (8)–(13)" in refused.value.messages[0]
    assert DossierReport.objects.get().status == ReportStatus.DRAFT


@pytest.mark.parametrize(("typed", "stored"), [("1.000", 1000), ("12 500", 12500),
                                               ("1000", 1000)])
def test_counts_are_read_the_vietnamese_way(client, people, typed, stored):
    """QA: a number box read "1.000" as 1; the app itself writes thousands with "."."""
    client_for(client, people["staff"])
    data = form_data(received_online=0, received_in_person=0, resolved_early=0,
                     resolved_on_time=0, resolved_late=0, pending_in_time=0, pending_overdue=0,
                     received_postal=0, received_carried_over=0)
    data[_ho_tich_key(data, "received_online")] = typed
    data[_ho_tich_key(data, "pending_in_time")] = typed
    client.post(url("report", AN_MY, QUARTER), data)
    line = DossierReport.objects.get().lines.get(field__name="Hộ tịch")
    assert (line.received_online, line.pending_in_time) == (stored, stored)
    page = client.get(url("report", AN_MY, QUARTER)).content.decode()
    assert f'value="{stored:,}"'.replace(",", ".") in page  # shown the same way


@pytest.mark.parametrize("typed", ["1,5", "2.5", "-3", "1.00", "12a"])
def test_decimals_commas_and_negatives_are_refused_naming_row_and_column(client, people, typed):
    client_for(client, people["staff"])
    data = form_data()
    data[_ho_tich_key(data, "received_online")] = typed
    page = client.post(url("report", AN_MY, QUARTER), data).content.decode()
    assert "Dòng «Hộ tịch», cột (4):" in page
    assert not DossierReport.objects.exists()


def test_after_sending_the_page_says_who_reviews_next(client, people):
    client_for(client, people["staff"])
    response = client.post(url("report", AN_MY, QUARTER), form_data(submit=True), follow=True)
    assert ("Đã gửi báo cáo. Phòng Nội vụ huyện Kế Sách sẽ xem xét và phê duyệt."
            in response.content.decode())


def test_a_refused_csrf_token_answers_in_vietnamese_with_what_to_do(people):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(people["staff"])
    response = csrf_client.post(url("report", AN_MY, QUARTER), form_data())
    page = response.content.decode()
    assert response.status_code == 403
    assert "Chưa lưu được: trang bạn gửi đã cũ" in page and "tải lại trang" in page
    assert "CSRF verification failed" not in page


def test_keep_alive_renews_the_session(client, people):
    client_for(client, people["staff"])
    client.session.set_expiry(5)
    response = client.post(reverse("dossiers:keep_alive"))
    assert response.json() == {"seconds": 30 * 60}
    assert client.session.get_expiry_age() > 29 * 60
    client.logout()
    assert client.post(reverse("dossiers:keep_alive")).status_code == 302  # to the login


def test_a_refused_return_is_shown_by_the_comment_box(client, people):
    client_for(client, people["staff"]).post(url("report", AN_MY, QUARTER),
                                             form_data(submit=True))
    client_for(client, people["reviewer"])
    report = DossierReport.objects.get()
    response = client.post(url("review", AN_MY, QUARTER),
                           {"decision": "return", "comment": "", "version": report.version},
                           follow=True)
    page = response.content.decode()
    box = page[page.index('id="review-comment"'):]
    assert 'data-testid="review-error"' in box[:box.index("</form>")]
    assert "alert alert-danger" in box[:box.index("</form>")]
