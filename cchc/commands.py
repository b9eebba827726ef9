"""The base class of the project's management commands.

Their texts are ``gettext_lazy`` (a class attribute is evaluated at import, before the language
is known), and argparse accepts only real strings: ``manage.py <command> --help`` crashed with
``TypeError: … got '__proxy__'``. :class:`BaseCommand` turns every lazy text of the parser it
builds — the description, each option's help, each sub-command's and their options' — into a
string in the language active when it is built. Every command of the project derives from it
(tests/test_commands.py runs ``--help`` of each one it finds).
"""

import argparse

from django.core.management import base


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
