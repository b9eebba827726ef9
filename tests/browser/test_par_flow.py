"""PAR index end to end in a real browser: a commune self-assesses with an evidence file, the
council appraises, the province publishes and sees the ranking."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cchc.accounts.models import Role
from cchc.scores.models import AssessmentStatus, ParAssessment, ParEvidence
from tests import factories
from tests.browser.conftest import screenshot
from tests.browser.test_report_workflow import log_out
from tests.browser.test_unit_browsing import log_in
from tests.scores.test_assessment_pages import PDF
from tests.scores.test_results import assess, scheme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def score_row(page, code):
    return page.get_by_role("row").filter(has=page.get_by_text(f"{code}. ", exact=False)).filter(
        has=page.locator("input.par-score"))


def test_self_assessment_appraisal_publication(page, real_units, tmp_path):
    made = scheme()
    assess(made, "31552", {"1.1": (25, 25), "1.2": (25, 25), "2": (30, 30)},
           status=AssessmentStatus.SUBMITTED)
    factories.user("xa", unit_code="31564")
    factories.user("tinh", role=Role.PROVINCIAL_OFFICE, unit_code="94")
    evidence = tmp_path / "ke-hoach-cchc.pdf"
    evidence.write_bytes(PDF)

    # The commune clerk scores herself: the area subtotal and the total follow as she types.
    log_in(page, "xa")
    page.goto(reverse("scores:self_assessment", args=["2008", "31564", 2024]))
    page.get_by_label("Điểm 1.1").fill("28,5")
    page.get_by_label("Điểm 1.2").fill("29")
    page.get_by_label("Điểm 2").fill("35")
    expect(page.locator(f'[data-subtotal="{made.criteria.get(code="1").pk}"]')).to_have_text(
        "57,50")
    expect(page.locator("#par-total")).to_have_text("92,50")
    page.get_by_label("Giải trình 1.1").fill("Kế hoạch CCHC ban hành ngày 10/1")
    page.get_by_label("Tài liệu kiểm chứng 1.1").set_input_files(str(evidence))
    screenshot(page, "par-self-assessment")
    page.get_by_role("button", name="Lưu và gửi thẩm định").click()
    expect(page.get_by_text("Đã gửi thẩm định.")).to_be_visible()
    expect(page.get_by_test_id("status")).to_have_text("Đã gửi thẩm định")
    expect(page.get_by_role("link", name="ke-hoach-cchc.pdf")).to_be_visible()
    log_out(page)

    # The council appraises beside the commune's scores; its change is marked.
    log_in(page, "tinh")
    page.goto(reverse("scores:ranking", args=["2008", "943", 2024]))
    page.get_by_role("link", name="Xã An Mỹ").click()
    page.get_by_role("link", name="Thẩm định").click()
    page.get_by_label("Điểm thẩm định 1.1").fill("27")
    page.get_by_label("Ý kiến thẩm định 1.1").fill("Kế hoạch ban hành chậm 10 ngày")
    page.get_by_label("Điểm thẩm định 1.2").fill("29")
    page.get_by_label("Điểm thẩm định 2").fill("35")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã lưu.")).to_be_visible()
    expect(page.locator("tr.par-differs")).to_have_count(1)
    screenshot(page, "par-appraisal")

    # The province publishes and sees the ranking: 91 points, first of two, locked.
    page.goto(reverse("scores:ranking", args=["2008", "943", 2024]))
    page.get_by_role("button", name="Công bố kết quả (khoá điểm)").click()
    expect(page.get_by_text("Đã công bố kết quả của 2 đơn vị")).to_be_visible()
    first = page.locator("#par-ranking tbody tr").first
    expect(first).to_contain_text("Xã An Mỹ")
    expect(first).to_contain_text("1/2")
    expect(first).to_contain_text("Xuất sắc")
    screenshot(page, "par-ranking")
    an_my = ParAssessment.objects.get(unit__code="31564", unit__unit_list="2008")
    assert (an_my.status, an_my.points, an_my.rank_display) == (AssessmentStatus.PUBLISHED, 91,
                                                               "1/2")
    assert ParEvidence.objects.get().original_name == "ke-hoach-cchc.pdf"
