from django.contrib import admin

from cchc.jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "user", "unit", "status", "progress_done", "progress_total",
                    "created_at", "finished_at"]
    list_filter = ["status", "kind"]
    raw_id_fields = ["user", "unit", "period", "source"]
    readonly_fields = ["created_at", "started_at", "finished_at", "heartbeat_at", "worker",
                       "task_id"]
