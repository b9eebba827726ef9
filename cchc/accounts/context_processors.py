from cchc.accounts.access import sees_every_unit


def access(request) -> dict:
    """What the navigation needs to know about the user's reach."""
    return {"sees_every_unit": sees_every_unit(request.user)}
