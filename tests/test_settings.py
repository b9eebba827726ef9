"""Settings come from the environment and refuse values they cannot use."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def settings_in(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if k not in {"DJANGO_ENV", "SECRET_KEY", "DEBUG", "DATABASE_URL", "ALLOWED_HOSTS"}}
    return subprocess.run(
        [sys.executable, "-c",
         "import cchc.settings as s; print(s.DEBUG, s.ALLOW_DEMO_DATA, s.LANGUAGE_CODE, "
         "s.TIME_ZONE, s.DATABASES['default']['ENGINE'], s.ALLOWED_HOSTS)"],
        cwd=ROOT, env={**clean, **env}, capture_output=True, text=True,
    )


def test_development_defaults_speak_vietnamese_on_sqlite():
    result = settings_in({})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:5] == ["True", "True", "vi", "Asia/Ho_Chi_Minh",
                                         "django.db.backends.sqlite3"]


def test_production_requires_a_secret_key():
    result = settings_in({"DJANGO_ENV": "production"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_turns_debug_and_demo_data_off():
    result = settings_in({"DJANGO_ENV": "production", "SECRET_KEY": "x" * 50,
                          "ALLOWED_HOSTS": "cchc.example.gov.vn"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("False False vi")
    assert "cchc.example.gov.vn" in result.stdout


def test_postgres_url_is_used_with_a_connection_pool():
    result = subprocess.run(
        [sys.executable, "-c", "import cchc.settings as s; d = s.DATABASES['default'];"
         "print(d['ENGINE'], d['NAME'], 'pool' in d['OPTIONS'])"],
        cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "DATABASE_URL": "postgres://u@db.internal:5432/cchc"},
    )
    assert result.stdout.split() == ["django.db.backends.postgresql", "cchc", "True"]


def test_a_misspelt_boolean_is_an_error_not_a_guess():
    result = settings_in({"DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


PRODUCTION = {"DJANGO_ENV": "production", "SECRET_KEY": "".join(map(chr, range(48, 123))),
              "ALLOWED_HOSTS": "cchc.example.gov.vn"}


def test_the_deployment_check_finds_nothing_in_production(tmp_path):
    """``make prod-check``: Django's own deployment checklist, warnings included."""
    clean = {k: v for k, v in os.environ.items()
             if k not in {"DJANGO_ENV", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "REDIS_URL",
                          "DJANGO_ALLOW_ASYNC_UNSAFE"}}  # set by the browser tests' fixture
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, capture_output=True, text=True,
        env={**clean, **PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_every_page_carries_a_strict_content_security_policy(client):
    response = client.get("/dang-nhap/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_production_sends_cookies_over_https_only_with_hsts():
    result = subprocess.run(
        [sys.executable, "-c", "import cchc.settings as s; print(s.SESSION_COOKIE_SECURE, "
         "s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= 31536000)"],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, **PRODUCTION})
    assert result.stdout.split() == ["True", "True", "True", "True"], result.stderr
