from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ columns|get_item:name }}``: a dictionary entry by a variable key."""
    return mapping.get(key)
