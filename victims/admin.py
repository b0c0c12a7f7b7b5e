"""Admin for victims' reference data only.

Admin rights do not open victim records (DESIGN.md §1, §3). So no victim model is
registered here: not Victim or VictimLink (the record and who harms them), not the
restricted models (addresses, contacts, safe contact, safety plan and notes, children,
Operation Encompass), not the DASH answers, consent ledger, shared notes, outcomes or
new-partner notices. Leaving them unregistered (rather than registering them with no
view permission) means no admin URL, search box, autocomplete or "history" page exists
for them at all; tests/victims/test_canary.py checks this stays true. Administrators load
and activate DASH checklist versions here, and set the escalation threshold on them.
"""

from django.contrib import admin

from victims.models import DashInstrument


@admin.register(DashInstrument)
class DashInstrumentAdmin(admin.ModelAdmin):
    list_display = ["version", "title", "active", "escalation_incidents", "created_at"]
    list_filter = ["active"]
    search_fields = ["version", "title"]
    readonly_fields = ["created_at"]

    def get_readonly_fields(self, request, obj=None):
        # A version that has been used is history: its wording must not change under it.
        if obj is not None and obj.assessments.exists():
            return ["version", "questions", "created_at"]
        return self.readonly_fields
