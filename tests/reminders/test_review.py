"""Reviewers get one digest a day listing exactly the reports waiting for them since an earlier
day; nobody else gets it."""

import datetime

import pytest
from django.utils import timezone

from cchc.accounts.models import Role
from cchc.dossiers.models import ReportStatus
from tests import factories
from tests.reminders.conftest import SITE
from tests.reminders.helpers import person, received, send

pytestmark = pytest.mark.django_db

QUARTER = "2024-Q4"  # due 20/12/2024


def sent_on(unit_code: str, when: str, status=ReportStatus.SUBMITTED, unit_list=factories.BEFORE,
            quarter=QUARTER):
    factories.report(factories.unit(unit_code, unit_list), quarter, status=status,
                     submitted_at=timezone.make_aware(datetime.datetime.fromisoformat(when)))


def test_only_the_approver_gets_a_digest_of_exactly_the_reports_waiting_for_it(mailoutbox):
    factories.period(QUARTER)
    person("huyen", "943", role=Role.REVIEWER)  # Huyện Kế Sách approves its communes
    person("chauthanh", "942", role=Role.REVIEWER)  # another district: nothing waiting
    person("tinh", "94", role=Role.PROVINCIAL_OFFICE)  # approves the districts
    person("yendinh", "394", role=Role.REVIEWER, email=False)  # Quý Lộc's district, no e-mail
    person("quantri", role=Role.ADMINISTRATOR)  # may approve anything, approver of nothing
    person("xa", "31564")  # the clerk whose report waits
    sent_on("31564", "2024-12-18 09:00")  # Xã An Mỹ
    sent_on("31552", "2024-12-21 15:30")  # Xã Nhơn Mỹ, after the deadline
    sent_on("31555", "2024-12-17 09:00", status=ReportStatus.APPROVED)  # Xã Kế Thành: done
    sent_on("31558", "2024-12-22 08:00")  # Xã Kế An: sent this morning, waits from tomorrow
    sent_on("943", "2024-12-19 10:00")  # Huyện Kế Sách's own report
    sent_on("15412", "2024-12-18 09:00")  # Thị trấn Quý Lộc, Thanh Hóa

    send("2024-12-22")  # not a deadline reminder day: digests only

    assert received(mailoutbox) == [
        ("huyen@example.gov.vn", "[Báo cáo CCHC] 2 báo cáo đang chờ bạn phê duyệt"),
        ("tinh@example.gov.vn", "[Báo cáo CCHC] 1 báo cáo đang chờ bạn phê duyệt"),
    ]
    body = {m.to[0]: m.body for m in mailoutbox}
    waiting = [line for line in body["huyen@example.gov.vn"].splitlines()
               if line.startswith("- ")]
    assert waiting == ["- Xã An Mỹ – Quý IV/2024 – gửi ngày 18/12/2024",
                       "- Xã Nhơn Mỹ – Quý IV/2024 – gửi ngày 21/12/2024 (nộp muộn)"]
    assert f"{SITE}/bao-cao/2008/31564/2024-Q4/" in body["huyen@example.gov.vn"]
    assert f"Danh sách việc cần làm: {SITE}/bao-cao/" in body["huyen@example.gov.vn"]
    assert [line for line in body["tinh@example.gov.vn"].splitlines() if line.startswith("- ")] \
        == ["- Huyện Kế Sách – Quý IV/2024 – gửi ngày 19/12/2024"]

    send("2024-12-22")
    assert len(mailoutbox) == 2  # once a day
    send("2024-12-23")  # still waiting the next day: a new digest, now with Xã Kế An
    assert len(mailoutbox) == 4
    assert received(mailoutbox[2:]) == [
        ("huyen@example.gov.vn", "[Báo cáo CCHC] 3 báo cáo đang chờ bạn phê duyệt"),
        ("tinh@example.gov.vn", "[Báo cáo CCHC] 1 báo cáo đang chờ bạn phê duyệt"),
    ]


def test_after_the_reform_the_province_approves_communes(mailoutbox):
    factories.period("2025-Q3")
    person("cantho", "92", role=Role.PROVINCIAL_OFFICE, unit_list=factories.AFTER)
    person("tinh_cu", "94", role=Role.PROVINCIAL_OFFICE)  # Sóc Trăng ended on 30/6/2025
    sent_on("31552", "2025-09-10 09:00", unit_list=factories.AFTER, quarter="2025-Q3")
    send("2025-09-12")
    assert received(mailoutbox) == [
        ("cantho@example.gov.vn", "[Báo cáo CCHC] 1 báo cáo đang chờ bạn phê duyệt")]
    assert "- Xã Nhơn Mỹ – Quý III/2025 – gửi ngày 10/09/2025" in mailoutbox[0].body
