"""Every report page and download, for every role, inside and outside the user's scope."""

import pytest
from django.urls import reverse

from cchc.accounts.models import Role
from tests import factories

pytestmark = pytest.mark.django_db

PAGES = ("dashboard", "ranking", "summary_xlsx", "summary_csv")
# role -> (unit code of the page -> expected status)
EXPECTED = {
    "staff": {"31564": 200, "943": 404, "94": 404, "67": 404},
    "reviewer": {"31564": 200, "943": 200, "94": 404, "67": 404},
    "province": {"31564": 200, "943": 200, "94": 200, "67": 404},
    "admin": {"31564": 200, "943": 200, "94": 200, "67": 200},
    "national": {"31564": 200, "943": 200, "94": 200, "67": 200},
}


@pytest.fixture
def accounts():
    return {
        "staff": factories.user("xa", unit_code="31564"),
        "reviewer": factories.user("huyen", role=Role.REVIEWER, unit_code="943"),
        "province": factories.user("tinh", role=Role.PROVINCIAL_OFFICE, unit_code="94"),
        "admin": factories.user("quantri", role=Role.ADMINISTRATOR),
        "national": factories.user("bo", role=Role.NATIONAL),
    }


@pytest.mark.parametrize("role", EXPECTED)
def test_each_role_sees_only_its_subtree_on_every_report_page(client, accounts, role):
    factories.period("2024-Q4")
    client.force_login(accounts[role])
    for code, expected in EXPECTED[role].items():
        for page in PAGES:
            response = client.get(reverse(f"reports:{page}", args=["2008", code, "2024-Q4"]))
            assert response.status_code == expected, (role, code, page)


def test_anonymous_visitors_get_no_report_page(client):
    factories.period("2024-Q4")
    for page in PAGES:
        response = client.get(reverse(f"reports:{page}", args=["2008", "94", "2024-Q4"]))
        assert response.status_code == 302 and "/dang-nhap/" in response.url


def test_a_national_body_may_read_a_report_but_not_change_it(client, accounts):
    factories.period("2025-Q2")
    client.force_login(accounts["national"])
    url = reverse("dossiers:report", args=["2008", "31564", "2025-Q2"])
    assert client.get(url).status_code == 200
    assert client.post(url, {"version": 0, "save": ""}).status_code == 403


def test_refusals_explain_themselves_in_vietnamese(client, accounts):
    factories.period("2024-Q4")
    client.force_login(accounts["reviewer"])
    missing = client.get(reverse("reports:dashboard", args=["2008", "67", "2024-Q4"]))
    assert "nằm ngoài phạm vi đơn vị của tài khoản bạn" in missing.content.decode()
    factories.period("2025-Q2")
    # A district reviewer may read a commune's report but not enter its figures.
    refused = client.post(reverse("dossiers:report", args=["2008", "31564", "2025-Q2"]),
                          {"version": 0, "save": ""})
    assert refused.status_code == 403
    assert "Bạn không được sửa báo cáo này." in refused.content.decode()
