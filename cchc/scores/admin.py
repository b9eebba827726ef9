from django.contrib import admin

from cchc.scores.models import ParAssessment, ParBand, ParCriterion, ParScheme, ParScore


class ParBandInline(admin.TabularInline):
    model = ParBand
    extra = 0


@admin.register(ParScheme)
class ParSchemeAdmin(admin.ModelAdmin):
    list_display = ("name", "year", "level", "issuer", "decision")
    list_filter = ("year", "level")
    search_fields = ("name", "decision", "issuer__search_name")
    raw_id_fields = ("issuer",)
    inlines = [ParBandInline]


@admin.register(ParCriterion)
class ParCriterionAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "max_points", "part", "scheme")
    list_filter = ("scheme", "part")
    search_fields = ("code", "title")
    raw_id_fields = ("parent",)


class ParScoreInline(admin.TabularInline):
    model = ParScore
    extra = 0
    raw_id_fields = ("criterion",)


@admin.register(ParAssessment)
class ParAssessmentAdmin(admin.ModelAdmin):
    list_display = ("unit", "scheme", "status", "points", "max_points", "rank", "rank_of", "band")
    list_filter = ("status", "scheme__year", "scheme__level")
    search_fields = ("unit__code", "unit__search_name")
    raw_id_fields = ("unit",)
    list_select_related = ("unit", "scheme")
    inlines = [ParScoreInline]
