"""The IDVA team's pick-up of named victims from allocated referrals.

Each page loads the named victim through `selectors.get_named_victim_for_user` (404 unless
it is awaiting pick-up by one of the user's IDVA teams), so the referral-stage restricted
details are read only by that team. Reads and writes are audited; audit purposes never
carry the details themselves.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts import audit
from accounts.models import AuditEvent, Role
from victims import forms, selectors, services

VIEW = AuditEvent.Action.VIEW


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _matches(request, named):
    details = getattr(named, "restricted", None)
    return selectors.likely_victim_matches(
        request.user,
        first_name=named.first_name,
        last_name=named.last_name,
        date_of_birth=details.date_of_birth if details else None,
        perpetrator=named.case.perpetrator if named.case_id else None,
    )


def _allocate_to_self(request, victim) -> None:
    if not request.user.has_role(Role.IDVA) or victim.idva_id:
        return
    try:
        services.victim_allocate(actor=request.user, victim=victim, idva=request.user)
    except ValidationError:
        messages.warning(request, "You cannot be this victim's IDVA: your team supervisor will allocate.")


@require_GET
def named_victim(request, pk):
    named = selectors.get_named_victim_for_user(request.user, pk)
    audit.record(request, VIEW, named, purpose="named victim details (IDVA pick-up)")
    return render(
        request,
        "victims/named_victim.html",
        {"named": named, "details": getattr(named, "restricted", None), "matches": _matches(request, named)},
    )


def _form_context(named, form, title, button, back):
    return {
        "form": form,
        "named": named,
        "title": title,
        "caption": f"{named.name} · named on referral {named.referral.reference}",
        "back": back,
        "button": button,
    }


@require_http_methods(["GET", "POST"])
def named_victim_create(request, pk):
    named = selectors.get_named_victim_for_user(request.user, pk)
    form = forms.NamedVictimRecordForm(
        request.POST or None, initial=forms.NamedVictimRecordForm.initial_from(named)
    )
    if request.method == "POST" and form.is_valid():
        try:
            victim = services.referral_victim_pick_up(
                actor=request.user, referral_victim=named, **form.cleaned_data
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            _allocate_to_self(request, victim)
            messages.success(
                request, f"Record created for {victim.full_name} and linked to {named.case.perpetrator}."
            )
            return redirect("victims:detail", victim.pk)
    audit.record(request, VIEW, named, purpose="named victim details (IDVA pick-up: new record)")
    back = reverse("victims:named_victim", args=[named.pk])
    return render(
        request,
        "victims/named_victim_form.html",
        _form_context(named, form, "Create a record from the referral", "Create record", back),
    )


@require_http_methods(["GET", "POST"])
def named_victim_link(request, pk):
    named = selectors.get_named_victim_for_user(request.user, pk)
    matches = _matches(request, named)
    initial = {"relationship": services.REFERRAL_RELATIONSHIP.get(named.relationship, "other")}
    form = forms.NamedVictimLinkForm(
        request.POST or None,
        initial=initial,
        matches=matches,
        visible=selectors.victims_visible_to(request.user),
    )
    if request.method == "POST" and form.is_valid():
        victim = form.cleaned_data["record"]
        try:
            services.referral_victim_link_existing(
                actor=request.user,
                referral_victim=named,
                victim=victim,
                relationship=form.cleaned_data["relationship"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request, f"{named.name} matched to {victim.full_name}'s record ({victim.reference})."
            )
            return redirect("victims:detail", victim.pk)
    back = reverse("victims:named_victim", args=[named.pk])
    return render(
        request,
        "victims/named_victim_form.html",
        _form_context(named, form, "Link to an existing record", "Link and mark as picked up", back),
    )


@require_http_methods(["GET", "POST"])
def named_victim_not_offered(request, pk):
    from referrals import services as referral_services

    named = selectors.get_named_victim_for_user(request.user, pk)
    form = forms.NotOfferedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            referral_services.referral_victim_not_offered(
                referral_victim=named,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"Recorded that IDVA support is not offered to {named.name}.")
            return redirect("victims:pick_up_queue")
    back = reverse("victims:named_victim", args=[named.pk])
    return render(
        request,
        "victims/named_victim_form.html",
        _form_context(named, form, "Record why support is not offered", "Save", back),
    )
