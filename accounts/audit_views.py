"""The audit trail page for the data protection officer: their own area's events only
(accounts.audit_scope), and every search of it is itself audited."""

import re

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts import audit, audit_scope
from accounts.forms_govuk import GovukForm
from accounts.models import AuditEvent, Role, normalise_email

# A record's reference as people quote it: TL-000065 (a perpetrator's case), V-000123 (a victim-survivor).
REFERENCES = {
    "TL": ("casework.case", "a perpetrator's case"),
    "V": ("victims.victim", "a victim-survivor's record"),
}
REFERENCE = re.compile(r"^(TL|V)-?0*(\d{1,12})$", re.IGNORECASE)


class AuditFilterForm(GovukForm):
    user_email = forms.CharField(label="User's email address", required=False, max_length=254)
    object_type = forms.CharField(
        label="Record type", required=False, max_length=60, help_text="For example casework.case"
    )
    object_id = forms.CharField(
        label="Record number or reference",
        required=False,
        max_length=64,
        help_text="For example 65, TL-000065 or V-000123",
    )
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "Any action"), *AuditEvent.Action.choices]
    )

    def clean_user_email(self) -> str:
        return normalise_email(self.cleaned_data["user_email"])

    def clean_object_type(self) -> str:
        return self.cleaned_data["object_type"].strip().lower()

    def clean(self):
        data = super().clean()
        match = REFERENCE.match(data.get("object_id", "").strip())
        if match:
            kind, described = REFERENCES[match.group(1).upper()]
            if data.get("object_type") and data["object_type"] != kind:
                self.add_error(
                    "object_id",
                    f"{match.group(1).upper()}- references name {described} ({kind}): clear the record "
                    "type or enter a record number",
                )
            else:
                data["object_type"], data["object_id"] = kind, match.group(2)
        else:
            data["object_id"] = data.get("object_id", "").strip()
        return data


def _search_purpose(data: dict, page: str) -> str:
    """What was searched for, as the audit event's purpose: the filters as typed, nothing found."""
    labels = (
        ("user_email", "user"),
        ("object_type", "record type"),
        ("object_id", "record"),
        ("action", "action"),
    )
    used = [f"{label} {data[key]}" for key, label in labels if data.get(key)]
    if page and page != "1":
        used.append(f"page {page[:10]}")
    return "audit trail search: " + ("; ".join(used) if used else "no filters")


@require_GET
def audit_trail(request):
    form = AuditFilterForm(request.GET or None)
    events = audit_scope.events_in_areas(AuditEvent.objects.all(), request.user.area_ids(Role.DPO))
    data: dict = {}
    purpose = None
    if form.is_bound and not form.is_valid():
        events = events.none()  # a search that cannot be read shows its errors, not everything
        purpose = "audit trail search: filters not valid"
    elif form.is_bound:
        data = form.cleaned_data
        if data["user_email"]:
            events = events.filter(user_email__iexact=data["user_email"])
        if data["object_type"]:
            events = events.filter(object_type=data["object_type"])
        if data["object_id"]:
            events = events.filter(object_id=data["object_id"])
        if data["action"]:
            events = events.filter(action=data["action"])
    paginator = Paginator(events.order_by("-occurred_at", "-id"), 50)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)  # the trail as it stood before this search
    audit.record(
        request,
        AuditEvent.Action.SEARCH,
        object_type="accounts.auditevent",
        purpose=purpose or _search_purpose(data, request.GET.get("page", "")),
    )
    return render(request, "accounts/audit_trail.html", {"form": form, "page": page})
