"""The page where a supervisor restricts a case to the people named on it, or clears that
(casework.restriction). 404 when the case is not visible; 403 for anyone but a supervisor of the
case's team or its allocated supervisor."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts import policy
from accounts.forms_govuk import GovukForm
from accounts.safe_text import validate_no_contact_details
from casework.forms import VersionField
from casework.models import Case
from casework.restriction import (
    REASON_MAX,
    RESTRICT,
    case_restrict,
    case_unrestrict,
    keeps_sight,
    named_people,
)
from casework.views import attempt, case_page, view_case

RESTRICTION_FIELDS = ("restricted", "restricted_reason", "restricted_by", "restricted_at", "supervisor")


class RestrictionForm(GovukForm):
    reason = forms.CharField(
        label="Why?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=REASON_MAX,
        validators=[validate_no_contact_details],
        help_text="For example: the person works for a partner agency. Kept on the case and in the audit trail.",
        error_messages={"required": "Enter the reason"},
    )
    version = VersionField()


@require_http_methods(["GET", "POST"])
def case_restriction(request, pk):
    case = view_case(request, pk, purpose="case restriction", action=RESTRICT)
    restricting = not case.restricted
    form = RestrictionForm(request.POST or None, initial={"version": case.version})
    stored = {name: getattr(case, name) for name in RESTRICTION_FIELDS}

    def save(form):
        service = case_restrict if restricting else case_unrestrict
        service(
            case=case,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )

    if request.method == "POST":
        if attempt(form, save):
            if not restricting:
                messages.success(request, "The restriction is removed: the case is open to its team again")
                return HttpResponseRedirect(reverse("casework:case", args=[case.pk]))
            if policy.visible(request.user, Case).filter(pk=case.pk).exists():
                messages.success(request, "Access to this case is restricted")
                return HttpResponseRedirect(reverse("casework:case", args=[case.pk]))
            messages.success(
                request,
                f"{case.reference} is restricted. You are not named on it, so it has left your caseload.",
            )
            return HttpResponseRedirect(reverse("casework:caseload"))
        for name, value in stored.items():  # a refused save may have changed the loaded case
            setattr(case, name, value)
    context = {
        "form": form,
        "restricting": restricting,
        "named": named_people(case, actor=request.user),
        "keeps_sight": keeps_sight(case, request.user),
    }
    return case_page(request, case, "overview", "casework/case_restriction.html", context)
