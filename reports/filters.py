import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from cchc.units.models import AdministrativeUnit, Level
from reports.kpis import DEFAULT_KPI, KPIS, RANKABLE


class RankingFilter(django_filters.FilterSet):
    """Which units are ranked together (level, parent) and by which KPI."""

    kpi = django_filters.ChoiceFilter(
        label=_("Xếp hạng theo"), method="order_only", empty_label=None,
        choices=[(key, KPIS[key].label) for key in RANKABLE],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    level = django_filters.ChoiceFilter(
        label=_("Cấp đơn vị"), field_name="level", empty_label=_("Đơn vị trực thuộc"),
        choices=[(Level.DISTRICT, Level.DISTRICT.label), (Level.COMMUNE, Level.COMMUNE.label)],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    parent = django_filters.ModelChoiceFilter(
        label=_("Thuộc"), field_name="parent", empty_label=_("Tất cả"),
        queryset=AdministrativeUnit.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    class Meta:
        model = AdministrativeUnit
        fields = ["kpi", "level", "parent"]

    def __init__(self, *args, root: AdministrativeUnit, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["parent"].queryset = root.children.filter(
            level=Level.DISTRICT).order_by("code")

    def order_only(self, queryset, name, value):
        return queryset  # the KPI orders the ranking; it does not choose units

    @property
    def kpi_key(self) -> str:
        chosen = self.form.cleaned_data.get("kpi") if self.form.is_valid() else None
        return chosen or DEFAULT_KPI


class NationalRankingFilter(django_filters.FilterSet):
    """The national ranking: one level of the whole country, ranked by a KPI."""

    kpi = RankingFilter.base_filters["kpi"]
    level = django_filters.ChoiceFilter(
        label=_("Cấp đơn vị"), method="order_only", empty_label=None,
        choices=[(Level.PROVINCE, Level.PROVINCE.label), (Level.DISTRICT, Level.DISTRICT.label),
                 (Level.COMMUNE, Level.COMMUNE.label)],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    class Meta:
        model = AdministrativeUnit
        fields = ["kpi", "level"]

    def order_only(self, queryset, name, value):
        return queryset  # the view chooses the units by level; the KPI only orders them

    @property
    def chosen_level(self) -> int:
        chosen = self.form.cleaned_data.get("level") if self.form.is_valid() else None
        return int(chosen) if chosen else Level.PROVINCE

    kpi_key = RankingFilter.kpi_key
