"""The base class of the project's management commands.

Their texts are ``gettext_lazy`` (a class attribute is evaluated at import, before the language
is known), and argparse accepts only real strings: ``manage.py <command> --help`` crashed with
``TypeError: … got '__proxy__'``. :class:`BaseCommand` turns every lazy text of the parser it
builds — the description, each option's help, each sub-command's and their options' — into a
string in the language active when it is built. Every command of the project derives from it
(tests/test_commands.py runs ``--help`` of each one it finds).
"""

import argparse
import contextvars

from django.core.management import base
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def _text(value):
    return value if value is None else str(value)


def resolve_lazy_texts(parser: argparse.ArgumentParser) -> None:
    """Lazy translations in ``parser`` (and its sub-parsers) become strings, in place."""
    parser.description = _text(parser.description)
    parser.epilog = _text(parser.epilog)
    for action in parser._actions:
        action.help = _text(action.help)
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:  # the sub-commands' one-line helps
                choice.help = _text(choice.help)
            for subparser in action.choices.values():
                resolve_lazy_texts(subparser)


class BaseCommand(base.BaseCommand):
    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        resolve_lazy_texts(parser)
        return parser


# --- commands that run a job ------------------------------------------------------------------
#
# ``refresh_flags`` and ``rebuild_rollups`` are job kinds (cchc/jobs): run by their command in
# its own process by default, printing each step as the job's page would show it, or queued for
# a worker with ``--background``. The same job either way, recorded in "Công việc" (admin).

_echo: contextvars.ContextVar = contextvars.ContextVar("cchc_job_echo", default=None)


def job_step(job, done: int, total: int, message: str) -> None:
    """A step of a job: its progress (the job's page), and the line a command running it prints."""
    from cchc.jobs.services import progress

    progress(job, done, total, message, force=True)
    echo = _echo.get()
    if echo is not None:
        echo(f"[{done}/{total}] {message}")


class JobCommand(BaseCommand):
    """A command running the job kind ``job_kind``: at once, printing its steps, or with
    ``--background`` queued for a worker (``manage.py db_worker``), printing the job's number."""

    job_kind = ""

    def add_arguments(self, parser):
        parser.add_argument("--background", action="store_true", help=gettext_lazy(
            "xếp vào hàng đợi cho tiến trình xử lý nền (db_worker) thay vì chạy ngay; theo dõi "
            "ở trang Công việc"))

    def job_run(self, params: dict, *, background: bool):
        """The finished job (its ``result``), or None once queued; ``CommandError`` when it
        failed, with its message and errors."""
        from django.urls import reverse

        from cchc.jobs.models import JobStatus
        from cchc.jobs.services import job_start

        if background:
            job = job_start(self.job_kind, user=None, params=params)
            self.stdout.write(_(
                "Đã xếp hàng công việc số %(id)s; một tiến trình db_worker sẽ chạy nó. Xem tiến "
                "độ ở trang %(url)s (tài khoản quản trị).") % {
                "id": job.pk, "url": reverse("jobs:detail", args=[job.pk])})
            return None
        token = _echo.set(self.stdout.write)
        try:
            job = job_start(self.job_kind, user=None, params=params, inline=True)
        finally:
            _echo.reset(token)
        if job.status != JobStatus.DONE:
            raise base.CommandError("\n".join([job.message, *(e["message"] for e in job.errors)]))
        return job
