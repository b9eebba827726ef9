from django.contrib import admin

from cchc.accounts.models import Profile
from cchc.accounts.services import account_assign


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "unit")
    list_filter = ("role", "unit__level")
    search_fields = ("user__username", "user__first_name", "user__last_name", "unit__search_name")
    raw_id_fields = ("unit",)
    list_select_related = ("user", "unit")

    def save_model(self, request, obj, form, change):
        # Through the service, so the account's group (its permissions) follows the role.
        account_assign(user=obj.user, role=obj.role, unit=obj.unit)
