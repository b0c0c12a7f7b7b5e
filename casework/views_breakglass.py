from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.forms_govuk import GovukForm
from casework.breakglass import MIN_REASON, NOT_ELIGIBLE, break_glass_open, may_break_glass


class BreakGlassForm(GovukForm):
    reference = forms.CharField(
        label="Case reference",
        max_length=20,
        help_text="For example TL-000123",
        error_messages={"required": "Enter the case reference"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )
    reason = forms.CharField(
        label="Why do you need this record now?",
        max_length=1000,
        help_text=(
            "This is recorded, shown to the record's team and kept in the audit trail. Do not include "
            "an address, postcode, phone number or email address."
        ),
        error_messages={"required": "Explain why you need this record now"},
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    confirm = forms.BooleanField(
        label="I understand my access is recorded, lasts 4 hours and the record's team will be told",
        error_messages={"required": "Confirm that you understand how break-glass access works"},
    )


@require_http_methods(["GET", "POST"])
def break_glass(request):
    if not may_break_glass(request.user):
        # Said before any reference is read: the refusal is about the role, never about a record.
        return render(request, "casework/break_glass.html", {"refusal": NOT_ELIGIBLE}, status=403)
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            grant = break_glass_open(
                reference=form.cleaned_data["reference"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
                request=request,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(
                request, f"You have emergency access to this record until {grant.expires_at:%H:%M}."
            )
            return redirect("casework:case", pk=grant.case_id)
    return render(request, "casework/break_glass.html", {"form": form, "min_reason": MIN_REASON})
