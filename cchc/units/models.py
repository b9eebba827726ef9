"""Administrative units (đơn vị hành chính) and how the 2025 reform links old units to new ones.

Two official lists coexist. Until 30/6/2025: 63 provinces, 696 districts, ~10,040 communes (three
tiers). From 1/7/2025: 34 provinces and 3,321 communes (two tiers). GSO codes were re-used across
the reform, so a code identifies a unit only together with a date (or a list): see
``AdministrativeUnitQuerySet.resolve``.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cchc.units.text import fold

#: First day of the two-tier administration (Nghị quyết 202/2025/QH15 and the 2025 resolutions).
REFORM_DATE = datetime.date(2025, 7, 1)
LAST_DAY_BEFORE_REFORM = REFORM_DATE - datetime.timedelta(days=1)


class UnitList(models.TextChoices):
    """The official list a unit belongs to; a code is unique within one list."""

    BEFORE_2025 = "2008", _("63 tỉnh, 3 cấp (đến 30/6/2025)")
    FROM_2025 = "2025", _("34 tỉnh, 2 cấp (từ 1/7/2025)")


class Level(models.IntegerChoices):
    PROVINCE = 1, _("Cấp tỉnh")
    DISTRICT = 2, _("Cấp huyện")
    COMMUNE = 3, _("Cấp xã")


class Kind(models.TextChoices):
    PROVINCE = "tinh", _("Tỉnh")
    CENTRAL_CITY = "thanh-pho-tw", _("Thành phố trực thuộc trung ương")
    RURAL_DISTRICT = "huyen", _("Huyện")
    URBAN_DISTRICT = "quan", _("Quận")
    TOWN = "thi-xa", _("Thị xã")
    PROVINCIAL_CITY = "thanh-pho", _("Thành phố thuộc tỉnh")
    COMMUNE = "xa", _("Xã")
    WARD = "phuong", _("Phường")
    TOWNSHIP = "thi-tran", _("Thị trấn")
    SPECIAL_ZONE = "dac-khu", _("Đặc khu")


KIND_LEVEL = {
    Kind.PROVINCE: Level.PROVINCE,
    Kind.CENTRAL_CITY: Level.PROVINCE,
    Kind.RURAL_DISTRICT: Level.DISTRICT,
    Kind.URBAN_DISTRICT: Level.DISTRICT,
    Kind.TOWN: Level.DISTRICT,
    Kind.PROVINCIAL_CITY: Level.DISTRICT,
    Kind.COMMUNE: Level.COMMUNE,
    Kind.WARD: Level.COMMUNE,
    Kind.TOWNSHIP: Level.COMMUNE,
    Kind.SPECIAL_ZONE: Level.COMMUNE,
}


class AdministrativeUnitQuerySet(models.QuerySet):
    def as_of(self, date: datetime.date) -> AdministrativeUnitQuerySet:
        """Units in force on ``date`` (validity bounds are inclusive; empty means open)."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=date),
            Q(valid_to__isnull=True) | Q(valid_to__gte=date),
        )

    def resolve(self, code: str, on: datetime.date) -> AdministrativeUnit:
        """The unit that ``code`` names on ``date``; raises ``DoesNotExist`` if none does.

        82 is Tiền Giang on 2025-06-30 and Đồng Tháp on 2025-07-01.
        """
        return self.as_of(on).get(code=code.strip())

    def search(self, query: str) -> AdministrativeUnitQuerySet:
        """Units whose name contains every word of ``query``, ignoring accents and tone marks."""
        words = fold(query).split()
        if not words:
            return self.none()
        condition = Q()
        for word in words:
            condition &= Q(search_name__contains=word)
        return self.filter(condition)

    def descendants_of(self, unit: AdministrativeUnit) -> AdministrativeUnitQuerySet:
        """Every unit below ``unit``, in one query.

        The hierarchy is at most three tiers deep (province → district → commune), so children
        and grandchildren are all there is.
        """
        return self.filter(Q(parent=unit) | Q(parent__in=self._children_ids(unit)))

    def subtree_of(self, unit: AdministrativeUnit) -> AdministrativeUnitQuerySet:
        """``unit`` itself and every unit below it, in one query."""
        return self.filter(Q(pk=unit.pk) | Q(parent=unit) | Q(parent__in=self._children_ids(unit)))

    def _children_ids(self, unit: AdministrativeUnit):
        """The grandchildren's parents, as a subquery: PostgreSQL answers ``parent IN (…)`` from
        the parent index, where a self-join on ``parent__parent`` scanned the table twice."""
        return self.model._default_manager.filter(parent=unit).values("pk")


