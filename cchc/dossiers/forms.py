"""The web entry form of II.06a: one small form per field (row).

The clerk types the parts; the three totals — (3) received, (7) resolved, (11) pending — are
computed from them (live in the browser, again on the server), so the only identity left to
break is (3) = (7) + (11). A draft may break it (a half-filled form saves); the services refuse
it when the report is sent, and the page shows the message on the row.

Counts are typed the Vietnamese way: "1.000" or "12 500" are one thousand and twelve thousand
five hundred (a number box would read "1.000" as 1), so the inputs are text boxes parsed here.
"""

from __future__ import annotations

import functools
import re

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cchc.dossiers.columns import COLUMN_BY_FIELD, IDENTITIES, MAX_COUNT
from cchc.exports import XLSX
from cchc.formatting import format_count
from cchc.widgets import PythonRendered

TOTALS = {identity.total: identity.parts for identity in IDENTITIES[:3]}
PART_FIELDS = tuple(part for parts in TOTALS.values() for part in parts)


#: Digits, optionally grouped by thousands with "." or a space (a no-break space too): "1.000",
#: "12 500", "1000".
_COUNT = re.compile(r"\d{1,3}(?:([. \u00a0\u202f])\d{3})?(?:\1\d{3})*|\d+")


class CountInput(PythonRendered, forms.TextInput):
    """A text box for a count, showing it with "." between thousands; a phone offers digits.
    Rendered in Python (117 of them make a form: ``cchc.widgets.PythonRendered``)."""

    def format_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return format_count(value)
        return super().format_value(value)


class CountField(forms.IntegerField):
    """A whole number of dossiers as a Vietnamese clerk writes it: "1.000", "12 500", "1000".
    A decimal comma, a sign or letters are refused (the field's ``invalid`` message)."""

    widget = CountInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        text = str(value).strip()
        if text == "":
            return None
        if re.fullmatch(r"[-\u2212]\s*[\d. ]+", text):
            raise forms.ValidationError(self.error_messages["min_value"], code="min_value")
        if not _COUNT.fullmatch(text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(re.sub(r"\D", "", text))


@functools.lru_cache(maxsize=8)
def _part_texts(language: str | None) -> tuple[dict[str, str], ...]:
    """Each typed column's label and the messages of its box, translated once per language
    (a form has 117 boxes; their texts differ only by the row's name)."""
    texts = []
    for name in PART_FIELDS:
        column = COLUMN_BY_FIELD[name]
        texts.append({
            "name": name, "number": column.number,
            "label": f"{column.number} {column.group} – {column.label}",
            "aria": f"{column.number} {column.label}",
            "where": _("Dòng «%(row)s», cột %(number)s"),
            "invalid": _("%(where)s: nhập một số nguyên không âm, chỉ gồm chữ số (có thể tách "
                         "hàng nghìn bằng dấu chấm, ví dụ 1.250); không dùng dấu phẩy, số thập "
                         "phân, dấu trừ hay chữ."),
            "min_value": _("%(where)s: không được âm."),
            "max_value": _("%(where)s: số quá lớn (tối đa %(limit)s hồ sơ một ô), kiểm tra "
                           "lại."),
        })
    return tuple(texts)


class LineForm(forms.Form):
    def __init__(self, *args, field, previous_pending: int | None = None, editable=True,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.procedure_field = field
        self.previous_pending = previous_pending
        self.stored: dict[str, int] = {}  # after a conflict: the figures saved meanwhile
        self.flags: dict[str, list] = {}  # column -> outlier flags of the stored figure
        limit = format_count(MAX_COUNT)
        for texts in _part_texts(get_language()):
            name = texts["name"]
            where = texts["where"] % {"row": field.name, "number": texts["number"]}
            self.fields[name] = CountField(
                required=False,
                min_value=0,
                max_value=MAX_COUNT,
                disabled=not editable,
                label=texts["label"],
                error_messages={
                    "invalid": texts["invalid"] % {"where": where},
                    "min_value": texts["min_value"] % {"where": where},
                    "max_value": texts["max_value"] % {"where": where, "limit": limit},
                },
                widget=CountInput(attrs={
                    "inputmode": "numeric", "autocomplete": "off", "class": "form-control "
                    "form-control-sm num", "data-column": name,
                    "aria-label": f"{field.name} – {texts['aria']}",
                }),
            )

    def clean(self):
        """The row's figures, totals computed; (3) = (7) + (11) is not checked here: a draft
        stores whatever was typed, and sending checks it (``services.report_save``)."""
        cleaned = super().clean()
        if self.errors:
            return cleaned
        values = {name: cleaned.get(name) or 0 for name in PART_FIELDS}
        for total, parts in TOTALS.items():
            values[total] = sum(values[p] for p in parts)
        self.figures = values
        return cleaned

    def full_clean(self):
        super().full_clean()
        for name in self.errors:  # the cell to fix stands out (its message is on the row)
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] += " is-invalid"
                attrs["aria-invalid"] = "true"

    @property
    def row_errors(self) -> list[str]:
        """Every message about this row (its cells' and the row's own), shown on the row."""
        found = list(self.non_field_errors())
        for name in PART_FIELDS:
            found.extend(self.errors.get(name, []) if self.is_bound else [])
        return found

    @property
    def carried_over_differs(self) -> bool:
        """Column (6) differs from the previous quarter's pending (a flag, never an error)."""
        if self.previous_pending is None:
            return False
        value = self["received_carried_over"].value()
        try:
            return (CountField().to_python(value) or 0) != self.previous_pending
        except forms.ValidationError:
            return False


def initial_values(stored: dict | None, previous_pending: int | None) -> dict:
    if stored:
        return {name: stored[name] for name in PART_FIELDS}
    return {"received_carried_over": previous_pending} if previous_pending is not None else {}


#: A report's version, as the database column holds it (a 4-byte integer).
MAX_VERSION = 2**31 - 1


def posted_version(data, default: int) -> int | None:
    """The report version a posted entry form was made from (its hidden ``version`` field), or
    ``default`` when none was posted; None when the field holds anything but a whole number the
    version column can hold (a tampered or broken page)."""
    field = forms.IntegerField(min_value=0, max_value=MAX_VERSION, required=False)
    try:
        value = field.clean(data.get("version"))
    except forms.ValidationError:
        return None
    return default if value is None else value


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("return", "return")])
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(min_value=0, max_value=MAX_VERSION)


class ReopenForm(forms.Form):
    decision = forms.ChoiceField(choices=[("reopen", "reopen"), ("decline", "decline")])
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(min_value=0)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp Excel (.xlsx) đã điền theo biểu mẫu"),
        widget=forms.ClearableFileInput(attrs={
            "accept": f".xlsx,{XLSX}",
            "class": "form-control"}),
        error_messages={"required": _("Hãy chọn tệp Excel để tải lên."),
                        "empty": _("Tệp rỗng: hãy chọn tệp đã điền số liệu.")},
    )
    submit = forms.BooleanField(
        required=False, label=_("Gửi báo cáo luôn sau khi nhập (không chọn: lưu bản nháp)"))
    reason = forms.CharField(
        required=False, max_length=500,
        label=_("Lý do (chỉ quản trị viên, bắt buộc khi sửa báo cáo đã duyệt hoặc của kỳ đã "
                "khoá)"),
        widget=forms.TextInput(attrs={"class": "form-control"}))
