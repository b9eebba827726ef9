"""The public CSV writes a unit named like a formula as text (see tests/test_spreadsheet_text.py
for the other files)."""

import csv
import io

import pytest

from cchc.publication.services import ranking_publish
from tests import factories
from tests.publication.conftest import DISTRICT, QUARTER, file
from tests.publication.test_public_pages import url

pytestmark = pytest.mark.django_db


def test_the_public_csv_writes_a_unit_named_like_a_formula_as_text(client, office, province,
                                                                   public_page):
    unit = factories.unit("31564")
    unit.name = "=HYPERLINK(\"http://evil.example\",\"x\")"
    unit.save(update_fields=["name"])
    file("31564")
    file(DISTRICT)
    ranking_publish(user=office, province=province, period=factories.period(QUARTER))
    response = client.get(url("ranking_csv", QUARTER))
    assert response.status_code == 200
    text = response.content.decode("utf-8").lstrip("\ufeff")
    names = {row[0]: row[1] for row in csv.reader(io.StringIO(text))}
    assert names["31564"] == "'" + unit.name
