"""Access review pages (privacy.access_review): a supervisor's cases or an IDVA team supervisor's
victim records, who can reach each and why, and removing a person's grant or break-glass access.

The same three pages serve both kinds of record; the URL says which (`privacy/urls.py`).
"""

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
from casework.selectors import SlicePage
from privacy import access_review as review
from privacy.access_review import CASE, VICTIM, Subject

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


def _review(request, subject: Subject):
    records = review.reviewable(request.user, subject)
    page = SlicePage(
        records.select_related(*subject.select_related).order_by("team__name", "-id"), page_number(request)
    )
    grants = list(
        review.direct_grants(subject, records).order_by("content_object_id", "user__full_name")[
            :INDIVIDUAL_LIMIT
        ]
    )
    break_glass = []
    if subject.has_break_glass:
        break_glass = list(
            review.live_break_glass(records).order_by("case_id", "user__full_name")[:INDIVIDUAL_LIMIT]
        )
    shown = {record.pk: record for record in page}
    shown.update({grant.content_object.pk: grant.content_object for grant in grants})
    shown.update({access.case.pk: access.case for access in break_glass})
    audit.record_many(request, AuditEvent.Action.VIEW, list(shown.values()), purpose="access review")
    return render(
        request,
        "privacy/access_review/review.html",
        {
            "subject": subject,
            "page": page,
            "members": review.team_members(subject, request.user.team_ids(Role.SUPERVISOR)),
            "grants": [(grant, review.grant_label(grant)) for grant in grants],
            "break_glass": break_glass,
            "limit": INDIVIDUAL_LIMIT,
            "more": len(grants) == INDIVIDUAL_LIMIT or len(break_glass) == INDIVIDUAL_LIMIT,
        },
    )


def _reach(request, subject: Subject, pk):
    record = review.get_for_review(request.user, subject, pk)
    audit.record(request, AuditEvent.Action.VIEW, record, purpose="access review")
    return render(
        request,
        "privacy/access_review/record.html",
        {"subject": subject, "record": record, "people": review.who_can_reach(record)},
    )


def _reach_remove(request, subject: Subject, pk, user_pk):
    """Confirm with a reason, remove the person's grants (and break-glass), then go back to who
    can reach the record."""
    record = review.get_for_review(request.user, subject, pk)
    reach = review.reach_of(record, user_pk)
    if reach is None or not reach.removable:
        raise Http404("This person has no access here that can be removed")
    audit.record(request, AuditEvent.Action.VIEW, record, purpose="remove access")
    form = RemoveAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review.access_remove(
                record=record,
                user=reach.user,
                reason=form.cleaned_data["reason"],
                actor=request.user,
                request=request,
            )
        except ValidationError as exc:
            for error in exc.messages:
                form.add_error(None, error)
        else:
            removed = "a grant or break-glass access" if subject.has_break_glass else "a grant"
            messages.success(
                request,
                f"{reach.user} no longer has {removed} to {record.reference}. Their sessions have ended.",
            )
            return HttpResponseRedirect(reverse(f"privacy:{subject.key}_reach", args=[record.pk]))
    return render(
        request,
        "privacy/access_review/remove.html",
        {"subject": subject, "record": record, "reach": reach, "form": form},
    )


@require_GET
def case_access_review(request):
    return _review(request, CASE)


@require_GET
def case_reach(request, pk):
    return _reach(request, CASE, pk)


@require_http_methods(["GET", "POST"])
def case_reach_remove(request, pk, user_pk):
    return _reach_remove(request, CASE, pk, user_pk)


@require_GET
def victim_access_review(request):
    return _review(request, VICTIM)


@require_GET
def victim_reach(request, pk):
    return _reach(request, VICTIM, pk)


@require_http_methods(["GET", "POST"])
def victim_reach_remove(request, pk, user_pk):
    return _reach_remove(request, VICTIM, pk, user_pk)
