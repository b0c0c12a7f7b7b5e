from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm

from accounts.models import Area, AuditEvent, Membership, Organisation, Team, User
from accounts.sessions import sessions_end_for


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind"]
    search_fields = ["name", "code"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "area"]
    list_filter = ["kind", "area"]
    search_fields = ["name"]
    autocomplete_fields = ["area"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organisation", "area"]
    list_filter = ["kind", "area"]
    search_fields = ["name", "organisation__name"]
    autocomplete_fields = ["organisation", "area"]
    list_select_related = ["organisation", "area"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["team"]
    fields = ["team", "role", "active"]


class TidelineUserCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ["email", "full_name"]


class TidelineUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = TidelineUserChangeForm
    add_form = TidelineUserCreationForm
    ordering = ["full_name"]
    list_display = ["email", "full_name", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "memberships__role"]
    search_fields = ["email", "full_name"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "full_name", "password"]}),
        ("Status", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})
    ]
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = []

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            sessions_end_for(obj)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        # A membership switched off or removed here ends the person's sessions at once.
        if formset.model is Membership and (
            formset.deleted_objects
            or any(
                "active" in f.changed_data and not f.instance.active for f in formset.forms if f.instance.pk
            )
        ):
            sessions_end_for(form.instance)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "role", "active", "created_at"]
    list_filter = ["role", "active", "team__area"]
    search_fields = ["user__email", "user__full_name", "team__name"]
    autocomplete_fields = ["user", "team"]
    list_select_related = ["user", "team"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "active" in form.changed_data and not obj.active:
            sessions_end_for(obj.user)  # the person signs in again with what remains

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        sessions_end_for(obj.user)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Readable, never editable: the trail is append-only."""

    list_display = [
        "occurred_at",
        "user_email",
        "organisation",
        "role",
        "action",
        "object_type",
        "object_id",
        "ip_address",
    ]
    list_filter = ["action", "object_type"]
    search_fields = ["user_email", "object_id", "request_id"]
    date_hierarchy = "occurred_at"
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


from accounts.admin_api import ApiTokenAdmin  # noqa: E402,F401
from accounts.admin_retention import RetentionPolicyAdmin, RetentionReviewAdmin  # noqa: E402,F401
