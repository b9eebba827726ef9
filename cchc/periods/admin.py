from django.contrib import admin

from cchc.periods.models import ReportingPeriod


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ("code", "kind", "start", "end", "cutoff_start", "cutoff_end", "deadline",
                    "is_locked")
    list_filter = ("kind", "year", "is_locked")
    search_fields = ("code",)
    list_editable = ("deadline", "is_locked")
