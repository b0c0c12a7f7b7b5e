"""Admin sets up panels: type, area, coordinator team, chair, member agencies and representatives.

Meetings, agendas, research and minutes are run in the service, not here (so the access
policy and audit trail apply); admin shows them read-only for support.
"""

from django.contrib import admin

from panels.models import MeetingPack, Panel, PanelMembership


class PanelMembershipInline(admin.TabularInline):
    model = PanelMembership
    extra = 0
    autocomplete_fields = ["organisation", "representatives"]


@admin.register(Panel)
class PanelAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "area", "coordinator_team", "chair", "meeting_frequency"]
    list_filter = ["kind", "area"]
    search_fields = ["name"]
    autocomplete_fields = ["area", "coordinator_team", "chair"]
    list_select_related = ["area", "coordinator_team", "chair"]
    inlines = [PanelMembershipInline]
    fields = ["name", "kind", "area", "coordinator_team", "chair", "protective_marking", "meeting_frequency"]


@admin.register(MeetingPack)
class MeetingPackAdmin(admin.ModelAdmin):
    """Pack generation status for support: no contents, no download (downloads are audited in the service)."""

    list_display = ["reference", "meeting", "recipient", "status", "requested_at", "generated_at"]
    list_filter = ["status"]
    list_select_related = ["meeting__panel", "organisation"]
    readonly_fields = [f.name for f in MeetingPack._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