class AdministrativeUnit(models.Model):
    unit_list = models.CharField(_("danh mục"), max_length=4, choices=UnitList.choices)
    code = models.CharField(_("mã"), max_length=5, help_text=_("Mã đơn vị hành chính của TCTK"))
    name = models.CharField(_("tên"), max_length=120)
    short_name = models.CharField(_("tên rút gọn"), max_length=100)
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    level = models.PositiveSmallIntegerField(_("cấp"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    province = models.ForeignKey(
        "self",
        verbose_name=_("tỉnh"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Tỉnh chứa đơn vị (trống với chính cấp tỉnh)"),
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    search_name = models.CharField(_("tên không dấu"), max_length=120, editable=False)

    objects = AdministrativeUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["unit_list", "code"]
        constraints = [
            models.UniqueConstraint(fields=["unit_list", "code"], name="unit_code_unique_in_list"),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lte=models.F("valid_to")),
                name="unit_validity_ordered",
            ),
            models.CheckConstraint(
                condition=Q(level=Level.PROVINCE, parent__isnull=True)
                | Q(level__gt=Level.PROVINCE, parent__isnull=False),
                name="unit_parent_matches_level",
            ),
        ]
        indexes = [
            models.Index(fields=["code", "valid_from", "valid_to"], name="unit_code_validity_idx"),
            models.Index(fields=["province", "level"], name="unit_province_level_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("units:detail", args=[self.unit_list, self.code])

    def is_within(self, root: AdministrativeUnit) -> bool:
        """This unit is ``root`` or below it: the rule ``subtree_of`` applies in SQL (the
        hierarchy is at most three tiers deep). Uses ``parent`` already loaded if any."""
        return root.pk in (self.pk, self.parent_id) or (
            self.parent_id is not None and self.parent.parent_id == root.pk)

    def is_in_force(self, date: datetime.date) -> bool:
        """Whether the unit exists on ``date`` (bounds inclusive; empty means open), the rule
        ``AdministrativeUnitQuerySet.as_of`` applies in SQL."""
        return (self.valid_from is None or self.valid_from <= date) and (
            self.valid_to is None or self.valid_to >= date)

    @property
    def is_before_reform(self) -> bool:
        return self.unit_list == UnitList.BEFORE_2025

    def ancestors(self) -> list[AdministrativeUnit]:
        """Units above this one, top first (uses ``parent`` already fetched where possible)."""
        chain = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))


class Succession(models.TextChoices):
    CONTINUED = "nguyen-trang", _("Giữ nguyên (đổi tên hoặc đổi cấp)")
    MERGED = "sap-nhap", _("Sáp nhập")
    DIVIDED = "chia-tach", _("Chia tách (một phần)")


class UnitSuccession(models.Model):
    """``predecessor`` (old list) became, wholly or in part, ``successor`` (new list).

    A divided commune has several successor rows of kind ``DIVIDED``; series summed "in today's
    boundaries" are then only approximately comparable and must say so.
    """

    predecessor = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị cũ"),
        on_delete=models.CASCADE,
        related_name="successor_links",
    )
    successor = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị mới"),
        on_delete=models.CASCADE,
        related_name="predecessor_links",
    )
    kind = models.CharField(_("hình thức"), max_length=16, choices=Succession.choices)
    effective_date = models.DateField(_("ngày hiệu lực"), default=REFORM_DATE)
    is_principal = models.BooleanField(
        _("đơn vị kế thừa chính"),
        default=True,
        help_text=_("Với đơn vị bị chia tách: đơn vị mới nhận phần chính"),
    )

    class Meta:
        verbose_name = _("kế thừa đơn vị")
        verbose_name_plural = _("kế thừa đơn vị")
        ordering = ["predecessor__code", "successor__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="succession_unique_pair"
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="succession_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.get_kind_display()})"
