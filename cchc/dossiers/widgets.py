"""The entry form's number box, rendered in Python (``cchc.widgets.PythonRendered``)."""

from __future__ import annotations

from django import forms

from cchc.widgets import PythonRendered


class FigureInput(PythonRendered, forms.NumberInput):
    """A number box rendered in Python."""
