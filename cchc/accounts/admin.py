from django.contrib import admin

from cchc.accounts.models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "unit")
    list_filter = ("role", "unit__level")
    search_fields = ("user__username", "user__first_name", "user__last_name", "unit__search_name")
    raw_id_fields = ("unit",)
    list_select_related = ("user", "unit")
