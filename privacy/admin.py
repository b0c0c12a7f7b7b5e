"""Admin for retention: policies are editable; reviews are read-only (decided on the review pages)."""

from django.contrib import admin

from privacy.models import RetentionPolicy, RetentionReview


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(admin.ModelAdmin):
    list_display = ["record_type", "years", "anchor", "active", "updated_at"]
    list_editable = ["years", "active"]
    readonly_fields = ["anchor", "updated_at"]
    fields = ["record_type", "years", "anchor", "active", "notes", "updated_at"]

    @admin.display(description="Counted from")
    def anchor(self, obj):
        return obj.anchor

    def has_delete_permission(self, request, obj=None) -> bool:
        # Turn a record type off with "active" instead: a missing row falls back to the default.
        return False


@admin.register(RetentionReview)
class RetentionReviewAdmin(admin.ModelAdmin):
    list_display = ["reference", "record_type", "due_on", "status", "decided_by", "decided_at"]
    list_filter = ["record_type", "status"]
    search_fields = ["reference", "object_id"]
    list_select_related = ["decided_by"]
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
