from django import template

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
