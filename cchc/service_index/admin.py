from django.contrib import admin

from cchc.service_index.models import IndicatorValue, ServiceIndicator


@admin.register(ServiceIndicator)
class ServiceIndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "group_title", "title", "points", "threshold_percent", "source")
    ordering = ("position",)


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ("indicator", "unit", "period", "rate_percent")
    list_filter = ("indicator", "period")
    raw_id_fields = ("unit",)
