"""The entry form's number input, rendered in Python.

Form II.06a has 13 rows × 9 typed columns: 117 inputs. Django renders each widget through
three templates (``number.html``, ``input.html``, ``attrs.html``), about two thirds of a
millisecond apiece: most of the form's server time. ``FigureInput`` gives the very same markup
(``tests/dossiers/test_form_speed.py`` compares them) from the same ``get_context``, without
the templates. ``PythonRendered`` does it for any ``<input>`` widget: the entry form's count box
(``forms.CountInput``, a text box) and ``FigureInput``, a number box.
"""

from __future__ import annotations

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe


class PythonRendered:
    """Renders an ``<input>`` widget's context to the markup of Django's ``input.html``."""

    def _render(self, template_name, context, renderer=None):
        widget = context["widget"]
        parts = [f'<input type="{conditional_escape(widget["type"])}" '
                 f'name="{conditional_escape(widget["name"])}"']
        if widget["value"] is not None:
            parts.append(f' value="{conditional_escape(str(widget["value"]))}"')
        for name, value in widget["attrs"].items():
            if value is False:
                continue
            name = conditional_escape(name)
            parts.append(f" {name}" if value is True else
                         f' {name}="{conditional_escape(str(value))}"')
        parts.append(">")
        return mark_safe("".join(parts))


class FigureInput(PythonRendered, forms.NumberInput):
    """A number box rendered in Python."""
