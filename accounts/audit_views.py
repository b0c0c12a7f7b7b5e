"""The audit trail page for the data protection officer."""

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.forms_govuk import GovukForm
from accounts.models import AuditEvent


class AuditFilterForm(GovukForm):
    user_email = forms.CharField(label="User's email address", required=False, max_length=254)
    object_type = forms.CharField(
        label="Record type", required=False, max_length=60, help_text="For example casework.case"
    )
    object_id = forms.CharField(label="Record number", required=False, max_length=64)
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "Any action"), *AuditEvent.Action.choices]
    )


@require_GET
def audit_trail(request):
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.all()
    if form.is_valid():
        data = form.cleaned_data
        if data["user_email"]:
            events = events.filter(user_email__iexact=data["user_email"].strip())
        if data["object_type"]:
            events = events.filter(object_type=data["object_type"].strip().lower())
        if data["object_id"]:
            events = events.filter(object_id=data["object_id"].strip())
        if data["action"]:
            events = events.filter(action=data["action"])
    paginator = Paginator(events.order_by("-occurred_at", "-id"), 50)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "accounts/audit_trail.html", {"form": form, "page": page})
