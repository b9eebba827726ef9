from django.contrib import admin

from cchc.dossiers.models import DossierLine, DossierReport, ProcedureField
from cchc.dossiers.rollups import rollups_rebuild, rollups_refresh


@admin.register(ProcedureField)
class ProcedureFieldAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "position", "applies_to_province", "applies_to_district",
                    "applies_to_commune", "is_active")
    list_filter = ("applies_to_province", "applies_to_district", "applies_to_commune",
                   "is_active")
    search_fields = ("code", "name")


class DossierLineInline(admin.TabularInline):
    model = DossierLine
    extra = 0


@admin.register(DossierReport)
class DossierReportAdmin(admin.ModelAdmin):
    list_display = ("unit", "period", "status", "source", "submitted_at", "updated_at")
    list_filter = ("status", "source", "period__kind", "unit__unit_list", "unit__level")
    search_fields = ("unit__code", "unit__search_name", "period__code")
    raw_id_fields = ("unit", "updated_by")
    list_select_related = ("unit", "period")
    inlines = [DossierLineInline]

    # Edits here bypass the workflow services: keep the precomputed totals in step all the same.
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        rollups_refresh(unit=form.instance.unit, period=form.instance.period)

    def delete_model(self, request, obj):
        unit, period = obj.unit, obj.period
        super().delete_model(request, obj)
        rollups_refresh(unit=unit, period=period)

    def delete_queryset(self, request, queryset):
        periods = {report.period for report in queryset.select_related("period")}
        super().delete_queryset(request, queryset)
        rollups_rebuild(periods=periods)
