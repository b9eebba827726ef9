from django.contrib import admin

from cchc.reminders.models import Reminder


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """The log, read-only: rows are written by send_reminders only. Deleting a row lets the
    next run of that day send its e-mail again (e.g. one left "đang gửi" by a crashed run)."""

    list_display = ("day", "kind", "address", "recipient", "unit", "period", "outcome",
                    "attempts", "sent_at")
    list_filter = ("outcome", "kind", "day")
    search_fields = ("address", "recipient__username", "unit__code", "unit__search_name",
                     "subject")
    list_select_related = ("recipient", "unit", "period")
    date_hierarchy = "day"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
