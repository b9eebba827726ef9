from django.contrib import admin

from cchc.dossiers.models import DossierLine, DossierReport, ProcedureField


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
