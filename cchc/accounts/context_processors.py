from django.utils.functional import SimpleLazyObject

from cchc.accounts.access import sees_every_unit
from cchc.accounts.menu import menu_links


def access(request) -> dict:
    """What the navigation needs to know about the user's reach, and the menu's links for the
    user's role (computed only when a page shows the menu)."""
    return {"sees_every_unit": sees_every_unit(request.user),
            "menu_links": SimpleLazyObject(lambda: menu_links(request.user))}
