from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cchc.units.models import AdministrativeUnit, UnitSuccession
from cchc.units.text import fold


class SuccessorInline(admin.TabularInline):
    model = UnitSuccession
    fk_name = "predecessor"
    raw_id_fields = ("successor",)
    extra = 0
    verbose_name_plural = _("Đơn vị kế thừa (từ 1/7/2025)")


class PredecessorInline(admin.TabularInline):
    model = UnitSuccession
    fk_name = "successor"
    raw_id_fields = ("predecessor",)
    extra = 0
    verbose_name_plural = _("Đơn vị tiền thân (trước 1/7/2025)")


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = (
        "code", "name", "kind", "level", "parent", "unit_list", "valid_from", "valid_to"
    )
    list_filter = ("unit_list", "level", "kind")
    search_fields = ("code", "name", "search_name")
    list_select_related = ("parent",)
    raw_id_fields = ("parent", "province")
    inlines = [SuccessorInline, PredecessorInline]

    def get_search_results(self, request, queryset, search_term):
        # Accent- and tone-mark-insensitive, as everywhere else in the app.
        return super().get_search_results(request, queryset, fold(search_term) or search_term)

    def save_model(self, request, obj, form, change):
        obj.search_name = fold(obj.name)
        super().save_model(request, obj, form, change)


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(admin.ModelAdmin):
    list_display = ("predecessor", "successor", "kind", "is_principal", "effective_date")
    list_filter = ("kind", "is_principal")
    search_fields = ("predecessor__code", "predecessor__search_name", "successor__code",
                     "successor__search_name")
    raw_id_fields = ("predecessor", "successor")
    list_select_related = ("predecessor", "successor")
