"""Pages reached from the perpetrator's case: the safe view and "record a new partner".

These run as perpetrator-side users. They load the case through casework's access function
and never load a victim-restricted row: only `safe_view` is used.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts import audit, policy
from accounts.models import AuditEvent
from casework.selectors import get_case_for_user
from victims import forms, safe_view, services


@require_GET
def linked_victims(request, case_pk):
    case = get_case_for_user(request.user, case_pk)
    context = safe_view.case_section_context(case=case, user=request.user)
    audit.record(request, AuditEvent.Action.VIEW, case, purpose="linked victims (safe view)")
    return render(request, "victims/case_linked_victims.html", context)


@require_http_methods(["GET", "POST"])
def new_partner(request, case_pk):
    case = get_case_for_user(request.user, case_pk, action=policy.EDIT)
    form = forms.NewPartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.new_partner_notice_create(
                actor=request.user, case=case, what_is_known=form.cleaned_data["what_is_known"]
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, messages_ in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, messages_)
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(request, "Recorded. The IDVA team has been given this to pick up.")
            return redirect("victims:case_linked_victims", case.pk)
    return render(
        request,
        "victims/form.html",
        {
            "form": form,
            "case": case,
            "title": "Record a new partner",
            "caption": f"{case.reference} {case.perpetrator}",
            "back": reverse("victims:case_linked_victims", args=[case.pk]),
            "button": "Pass to the IDVA team",
        },
    )
