"""Retention review pages: the reviews due to a supervisor, IDVA manager, panel coordinator or DPO,
and the two decisions (erase on confirmation, or keep longer with a reason)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.forms_govuk import GovukForm
from privacy import retention
from privacy.models import RecordType, RetentionPolicy, RetentionReview

PAGE_SIZE = 50


class ExtendForm(GovukForm):
    until = forms.DateField(
        label="Keep it until",
        help_text="The record comes back for review on this date. For example, 27 3 2028",
    )
    reason = forms.CharField(
        label="Why it must be kept longer",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example: civil proceedings are ongoing. Do not write personal details here.",
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].replace("\x00", "").strip()
        if not reason:
            raise ValidationError("Enter why the record must be kept longer")
        return reason

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until <= timezone.localdate():
            raise ValidationError("The new review date must be in the future")
        return until


class EraseForm(GovukForm):
    confirm = forms.BooleanField(
        label="I confirm the personal data in this record can be erased now",
        error_messages={"required": "Confirm that the personal data can be erased"},
    )


def _apply(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@require_GET
def review_list(request):
    show = request.GET.get("show", "pending")
    if show not in ("pending", "decided"):
        show = "pending"
    reviews = retention.reviews_visible_to(request.user).select_related("team", "decided_by")
    if show == "pending":
        reviews = reviews.filter(status=RetentionReview.Status.PENDING).order_by("due_on", "id")
    else:
        reviews = reviews.exclude(status=RetentionReview.Status.PENDING).order_by("-decided_at", "-id")
    page = Paginator(reviews, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "privacy/retention/review_list.html",
        {
            "page": page,
            "show": show,
            "policies": RetentionPolicy.objects.all(),
            "today": timezone.localdate(),
        },
    )


def _detail(request, review, *, extend_form=None, erase_form=None, status=200):
    return render(
        request,
        "privacy/retention/review_detail.html",
        {
            "review": review,
            "can_decide": retention.can_decide(request.user, review),
            "extend_form": extend_form or ExtendForm(),
            "erase_form": erase_form or EraseForm(),
            "is_audit": review.record_type == RecordType.AUDIT,
            "has_errors": bool((extend_form and extend_form.errors) or (erase_form and erase_form.errors)),
        },
        status=status,
    )


@require_GET
def review_detail(request, pk):
    review = retention.get_review_for_user(request.user, pk)
    return _detail(request, review)


@require_http_methods(["POST"])
def review_extend(request, pk):
    review = retention.get_review_for_user(request.user, pk)
    if not retention.can_decide(request.user, review):
        raise PermissionDenied("You cannot decide this review.")
    if review.status != review.Status.PENDING:
        messages.info(request, f"{review.reference} has already been decided: nothing was changed.")
        return redirect("privacy:retention_review", pk=review.pk)
    form = ExtendForm(request.POST)
    if form.is_valid():
        try:
            retention.review_extend(
                review=review,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                until=form.cleaned_data["until"],
                request=request,
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(
                request, f"{review.reference} will be kept until {form.cleaned_data['until']:%-d %B %Y}."
            )
            return redirect("privacy:retention")
    return _detail(request, review, extend_form=form, status=400)


@require_POST
def review_erase(request, pk):
    review = retention.get_review_for_user(request.user, pk)
    if not retention.can_decide(request.user, review):
        raise PermissionDenied("You cannot decide this review.")
    if review.status != review.Status.PENDING:
        messages.info(request, f"{review.reference} has already been decided: nothing was changed.")
        return redirect("privacy:retention_review", pk=review.pk)
    form = EraseForm(request.POST)
    if form.is_valid():
        try:
            retention.review_erase(review=review, actor=request.user, request=request)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, f"The personal data in {review.reference} has been erased.")
            return redirect("privacy:retention")
    return _detail(request, review, erase_form=form, status=400)
