"""Roles are Django groups with permissions; scope is checked on top of them."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from cchc.accounts.access import can_enter, can_review
from cchc.accounts.models import Profile, Role
from cchc.accounts.services import account_assign
from tests import factories

pytestmark = pytest.mark.django_db


def perms(group_name):
    return set(Group.objects.get(name=group_name).permissions.values_list("codename", flat=True))


def test_each_role_is_a_group_with_its_permissions():
    factories.user("xa", unit_code="31564")
    assert perms("Cán bộ nhập liệu của đơn vị") == {"view_dossierreport", "submit_dossierreport"}
    assert "review_dossierreport" in perms("Cán bộ kiểm tra, phê duyệt")
    assert "change_locked_dossierreport" in perms("Quản trị hệ thống")
    assert "change_locked_dossierreport" not in perms("Văn phòng cấp tỉnh")


def test_changing_a_role_moves_the_account_to_the_new_group_only():
    user = factories.user("huyen", role=Role.REVIEWER, unit_code="943")
    account_assign(user=user, role=Role.UNIT_STAFF, unit=factories.unit("943"))
    assert list(user.groups.values_list("name", flat=True)) == ["Cán bộ nhập liệu của đơn vị"]


def test_permissions_are_required_as_well_as_scope():
    user = factories.user("huyen", role=Role.REVIEWER, unit_code="943")
    an_my = factories.unit("31564")
    assert can_review(user, an_my, factories.period("2025-Q2").end)
    Group.objects.get(name="Cán bộ kiểm tra, phê duyệt").permissions.remove(
        Permission.objects.get(codename="review_dossierreport"))
    fresh = type(user).objects.get(pk=user.pk)
    assert not can_review(fresh, an_my, factories.period("2025-Q2").end)
    assert can_enter(fresh, factories.unit("943"))


def test_saving_a_profile_in_the_admin_gives_the_roles_group(admin_client):
    user = type(factories.user("moi", unit_code="31564")).objects.create_user("moi2")
    response = admin_client.post(reverse("admin:accounts_profile_add"), {
        "user": user.pk, "role": Role.REVIEWER, "unit": factories.unit("943").pk})
    assert response.status_code == 302
    assert Profile.objects.get(user=user).role == Role.REVIEWER
    assert list(user.groups.values_list("name", flat=True)) == ["Cán bộ kiểm tra, phê duyệt"]
