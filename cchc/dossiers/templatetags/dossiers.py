from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ columns|get_item:name }}``: a dictionary entry by a variable key."""
    return mapping.get(key)


@register.filter
def bound_field(form, name):
    """``{{ form|bound_field:column.field }}``: the form's field of that name, or None: one
    lookup per cell of the entry form, where looping over the row's 9 fields for each of its
    12 columns was a third of the page's rendering."""
    return form[name] if name in form.fields else None


@register.filter
def count(value) -> str:
    """A dossier count as the app writes it (20.593), "–" for none."""
    from cchc.formatting import format_count

    return "–" if value is None else format_count(value)


_TOTALS = ("received_total", "resolved_total", "pending_total")


def _flag_html(flag) -> str:
    css = "text-warning-emphasis" if flag.is_open else "text-success-emphasis"
    checked = "" if flag.is_open else " · " + conditional_escape(_("đã kiểm tra"))
    return format_html(
        '<div class="form-text outlier-flag {}" role="status"><a class="link-inherit" '
        'href="#outlier-flags" title="{}">⚠ {}</a>{}</div>', css, flag.explanation,
        flag.short_label, mark_safe(checked))


@register.simple_tag
def report_cells(form, columns) -> str:
    """The 12 count cells of one row of the entry form: the totals' outputs, each typed box
    with what was saved meanwhile (after a conflict), the carried-over flag and the outlier
    flags of its figure. Built in Python: 13 rows × 12 cells of template conditions were half
    of the form's rendering time."""
    cells = []
    flags = form.flags
    for column in columns:
        name = column.field
        if name in _TOTALS:
            cells.append(f'<td class="table-light num fw-semibold"><output data-total="{name}">'
                         f'–</output>')
        else:
            parts = ['<td class="">']
            field = form[name] if name in form.fields else None
            if field is not None:
                parts.append(conditional_escape(field))
                stored = form.stored.get(name)
                if stored is not None and str(stored) != str(field.value()):
                    parts.append(format_html(
                        '<div class="form-text text-danger-emphasis stored-value">{}</div>',
                        _("Bản đã lưu: %(stored)s") % {"stored": stored}))
            if name == "received_carried_over" and form.previous_pending is not None:
                hidden = "" if form.carried_over_differs else " d-none"
                parts.append(format_html(
                    '<div class="form-text carried-flag{}" data-previous="{}" role="status">'
                    '⚠ {}</div>', hidden, form.previous_pending,
                    _("Khác số đang giải quyết cuối kỳ trước (%(pending)s)")
                    % {"pending": form.previous_pending}))
            cells.append("".join(parts))
        cells.extend(_flag_html(flag) for flag in flags.get(name, ()))
        cells.append("</td>")
    return mark_safe("".join(cells))
