"""SIPAS: imported whole or not at all, shown on its page and beside the PAR index."""

import io
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from cchc.accounts.models import Role
from cchc.satisfaction.models import SipasResult
from cchc.satisfaction.selectors import sipas_for
from cchc.satisfaction.services import HEADER, sipas_import
from cchc.service_index.services import ValuesRefused
from tests import factories
from tests.scores.test_results import assess, scheme

pytestmark = pytest.mark.django_db


def sheet(rows):
    book = Workbook()
    book.active.append([str(h) for h in HEADER])
    for row in rows:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    return data


@pytest.fixture
def office():
    return factories.user("tinh", role=Role.PROVINCIAL_OFFICE, unit_code="94")


def communes():
    return list(factories.unit("943").children.all())


def test_an_import_stores_the_overall_and_factor_scores(office):
    assert sipas_import(user=office, year=2024, units=communes(), source=sheet([
        ("31564", "86,5", 88, 85, 90, 84, 80), ("31552", 79.25, None, None, None, None, None)
    ])) == 2
    found = sipas_for(communes(), 2024)
    an_my = found[factories.unit("31564").pk]
    assert (an_my.overall, an_my.access, an_my.feedback) == (Decimal("86.5"), 88, 80)
    assert found[factories.unit("31552").pk].procedures is None


def test_a_bad_row_stops_the_import(office):
    with pytest.raises(ValuesRefused) as refused:
        sipas_import(user=office, year=2024, units=communes(), source=sheet([
            ("31564", 86, 88, 85, 90, 84, 80), ("31552", None, 80), ("31555", 101),
            ("99999", 50)]))
    assert refused.value.messages == [
        "Trang «Sheet», dòng 3, ô B3: thiếu chỉ số hài lòng chung.",
        "Trang «Sheet», dòng 4, ô B4: «101» phải là tỷ lệ từ 0 đến 100.",
        "Trang «Sheet», dòng 5, ô A5: đơn vị «99999» không thuộc danh sách này."]
    assert not SipasResult.objects.exists()


def test_the_database_refuses_a_percentage_over_100():
    with pytest.raises(IntegrityError):
        SipasResult.objects.create(unit=factories.unit("31564"), year=2024, overall=101)


def test_sipas_is_shown_on_its_page_and_beside_the_par_index(client, office):
    made = scheme()
    assess(made, "31564", {"1.1": (30, 30), "1.2": (30, 30), "2": (30, 30)})
    SipasResult.objects.create(unit=factories.unit("31564"), year=2024, overall=Decimal("86.5"))
    client.force_login(office)
    page = client.get(reverse("satisfaction:results", args=["2008", "943", 2024]))
    assert page.status_code == 200 and "86,50" in page.content.decode()
    result = client.get(reverse("scores:result", args=["2008", "31564", 2024]))
    assert "86,50 %" in result.content.decode()
    ranking = client.get(reverse("scores:ranking", args=["2008", "943", 2024]))
    assert "86,50" in ranking.content.decode()


def test_an_upload_that_is_not_a_workbook_gets_the_same_checks_as_form_uploads(office):
    with pytest.raises(ValuesRefused, match="Tệp này là tệp PDF"):
        sipas_import(user=office, year=2024, units=communes(),
                     source=io.BytesIO(b"%PDF-1.4 not a workbook"))


def test_the_import_header_stays_vietnamese_in_the_english_interface(office):
    with translation.override("en"):
        assert sipas_import(user=office, year=2024, units=communes(),
                            source=sheet([("31564", 86)])) == 1
