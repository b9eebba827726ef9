"""The administrator finds every model in the Django admin, with search and filters."""

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

APP_MODELS = [model for model in admin.site._registry
              if model._meta.app_label in {"units", "periods", "dossiers", "scores", "accounts"}]


@pytest.fixture
def admin_client_with_demo(demo, client):
    assert client.login(username="admin", password="demo1234")
    return client


def test_every_domain_model_is_in_the_admin():
    names = {model.__name__ for model in APP_MODELS}
    assert names == {"AdministrativeUnit", "UnitSuccession", "ReportingPeriod", "ProcedureField",
                     "DossierReport", "ParScheme", "ParCriterion", "ParAssessment", "Profile"}


def test_every_changelist_answers_to_a_search_and_a_filter(admin_client_with_demo):
    for model in APP_MODELS:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert admin_client_with_demo.get(url, {"q": "an my"}).status_code == 200, url
        model_admin = admin.site._registry[model]
        assert model_admin.search_fields and model_admin.list_filter, model


def test_unit_search_in_the_admin_ignores_accents(admin_client):
    url = reverse("admin:units_administrativeunit_changelist")
    page = admin_client.get(url, {"q": "Hoà Tú 2"}).content.decode()
    assert "Xã Hòa Tú 2" in page
    assert "1 đơn vị hành chính" in page or "31729" in page


def test_the_admin_shows_a_report_with_its_lines(admin_client_with_demo):
    from cchc.dossiers.models import DossierReport

    report = DossierReport.objects.filter(unit__code="31564", period__code="2022-Q1").get()
    url = reverse("admin:dossiers_dossierreport_change", args=[report.pk])
    page = admin_client_with_demo.get(url).content.decode()
    assert "Xã An Mỹ" in page and "Hộ tịch" in page
