"""Production starts (static files collected and served under the production settings), and
what a signed-in user sees is never kept in a shared browser's or proxy's cache."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.authtoken.models import Token

from tests import factories

ROOT = Path(__file__).resolve().parent.parent
PERIOD = "2024-Q2"


def test_the_app_starts_under_the_production_settings_with_its_static_files():
    """``make prod-check`` (and CI): collectstatic with whitenoise's manifest storage, then the
    login page, the public page and every stylesheet and script answer 200; static files are
    cacheable. Chart.js's source map missing made collectstatic fail, and every page a 500."""
    clean = {k: v for k, v in os.environ.items()
             if k not in {"DJANGO_ENV", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "REDIS_URL",
                          "DATABASE_URL", "STATIC_ROOT", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    result = subprocess.run([sys.executable, "scripts/prod_smoke.py"], cwd=ROOT, env=clean,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "GET /dang-nhap/ -> 200" in out and "GET /cong-khai/ -> 200" in out
    chart = next(line for line in out.splitlines() if "/vendor/chart.js-" in line)
    assert "-> 200 (max-age=" in chart and "public" in chart and "no-store" not in chart
    assert "production smoke:" in out


def private(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


@pytest.mark.django_db
def test_a_signed_in_users_page_is_private_and_not_stored(staff_client):
    response = staff_client.get(reverse("dossiers:inbox"))
    assert response.status_code == 200 and private(response)


@pytest.mark.django_db
def test_downloads_are_private_and_not_stored(admin_client):
    factories.period(PERIOD)
    for name in ("reports:summary_xlsx", "reports:summary_csv"):
        response = admin_client.get(reverse(name, args=["2008", "31564", PERIOD]))
        assert response.status_code == 200 and private(response), name


@pytest.mark.django_db
def test_api_answers_are_private_with_a_token_and_without(client):
    token = Token.objects.create(user=factories.user("xa", unit_code="31564"))
    with_token = client.get(reverse("api:periods"), HTTP_AUTHORIZATION=f"Token {token.key}")
    assert with_token.status_code == 200 and private(with_token)
    anonymous = client.get(reverse("api:periods"))
    assert anonymous.status_code == 200 and private(anonymous)


@pytest.mark.django_db
def test_the_public_page_stays_cacheable_for_anonymous_visitors(client):
    response = client.get(reverse("public:index"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "Cookie" in response.get("Vary", "")  # a signed-in visitor's copy is kept apart


@pytest.mark.django_db
def test_the_public_page_seen_signed_in_is_private(staff_client):
    assert private(staff_client.get(reverse("public:index")))


@pytest.mark.django_db
def test_an_evidence_file_is_private_and_not_stored(client):
    from cchc.scores.models import ParEvidence
    from tests.scores.test_assessment_pages import PDF, leaf, url
    from tests.scores.test_results import scheme

    made = scheme()
    factories.user("xa", unit_code="31564")
    client.login(username="xa", password="pass-for-tests-1")
    client.post(url("self_assessment"), {
        f"score-{leaf(made, '1.1')}": "20",
        f"evidence-{leaf(made, '1.1')}": SimpleUploadedFile("ke-hoach.pdf", PDF), "save": ""})
    response = client.get(reverse("scores:evidence", args=[ParEvidence.objects.get().pk]))
    assert response.status_code == 200 and private(response)
    assert response["Content-Disposition"].startswith("attachment")
