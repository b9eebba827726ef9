from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ columns|get_item:name }}``: a dictionary entry by a variable key."""
    return mapping.get(key)


@register.filter
def count(value) -> str:
    """A dossier count as the app writes it (20.593), "–" for none."""
    from cchc.formatting import format_count

    return "–" if value is None else format_count(value)
