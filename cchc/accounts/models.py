"""Who a user works for: one administrative unit and one role."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    UNIT_STAFF = "unit-staff", _("Cán bộ nhập liệu của đơn vị")
    REVIEWER = "reviewer", _("Cán bộ kiểm tra, phê duyệt")
    PROVINCIAL_OFFICE = "province", _("Văn phòng cấp tỉnh")
    ADMINISTRATOR = "admin", _("Quản trị hệ thống")
    NATIONAL = "national", _("Cơ quan trung ương (xem toàn quốc)")


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        related_name="profile",
    )
    unit = models.ForeignKey(
        "units.AdministrativeUnit",
        verbose_name=_("đơn vị công tác"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff_profiles",
    )
    role = models.CharField(_("vai trò"), max_length=12, choices=Role.choices)

    class Meta:
        verbose_name = _("hồ sơ người dùng")
        verbose_name_plural = _("hồ sơ người dùng")

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"
