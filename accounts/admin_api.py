"""Admin for API tokens: create (the raw key is shown once), scope, revoke. Keys are never editable."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils import timezone

from accounts.models_api import ApiToken, Scope


class ApiTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Scopes limit what the token may do; the service user's access limits what it may see.",
    )

    class Meta:
        model = ApiToken
        fields = ["organisation", "name", "user", "scopes", "expires_at"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    form = ApiTokenForm
    list_display = [
        "name",
        "organisation",
        "user",
        "key_prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = ["organisation__area", "organisation"]
    search_fields = ["name", "organisation__name", "user__email", "key_prefix"]
    autocomplete_fields = ["organisation", "user"]
    list_select_related = ["organisation", "user"]
    readonly_fields = ["key_prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.revoked_at is not None:
            return [*self.readonly_fields, "organisation", "name", "user", "scopes", "expires_at"]
        if obj is not None:
            # A token's owner never changes: issue a new token instead.
            return [*self.readonly_fields, "organisation", "user"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        raw = None
        if not change:
            obj.created_by = request.user
            raw = obj.set_new_key()
        super().save_model(request, obj, form, change)
        if raw is not None:
            messages.warning(
                request,
                f"The key for “{obj.name}” is: {raw} — copy it now into the partner system. "
                "It is not stored and will not be shown again.",
            )

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # revoke instead: the token stays in the trail of who called the API

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"Revoked {count} token(s). They stop working at once.", messages.SUCCESS)
