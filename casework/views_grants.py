"""A supervisor gives a named practitioner access to one case (casework.grants)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts import audit
from accounts.forms_govuk import GovukForm
from accounts.models import AuditEvent
from accounts.safe_text import validate_no_contact_details
from casework import grants


class GrantAccessForm(GovukForm):
    email = forms.EmailField(
        label="Their work email address",
        max_length=254,
        help_text="The practitioner must already have a Tideline account, in any agency.",
        error_messages={
            "required": "Enter their work email address",
            "invalid": "Enter an email address in the correct format, like name@agency.gov.uk",
        },
    )
    level = forms.ChoiceField(
        label="What may they do?",
        choices=[
            (grants.VIEW, "See the case"),
            (grants.CHANGE, "See the case and record work on it"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what they may do"},
    )
    reason = forms.CharField(
        label="Why do they need access?",
        max_length=500,
        help_text="For example: offender manager on licence supervision. Kept in the audit trail.",
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_contact_details],
        error_messages={"required": "Say why they need access"},
    )


@require_http_methods(["GET", "POST"])
def case_grant(request, pk):
    case = grants.get_case_for_grants(request.user, pk)
    form = GrantAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = grants.grantee_by_email(form.cleaned_data["email"])
            grants.case_access_grant(
                case=case,
                user=user,
                level=form.cleaned_data["level"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, f"{user} can now reach {case.reference}.")
            return HttpResponseRedirect(reverse("privacy:case_reach", args=[case.pk]))
    audit.record(request, AuditEvent.Action.VIEW, case, purpose="give access")
    return render(request, "casework/grants/grant.html", {"case": case, "form": form})
