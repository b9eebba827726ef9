"""Everyone reads the reminders sent to them, and only those, at /nhac-han/."""

import pytest
from django.urls import reverse

from tests import factories
from tests.reminders.helpers import person, send

pytestmark = pytest.mark.django_db


def test_the_page_lists_ones_own_reminders_newest_first_and_no_one_elses(client):
    factories.period("2024-Q4")
    xa = person("xa", "31564")
    person("nhonmy", "31552")
    send("2024-12-13")
    send("2024-12-17")
    client.force_login(xa)

    page = client.get(reverse("reminders:mine")).content.decode()

    three, seven = (page.index(f"Còn {n} ngày đến hạn nộp báo cáo Quý IV/2024 – Xã An Mỹ")
                    for n in (3, 7))
    assert three < seven  # newest first
    assert "17/12/2024" in page and "Sắp đến hạn nộp báo cáo" in page
    assert "Hạn nộp: 20/12/2024 – còn 3 ngày." in page  # the body, behind the subject
    assert 'href="https://cchc.example.gov.vn/bao-cao/2008/31564/2024-Q4/"' in page
    assert "Xã Nhơn Mỹ" not in page
    assert f'href="{reverse("reminders:mine")}"' in page  # in the navigation


def test_someone_never_reminded_is_told_so(client):
    client.force_login(person("tinh", "94"))
    page = client.get(reverse("reminders:mine")).content.decode()
    assert "Bạn chưa nhận thư nhắc nào." in page
