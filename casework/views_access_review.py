"""Access review pages for supervisors: the team's cases, who can reach each and why, and
removing a person's grant or break-glass access (casework.access_review)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts import audit
from accounts.forms_govuk import GovukForm
from accounts.models import AuditEvent, Role
from casework import access_review as review
from casework.selectors import SlicePage

INDIVIDUAL_LIMIT = 200


class RemoveAccessForm(GovukForm):
    reason = forms.CharField(
        label="Why are you removing this access?",
        max_length=review.REASON_MAX,
        help_text="This is kept in the audit trail.",
        error_messages={"required": "Say why you are removing this access"},
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def page_number(request) -> int:
    try:
        return int(request.GET.get("page", "1"))
    except ValueError:
        return 1


@require_GET
def access_review(request):
    cases = review.reviewable_cases(request.user)
    page = SlicePage(
        cases.select_related("perpetrator", "team", "case_manager", "supervisor").order_by(
            "team__name", "-id"
        ),
        page_number(request),
    )
    individual = list(
        review.direct_grants(cases).order_by("content_object_id", "user__full_name")[:INDIVIDUAL_LIMIT]
    )
    break_glass = list(
        review.live_break_glass(cases).order_by("case_id", "user__full_name")[:INDIVIDUAL_LIMIT]
    )
    shown = {case.pk: case for case in page}
    shown.update({grant.content_object.pk: grant.content_object for grant in individual})
    shown.update({access.case.pk: access.case for access in break_glass})
    audit.record_many(request, AuditEvent.Action.VIEW, list(shown.values()), purpose="access review")
    return render(
        request,
        "casework/access_review/review.html",
        {
            "page": page,
            "members": review.team_members(request.user.team_ids(Role.SUPERVISOR)),
            "grants": [(grant, review.grant_label(grant)) for grant in individual],
            "break_glass": break_glass,
            "limit": INDIVIDUAL_LIMIT,
            "more": len(individual) == INDIVIDUAL_LIMIT or len(break_glass) == INDIVIDUAL_LIMIT,
        },
    )


@require_GET
def case_reach(request, pk):
    case = review.get_case_for_review(request.user, pk)
    audit.record(request, AuditEvent.Action.VIEW, case, purpose="access review")
    return render(
        request,
        "casework/access_review/case.html",
        {"case": case, "people": review.who_can_reach(case)},
    )


def remove_access(
    request, *, record, reach, remove, template: str, context: dict, success: str, done_url: str
):
    """The remove-access page for any record under review (cases here, victim records in
    victims.views_access_review): confirm with a reason, call `remove(user=, reason=)`, then go
    back to who can reach the record."""
    if reach is None or not reach.removable:
        raise Http404("This person has no access here that can be removed")
    audit.record(request, AuditEvent.Action.VIEW, record, purpose="remove access")
    form = RemoveAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            remove(user=reach.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            for error in exc.messages:
                form.add_error(None, error)
        else:
            messages.success(request, success)
            return HttpResponseRedirect(done_url)
    return render(request, template, {**context, "reach": reach, "form": form})


@require_http_methods(["GET", "POST"])
def case_reach_remove(request, pk, user_pk):
    case = review.get_case_for_review(request.user, pk)
    reach = review.reach_of(case, user_pk)

    def remove(*, user, reason):
        review.case_access_remove(case=case, user=user, reason=reason, actor=request.user, request=request)

    return remove_access(
        request,
        record=case,
        reach=reach,
        remove=remove,
        template="casework/access_review/remove.html",
        context={"case": case},
        success=f"{reach.user if reach else ''} no longer has a grant or break-glass access to "
        f"{case.reference}. Their sessions have ended.",
        done_url=reverse("casework:case_reach", args=[case.pk]),
    )
