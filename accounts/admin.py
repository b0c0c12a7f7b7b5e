from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.core.exceptions import ValidationError

from accounts import audit, memberships
from accounts.models import Area, AuditEvent, Membership, Organisation, Team, User, normalise_email


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


class MembershipAdminForm(forms.ModelForm):
    """A membership form that refuses changes to the signed-in administrator's own memberships
    (the service refuses them too: accounts.memberships)."""

    actor = None  # set per request by the admin classes below

    class Meta:
        model = Membership
        fields = ["user", "team", "role", "active"]

    def clean(self):
        data = super().clean()
        if not self.has_changed():
            return data  # shown unchanged (one's own memberships are shown read-only)
        user = data.get("user") or (self.instance.user if self.instance.user_id else None)
        stored = Membership.objects.filter(pk=self.instance.pk).values_list("user_id", flat=True).first()
        try:
            memberships.check_not_own(actor=self.actor, user_ids=[getattr(user, "pk", None), stored])
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None
        return data


def _form_for(request, form_class):
    return type(form_class.__name__, (form_class,), {"actor": request.user})


def _own_user(request, obj) -> bool:
    return obj is not None and getattr(obj, "pk", None) == request.user.pk


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipAdminForm
    extra = 0
    autocomplete_fields = ["team"]
    fields = ["team", "role", "active"]
    can_delete = False  # a membership is ended (untick "active"), never deleted: it is the record

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = _form_for(request, MembershipAdminForm)
        return super().get_formset(request, obj, **kwargs)

    def has_add_permission(self, request, obj=None) -> bool:
        return not _own_user(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return not _own_user(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class TidelineUserCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ["email", "full_name"]

    def clean_email(self) -> str:
        return normalise_email(self.cleaned_data["email"])


class TidelineUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self) -> str:
        return normalise_email(self.cleaned_data["email"])


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

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if _own_user(request, obj):
            fields += list(memberships.USER_FLAGS)  # nobody changes their own account or rights
        return fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # switch the account off instead: its memberships and audit trail stay

    def save_model(self, request, obj, form, change):
        flags = {
            name: getattr(obj, name)
            for name in memberships.USER_FLAGS
            if change and name in form.changed_data
        }
        if flags:  # saved by the service, which audits them and refuses one's own
            stored = User.objects.get(pk=obj.pk)
            for name in flags:
                setattr(obj, name, getattr(stored, name))
        super().save_model(request, obj, form, change)
        if not change:
            audit.record(request, AuditEvent.Action.CREATE, obj, purpose=f"Account created: {obj.email}")
        if flags:
            memberships.user_flags_change(user=obj, actor=request.user, **flags)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        for membership in formset.save(commit=False):
            memberships.membership_save(membership=membership, actor=request.user)
        return None


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipAdminForm
    list_display = ["user", "team", "role", "active", "created_at"]
    list_filter = ["role", "active", "team__area"]
    search_fields = ["user__email", "user__full_name", "team__name"]
    autocomplete_fields = ["user", "team"]
    list_select_related = ["user", "team"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = _form_for(request, MembershipAdminForm)
        return super().get_form(request, obj, change, **kwargs)

    def has_change_permission(self, request, obj=None) -> bool:
        own = obj is not None and obj.user_id == request.user.pk
        return not own and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # end it (untick "active") instead: the membership is the record of who had access

    def save_model(self, request, obj, form, change):
        memberships.membership_save(membership=obj, actor=request.user)


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

    # Reading the trail is itself audited, here as on the DPO's page (accounts.audit_views).
    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if request.method == "GET":
            searched = request.GET.urlencode()[:400] or "no filters"
            audit.record(
                request,
                AuditEvent.Action.SEARCH,
                object_type="accounts.auditevent",
                purpose=f"audit trail in Django admin: {searched}",
            )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            audit.record(
                request,
                AuditEvent.Action.VIEW,
                object_type="accounts.auditevent",
                object_id=str(object_id)[:64],
                purpose="audit event in Django admin",
            )
        return response

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


from accounts.admin_api import ApiTokenAdmin  # noqa: E402,F401
