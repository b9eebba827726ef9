"""Form widgets rendered in Python, with the very markup of Django's widget templates.

Django renders each widget through several templates (an ``<input>``: ``input.html`` and
``attrs.html``; a ``<select>``: ``select.html``, then ``select_option.html`` and ``attrs.html``
for every option), about two thirds of a millisecond apiece. The entry form has 117 inputs and
a ranking's filters some forty options, on pages opened all day: ``PythonRendered`` and
``PythonSelect`` give the same markup from the same ``get_context``, without the templates
(``tests/dossiers/test_form_speed.py`` and ``tests/reports/test_ranking_rendering.py`` compare
them with Django's own rendering).
"""

from __future__ import annotations

import html

from django import forms
from django.utils.safestring import mark_safe


def conditional_escape(value) -> str:
    """Django's ``conditional_escape`` without its lazy-string wrapper (called some 900 times
    a form): a safe value's own markup, anything else escaped as Django escapes it."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _attributes(attrs: dict) -> str:
    """``attrs.html``: `` name="value"`` for each attribute, `` name`` for True, none for
    False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        name = conditional_escape(name)
        parts.append(f" {name}" if value is True else
                     f' {name}="{conditional_escape(str(value))}"')
    return "".join(parts)


class PythonRendered:
    """Renders an ``<input>`` widget's context to the markup of Django's ``input.html``."""

    def _render(self, template_name, context, renderer=None):
        widget = context["widget"]
        parts = [f'<input type="{conditional_escape(widget["type"])}" '
                 f'name="{conditional_escape(widget["name"])}"']
        if widget["value"] is not None:
            parts.append(f' value="{conditional_escape(str(widget["value"]))}"')
        parts.append(_attributes(widget["attrs"]))
        parts.append(">")
        return mark_safe("".join(parts))


class PythonSelect(forms.Select):
    """A ``<select>`` rendered as ``select.html`` and ``select_option.html`` render it."""

    def _render(self, template_name, context, renderer=None):
        widget = context["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"'
                 f'{_attributes(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in group_choices:
                parts.append(f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                             f'{_attributes(option["attrs"])}>'
                             f'{conditional_escape(option["label"])}</option>\n')
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))
