"""E-mail and the reminder schedule come from the environment; bad values stop the app."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SHOWN = ("EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_USE_TLS",
         "CCHC_REMINDER_DAYS_BEFORE", "CCHC_REMINDER_DAYS_AFTER", "CCHC_SITE_URL")


def settings_in(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("EMAIL_", "CCHC_", "DJANGO_ENV", "SECRET_KEY", "DEBUG"))}
    return subprocess.run(
        [sys.executable, "-c", "import cchc.settings as s; "
         f"print(*[getattr(s, name) for name in {SHOWN!r}], sep='|')"],
        cwd=ROOT, env={**clean, **env}, capture_output=True, text=True)


def test_development_prints_e_mails_production_sends_them_through_smtp():
    development = settings_in({})
    assert development.returncode == 0, development.stderr
    assert development.stdout.split("|") == [
        "django.core.mail.backends.console.EmailBackend", "localhost", "25", "False",
        "[1, 3, 7]", "[1, 7, 14]", "http://127.0.0.1:8000\n"]
    production = settings_in({
        "DJANGO_ENV": "production", "SECRET_KEY": "x" * 50, "EMAIL_HOST": "smtp.example.gov.vn",
        "EMAIL_PORT": "587", "EMAIL_USE_TLS": "true", "CCHC_REMINDER_DAYS_BEFORE": "10, 5,0",
        "CCHC_REMINDER_DAYS_AFTER": "", "CCHC_SITE_URL": "https://cchc.example.gov.vn/"})
    assert production.returncode == 0, production.stderr
    assert production.stdout.split("|") == [
        "django.core.mail.backends.smtp.EmailBackend", "smtp.example.gov.vn", "587", "True",
        "[0, 5, 10]", "[]", "https://cchc.example.gov.vn\n"]


def test_a_schedule_or_address_it_cannot_use_is_an_error_not_a_guess():
    for env, message in (
        ({"CCHC_REMINDER_DAYS_BEFORE": "7,3,mai"}, "'mai' is not a whole number of days"),
        ({"CCHC_REMINDER_DAYS_AFTER": "-1"}, "days cannot be negative"),
        ({"CCHC_REMINDER_DAYS_AFTER": "0,7"}, "counts from the day after the deadline"),
        ({"EMAIL_USE_TLS": "true", "EMAIL_USE_SSL": "true"}, "set one of them, not both"),
        ({"CCHC_SITE_URL": "cchc.example.gov.vn"}, "must start with https://"),
    ):
        result = settings_in(env)
        assert result.returncode != 0 and message in result.stderr, env
