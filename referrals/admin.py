"""Admin for referral reference data. Referrals themselves are read-only here, and named
victims' restricted details are not registered at all: admin rights open no victim data."""

from django.contrib import admin

from referrals.models import (
    BankHoliday,
    PerpetratorMerge,
    Referral,
    ReferralTargetRatio,
    ScreeningCriterion,
    ServiceTarget,
    SignpostService,
)


@admin.register(ScreeningCriterion)
class ScreeningCriterionAdmin(admin.ModelAdmin):
    list_display = ["question", "kind", "team", "organisation", "intervention_type", "active", "order"]
    list_filter = ["kind", "active", "intervention_type"]
    list_editable = ["active", "order"]
    autocomplete_fields = ["team", "organisation"]
    search_fields = ["question"]


@admin.register(SignpostService)
class SignpostServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "area", "contact", "active"]
    list_filter = ["area", "active"]
    search_fields = ["name", "description"]


@admin.register(ServiceTarget)
class ServiceTargetAdmin(admin.ModelAdmin):
    list_display = ["team", "first_contact_working_days"]
    autocomplete_fields = ["team"]


@admin.register(ReferralTargetRatio)
class ReferralTargetRatioAdmin(admin.ModelAdmin):
    list_display = ["team", "pathway", "target_percent"]
    list_filter = ["pathway"]
    autocomplete_fields = ["team"]


@admin.register(BankHoliday)
class BankHolidayAdmin(admin.ModelAdmin):
    """A row an admin saves becomes theirs: the calendar fill (referrals.bank_holidays) never
    changes it again. A holiday from the calendar is not deleted (the next fill would put it
    back) but marked a working day."""

    list_display = ["date", "title", "working_day", "source"]
    list_filter = ["source", "working_day"]
    fields = ["date", "title", "working_day", "source"]
    readonly_fields = ["source"]
    date_hierarchy = "date"
    search_fields = ["title"]

    def save_model(self, request, obj, form, change):
        obj.source = BankHoliday.Source.ADMIN
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.package_date is not None:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        # Bulk deletion would take calendar holidays with it; delete an admin's row one at a time.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    """Status and routing only: no names, no concerns (admin opens no casework record)."""

    list_display = ["reference", "team", "pathway", "status", "received_on", "first_contact_due_on"]
    list_filter = ["status", "pathway", "team__area"]
    fields = ["team", "pathway", "status", "received_on", "first_contact_due_on", "first_contact_on"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("team")


@admin.register(PerpetratorMerge)
class PerpetratorMergeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "merged_by", "merged_at", "undone_at"]
    fields = ["survivor", "merged", "reason", "merged_by", "merged_at", "moved", "undone_by", "undone_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
