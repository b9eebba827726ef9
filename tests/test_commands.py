"""Every command of the project says how to use it (``--help``), and prints only what it did."""

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command, get_commands, load_command_class

ROOT = Path(__file__).resolve().parent.parent
#: Options every Django command has; the test looks for the command's own.
COMMON = {"-h", "--help", "--version", "-v", "--verbosity", "--settings", "--pythonpath",
          "--traceback", "--no-color", "--force-color", "--skip-checks"}


def project_commands() -> list[tuple[str, str]]:
    """(app, command) for every command defined under cchc/ or reports/, found, not listed."""
    found = [(app, name) for name, app in get_commands().items()
             if isinstance(app, str) and (app.startswith("cchc.") or app == "reports")]
    return sorted(found, key=lambda pair: pair[1])


def help_of(capsys, *args) -> str:
    with pytest.raises(SystemExit) as exited:
        call_command(*args, "--help")
    assert exited.value.code in (0, None)
    return " ".join(capsys.readouterr().out.split())


def own_arguments(parser: argparse.ArgumentParser):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            continue
        options = [o for o in action.option_strings if o not in COMMON]
        if action.option_strings and not options:
            continue
        yield action, options


def assert_names_its_arguments(text: str, parser: argparse.ArgumentParser) -> None:
    for action, options in own_arguments(parser):
        for option in options:
            assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", text), option
        if not options:  # a positional argument
            assert (action.metavar or action.dest) in text, action.dest
        if action.help:
            assert " ".join(str(action.help).split()) in text, action.help


def test_the_project_has_its_commands():
    names = {name for _app, name in project_commands()}
    assert {"load_units", "load_demo", "import_dossiers", "export_summary", "par_scheme",
            "api_token"} <= names
    assert len(names) >= 12


@pytest.mark.parametrize(("app", "name"), project_commands(), ids=lambda value: value)
def test_every_command_explains_itself_with_help(capsys, app, name):
    """``manage.py <command> --help`` crashed for every one (lazy texts given to argparse)."""
    command = load_command_class(app, name)
    parser = command.create_parser("manage.py", name)
    text = help_of(capsys, name)
    assert f"usage: manage.py {name}" in text or f"usage: {name}" in text or name in text
    description = " ".join(str(command.help).split())
    assert description and description in text
    assert_names_its_arguments(text, parser)
    for action in parser._actions:  # sub-commands (par_scheme import|export|copy)
        if isinstance(action, argparse._SubParsersAction):
            for sub, subparser in action.choices.items():
                assert sub in text
                assert_names_its_arguments(help_of(capsys, name, sub), subparser)


def manage(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ENV", "DATABASE_URL"}}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_manage_py_help_of_a_command_works_on_the_command_line():
    result = manage("help", "import_dossiers")
    assert result.returncode == 0, result.stderr
    assert "usage: manage.py import_dossiers" in result.stdout and "--dry-run" in result.stdout


def test_a_command_prints_only_what_it_did():
    """Every ``manage.py`` call began with "AXES: BEGIN version …"."""
    result = manage("check")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "System check identified no issues (0 silenced).\n"
    assert "AXES" not in result.stderr and result.stderr == ""


def test_each_log_message_is_printed_once():
    """Django's own console handler and the root one printed each of Django's messages twice,
    "Watching for file changes with StatReloader" when the dev server starts among them."""
    script = ("import logging, django; django.setup(); "
              "logging.getLogger('django.utils.autoreload').info('Watching for file changes'); "
              "logging.getLogger('django.request').warning('Not Found: /x/'); "
              "logging.getLogger('cchc.reminders').info('sent 3')")
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ENV", "DEBUG"}}
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, timeout=60,
                            env={**env, "DJANGO_SETTINGS_MODULE": "cchc.settings"})
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == ["Watching for file changes", "Not Found: /x/", "sent 3"]


@pytest.mark.django_db
def test_a_login_logs_no_lockout_chatter_but_a_failure_is_logged(client, settings, caplog):
    from tests import factories

    settings.AXES_ENABLED = True
    factories.user("xa", unit_code="31564")
    caplog.clear()
    client.post("/dang-nhap/", {"username": "xa", "password": "pass-for-tests-1"})
    assert "_auth_user_id" in client.session
    assert not [r for r in caplog.records if r.name.startswith("axes")]
    client.post("/dang-xuat/")
    client.post("/dang-nhap/", {"username": "xa", "password": "wrong"})
    failures = [r for r in caplog.records if r.name.startswith("axes")]
    assert len(failures) == 1 and failures[0].levelname == "WARNING"
