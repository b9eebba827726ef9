from django.contrib import admin

from cchc.satisfaction.models import SipasResult


@admin.register(SipasResult)
class SipasResultAdmin(admin.ModelAdmin):
    list_display = ("unit", "year", "overall", "access", "procedures", "civil_servants",
                    "results", "feedback")
    list_filter = ("year", "unit__unit_list", "unit__level")
    search_fields = ("unit__code", "unit__search_name")
    raw_id_fields = ("unit",)
