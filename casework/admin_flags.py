"""Risk flags in admin: read-only, for support staff to see what the jobs raised.

Admin rights do not open casework (DESIGN.md §1), so flag text, which can name people, is not
shown here: only kinds, dates, keys and delivery state. Schedules are edited under
"Periodic tasks" (django-celery-beat).
"""

from django.contrib import admin

from casework.models import FlagRecipient, RiskFlag, ScanRun


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RiskFlag)
class RiskFlagAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "audience", "subject_key", "trigger_date", "created_at"]
    list_filter = ["kind", "audience"]
    date_hierarchy = "trigger_date"
    fields = ["kind", "audience", "subject_key", "trigger_date", "created_at"]
    readonly_fields = fields
    show_full_result_count = False


@admin.register(FlagRecipient)
class FlagRecipientAdmin(ReadOnlyAdmin):
    list_display = ["id", "flag_id", "user", "created_at", "notified_at", "acknowledged_at", "escalated_at"]
    list_filter = ["flag__kind"]
    raw_id_fields = ["flag", "user", "team", "escalated_from"]
    fields = ["flag", "user", "team", "created_at", "notified_at", "acknowledged_at", "escalated_at"]
    readonly_fields = fields
    list_select_related = ["user"]
    show_full_result_count = False


@admin.register(ScanRun)
class ScanRunAdmin(ReadOnlyAdmin):
    """When each risk rule last ran in full; delete a row to make the next re-scan run that rule."""

    list_display = ["key", "day", "marker", "finished_at"]
    fields = list_display
    readonly_fields = fields
