import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from cchc.dossiers.scopes import OWN, SUBTREE, chosen_scope, has_units_below, scope_label
from cchc.units.models import AdministrativeUnit, Level, UnitList
from cchc.widgets import PythonSelect
from reports.kpis import DEFAULT_KPI, KPIS, RANKABLE

#: Filters that choose which ranked rows are shown, not who is ranked: a unit keeps its rank
#: within the whole ranked set (``RowFilterMixin``).
ROW_FILTERS = ("q", "province")


def levels_of(unit_list: str, levels: tuple[int, ...]) -> list[tuple[int, str]]:
    """The choices among ``levels`` that exist in ``unit_list``: no districts from 2025."""
    return [(level, Level(level).label) for level in levels
            if not (level == Level.DISTRICT and unit_list == UnitList.FROM_2025)]


def search_filter() -> django_filters.CharFilter:
    """A unit's name (accents and tone marks ignored, as the unit browser) or its code."""
    return django_filters.CharFilter(
        label=_("Tìm theo tên hoặc mã"), method="order_only", max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control", "type": "search",
                                      "placeholder": _("vd. an my")}),
    )


def scope_filter() -> django_filters.ChoiceFilter:
    """Whose figures rank each unit: the whole area (the default) or its own report. Offered
    only where the ranked units have units below them (``ScopeMixin``)."""
    return django_filters.ChoiceFilter(
        label=_("Phạm vi số liệu"), method="order_only", empty_label=None,
        choices=[(SUBTREE, _("Toàn địa bàn")), (OWN, _("Riêng cấp của đơn vị"))],
        widget=PythonSelect(attrs={"class": "form-select"}),
    )


class ScopeMixin:
    """The scope choice of a ranking of units of ``ranked_level``, labelled for that level;
    a page offers it only where those units have units below them (``offers_scope``)."""

    ranked_level: int

    def _label_scopes(self, level: int) -> None:
        self.filters["scope"].extra["choices"] = [
            (scope, scope_label(scope, level)) for scope in (SUBTREE, OWN)]

    @property
    def offers_scope(self) -> bool:
        return has_units_below(self.ranked_level)

    @property
    def asked_scope(self) -> str | None:
        """The scope the user chose, or None: each unit level then gets its default."""
        return (self.form.cleaned_data.get("scope") or None) if self.form.is_valid() else None

    @property
    def scope(self) -> str:
        """The scope the ranking shows: the one chosen, else the whole area where there is
        one (``cchc.dossiers.scopes.chosen_scope``)."""
        return chosen_scope(self.asked_scope, self.ranked_level)


class RowFilterMixin:
    """The search (``q``) and the province filter choose the rows shown; ranks stay those of
    the whole ranked set."""

    def _chosen(self, name: str):
        return self.form.cleaned_data.get(name) if self.form.is_valid() else None

    @property
    def query(self) -> str:
        return (self._chosen("q") or "").strip()

    @property
    def province(self) -> AdministrativeUnit | None:
        return self._chosen("province") if "province" in self.filters else None

    @property
    def filters_rows(self) -> bool:
        return bool(self.query or self.province)


class RankingFilter(RowFilterMixin, ScopeMixin, django_filters.FilterSet):
    """Which units are ranked together (level, parent), by which KPI and in which scope."""

    kpi = django_filters.ChoiceFilter(
        label=_("Xếp hạng theo"), method="order_only", empty_label=None,
        choices=[(key, KPIS[key].label) for key in RANKABLE],
        widget=PythonSelect(attrs={"class": "form-select"}),
    )
    level = django_filters.ChoiceFilter(
        label=_("Cấp đơn vị"), field_name="level", empty_label=_("Đơn vị trực thuộc"),
        choices=[(Level.DISTRICT, Level.DISTRICT.label), (Level.COMMUNE, Level.COMMUNE.label)],
        widget=PythonSelect(attrs={"class": "form-select"}),
    )
    parent = django_filters.ModelChoiceFilter(
        label=_("Thuộc"), field_name="parent", empty_label=_("Tất cả"),
        queryset=AdministrativeUnit.objects.none(),
        widget=PythonSelect(attrs={"class": "form-select"}),
    )
    scope = scope_filter()
    q = search_filter()

    class Meta:
        model = AdministrativeUnit
        fields = ["kpi", "level", "parent", "scope", "q"]

    def __init__(self, *args, root: AdministrativeUnit, ranked_level: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["level"].extra["choices"] = levels_of(
            root.unit_list, (Level.DISTRICT, Level.COMMUNE))
        self.filters["parent"].queryset = root.children.filter(
            level=Level.DISTRICT).order_by("code")
        self.ranked_level = ranked_level
        self._label_scopes(ranked_level)

    def order_only(self, queryset, name, value):
        return queryset  # the KPI orders the ranking; it does not choose units

    @property
    def kpi_key(self) -> str:
        chosen = self.form.cleaned_data.get("kpi") if self.form.is_valid() else None
        return chosen or DEFAULT_KPI


class NationalRankingFilter(RowFilterMixin, ScopeMixin, django_filters.FilterSet):
    """The national ranking: one level of the whole country, ranked by a KPI, provinces (and
    districts) by their whole area unless their own level is chosen."""

    kpi = RankingFilter.base_filters["kpi"]
    level = django_filters.ChoiceFilter(
        label=_("Cấp đơn vị"), method="order_only", empty_label=None,
        choices=[(Level.PROVINCE, Level.PROVINCE.label), (Level.DISTRICT, Level.DISTRICT.label),
                 (Level.COMMUNE, Level.COMMUNE.label)],
        widget=PythonSelect(attrs={"class": "form-select"}),
    )

    scope = scope_filter()
    q = search_filter()
    province = django_filters.ModelChoiceFilter(
        label=_("Tỉnh"), method="order_only", empty_label=_("Cả nước"),
        queryset=AdministrativeUnit.objects.none(),
        widget=PythonSelect(attrs={"class": "form-select"}),
    )

    class Meta:
        model = AdministrativeUnit
        fields = ["kpi", "level", "scope", "province", "q"]

    def __init__(self, *args, unit_list: str, on, **kwargs):
        """``unit_list`` the ranked list; ``on`` the period's end (the provinces offered)."""
        super().__init__(*args, **kwargs)
        self.filters["level"].extra["choices"] = levels_of(
            unit_list, (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE))
        self.filters["province"].queryset = AdministrativeUnit.objects.filter(
            unit_list=unit_list, level=Level.PROVINCE).as_of(on).order_by("code")
        raw = self.data.get("level") if self.is_bound else None
        self._label_scopes(int(raw) if raw in {str(level) for level in Level.values}
                           else Level.PROVINCE)

    @property
    def ranked_level(self) -> int:
        return self.chosen_level

    def order_only(self, queryset, name, value):
        return queryset  # the view chooses the units by level; the KPI only orders them

    @property
    def chosen_level(self) -> int:
        chosen = self.form.cleaned_data.get("level") if self.form.is_valid() else None
        return int(chosen) if chosen else Level.PROVINCE

    kpi_key = RankingFilter.kpi_key
