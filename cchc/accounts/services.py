"""Giving accounts their role and unit."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from cchc.accounts.models import Profile, Role
from cchc.accounts.roles import ROLE_PERMISSIONS, group_name


@transaction.atomic
def role_groups_ensure() -> dict[str, Group]:
    """One group per role holding exactly its permissions (idempotent)."""
    groups = {}
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name(role))
        permissions = [
            Permission.objects.get(content_type__app_label=name.split(".")[0],
                                   codename=name.split(".")[1])
            for name in names
        ]
        group.permissions.set(permissions)
        groups[role] = group
    return groups


@transaction.atomic
def account_assign(*, user, role: str, unit=None) -> Profile:
    """Set ``user``'s role and unit, and make the role's group the user's only role group."""
    groups = role_groups_ensure()
    profile, _ = Profile.objects.update_or_create(user=user, defaults={"role": role, "unit": unit})
    user.groups.remove(*[g for r, g in groups.items() if r != role])
    user.groups.add(groups[Role(role)])
    return profile
