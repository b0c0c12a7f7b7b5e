"""Django admin for orders, custody, incidents and the RFG scoring configuration.

The scoring model is reference data: admins create versions, set weights and activate one.
A version already used by a score is read-only (copy it into a new version instead).
Orders, custody, incidents and scores are personal data: the admin lists are narrowed by the
case access policy and are read-only (writes go through the case pages and their services).
"""

from __future__ import annotations

from django.contrib import admin, messages

from casework import services_legal
from casework.access import on_visible_cases
from casework.models import CustodyRecord, Incident, Order, RfgGravityWeight, RfgModel, RfgScore


class RfgGravityWeightInline(admin.TabularInline):
    model = RfgGravityWeight
    extra = 0
    fields = ["offence", "weight"]

    def _editable(self, obj) -> bool:
        return obj is None or not obj.in_use

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


@admin.register(RfgModel)
class RfgModelAdmin(admin.ModelAdmin):
    list_display = ["version", "name", "is_active", "lookback_months", "created_at"]
    list_filter = ["is_active"]
    inlines = [RfgGravityWeightInline]
    actions = ["activate", "copy_as_new_version"]
    readonly_fields = ["is_active", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.in_use:
            # Scores point at this version: changing it would change what they mean.
            return [f.name for f in RfgModel._meta.fields if f.name != "id"]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return (obj is None or not obj.in_use) and super().has_delete_permission(request, obj)

    @admin.action(description="Make the selected version the active one")
    def activate(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Choose exactly one version to activate.", messages.ERROR)
            return
        model = services_legal.rfg_model_activate(actor=request.user, model=queryset.get())
        self.message_user(request, f"Version {model.version} is now the active RFG model.")

    @admin.action(description="Copy the selected version into a new, inactive version")
    def copy_as_new_version(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Choose exactly one version to copy.", messages.ERROR)
            return
        model = services_legal.rfg_model_new_version(actor=request.user, based_on=queryset.get())
        self.message_user(request, f"Version {model.version} created. Edit it, then activate it.")


class ScopedReadOnlyAdmin(admin.ModelAdmin):
    """Rows on cases the admin user could open anyway (normally none); never edited here."""

    show_full_result_count = False  # one count per page, not two

    case_path = "case"

    def get_queryset(self, request):
        return on_visible_cases(super().get_queryset(request), request.user, self.case_path)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(ScopedReadOnlyAdmin):
    list_display = ["__str__", "kind", "made_on", "expires_on", "case"]
    list_filter = ["kind"]
    list_select_related = ["case"]
    exclude = ["protected_persons"]


@admin.register(CustodyRecord)
class CustodyRecordAdmin(ScopedReadOnlyAdmin):
    list_display = ["__str__", "sentence_date", "expected_release_on", "released_on", "case"]
    list_select_related = ["case"]


@admin.register(Incident)
class IncidentAdmin(ScopedReadOnlyAdmin):
    case_path = "perpetrator__cases"
    list_display = ["__str__", "offence", "occurred_on", "is_domestic_abuse", "source", "police_reference"]
    list_filter = ["source", "is_domestic_abuse", "offence"]
    exclude = ["victim_links"]


@admin.register(RfgScore)
class RfgScoreAdmin(ScopedReadOnlyAdmin):
    list_display = ["case", "kind", "score", "model", "as_of"]
    list_filter = ["kind"]
    list_select_related = ["case", "model"]
