"""Referral pages: thin views over referrals.selectors and referrals.services."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts import audit, policy
from accounts.models import AuditEvent, Team
from accounts.records import ConcurrentEditError
from casework.models import Case, Perpetrator
from casework.selectors import cases_visible_to
from referrals import access, merging, selectors, services
from referrals.forms import (
    AllocateForm,
    FirstContactForm,
    MergeForm,
    NamedVictimFormSet,
    PersonDecisionForm,
    QueueFilterForm,
    ReferralForm,
    ScreeningForm,
)
from referrals.matching import PersonDetails, find_matches
from referrals.models import PerpetratorMerge, Referral

PAGE_SIZE = 25


def _posted(request):
    """The POST data for a form, even when empty (an empty POST must still be validated)."""
    return request.POST if request.method == "POST" else None


def _queue_team(request) -> Team | None:
    teams = selectors.queue_teams_for(request.user)
    wanted = request.GET.get("team")
    for team in teams:
        if str(team.pk) == wanted:
            return team
    return teams[0] if teams else None


@require_http_methods(["GET"])
def queue(request):
    """The receiving team's queue; people outside a case-management team see their own referrals."""
    team = _queue_team(request)
    if team is None:
        return redirect("referrals:mine")
    tab = request.GET.get("tab", "new")
    if tab not in selectors.QUEUE_TABS:
        tab = "new"
    form = QueueFilterForm(request.GET or None, sorts=selectors.SORTS)
    filters = form.cleaned_data if form.is_valid() else {}
    referrals = selectors.team_queue(
        user=request.user,
        team=team,
        tab=tab,
        pathway=filters.get("pathway", ""),
        risk=filters.get("risk", ""),
        sort=filters.get("sort") or "due",
    )
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record_many(request, AuditEvent.Action.VIEW, list(page), purpose=f"referral queue: {tab}")
    return render(
        request,
        "referrals/queue.html",
        {
            "team": team,
            "teams": selectors.queue_teams_for(request.user),
            "tab": tab,
            "tabs": [(key, label) for key, (label, _) in selectors.QUEUE_TABS.items()],
            "counts": selectors.queue_counts(user=request.user, team=team),
            "form": form,
            "page": page,
            "today": timezone.localdate(),
            "may_merge": access.may_merge_people(request.user),
        },
    )


@require_http_methods(["GET"])
def mine(request):
    page = Paginator(selectors.my_submissions(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record_many(request, AuditEvent.Action.VIEW, list(page), purpose="my referrals")
    return render(request, "referrals/mine.html", {"page": page})


def _victim_entries(formset) -> list[services.NamedVictimEntry]:
    entries = []
    for form in formset.forms:
        if not form.has_changed() and not form.cleaned_data.get("row_id"):
            continue
        data = form.cleaned_data
        entries.append(
            services.NamedVictimEntry(
                row_id=data.get("row_id"),
                remove=bool(data.get("remove")) or (not data.get("first_name") and bool(data.get("row_id"))),
                safe={name: data.get(name) for name in services.SAFE_VICTIM_FIELDS},
                restricted={name: data.get(name) or "" for name in services.RESTRICTED_FIELDS},
            )
        )
    return entries


def _apply_service_errors(error: ValidationError, form, formset) -> None:
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for name, messages_ in error.message_dict.items():
        for message in messages_:
            if name.startswith("victims-0-"):
                formset.forms[0].add_error(name.removeprefix("victims-0-"), message)
            elif name in form.fields:
                form.add_error(name, message)
            else:
                form.add_error(None, message)


def _referral_form_page(request, referral: Referral | None):
    teams = selectors.receiving_teams_for(request.user)
    if not teams.exists():
        raise PermissionDenied("There is no case-management team in your area to refer to.")
    initial_victims = []
    if referral is not None:
        initial_victims = [
            {name: getattr(v, name) for name in services.SAFE_VICTIM_FIELDS} | {"row_id": v.pk}
            for v in referral.named_victims.all()
        ]
    default_team = next(iter(selectors.queue_teams_for(request.user)), None) or teams.first()
    form = ReferralForm(
        _posted(request),
        instance=referral,
        user=request.user,
        initial={} if referral else {"team": default_team},
    )
    formset = NamedVictimFormSet(_posted(request), prefix="victims", initial=initial_victims)
    if request.method == "POST":
        submit = "submit" in request.POST
        if form.is_valid() & formset.is_valid():
            fields = {name: form.cleaned_data[name] for name in services.REFERRAL_FIELDS}
            try:
                saved = services.referral_save(
                    actor=request.user,
                    team=form.cleaned_data["team"],
                    fields=fields,
                    victims=_victim_entries(formset),
                    submit=submit,
                    referral=referral,
                    expected_version=form.cleaned_data.get("version"),
                )
            except ConcurrentEditError as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                _apply_service_errors(error, form, formset)
            else:
                if submit:
                    messages.success(request, f"Referral {saved.reference} sent to {saved.team}.")
                else:
                    messages.success(request, f"Draft {saved.reference} saved. You can finish it later.")
                return redirect("referrals:detail", pk=saved.pk)
    if referral is not None and request.method == "GET":
        audit.record(request, AuditEvent.Action.VIEW, referral, purpose="edit draft")
    all_errors = list(form.errors) or any(f.errors for f in formset.forms)
    return render(
        request,
        "referrals/form.html",
        {
            "form": form,
            "formset": formset,
            "referral": referral,
            "has_errors": bool(all_errors),
        },
    )


@require_http_methods(["GET", "POST"])
def create(request):
    if not access.may_record_referrals(request.user):
        raise PermissionDenied
    return _referral_form_page(request, None)


@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    referral = selectors.get_referral_for_user(request.user, pk, action=access.EDIT)
    return _referral_form_page(request, referral)


@require_http_methods(["GET"])
def detail(request, pk: int):
    referral = selectors.get_referral_for_user(request.user, pk)
    named = selectors.named_victims_safe(referral)
    restricted = selectors.victim_details_for(user=request.user, referral=referral)
    can_screen = policy.can(request.user, access.SCREEN, referral)
    answers = selectors.screening_answers(referral)
    criteria = list(selectors.criteria_for(referral)) if can_screen or answers else []
    audit.record(request, AuditEvent.Action.VIEW, referral)
    if restricted:
        audit.record_many(
            request, AuditEvent.Action.VIEW, list(restricted.values()), purpose="named victim details"
        )
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "named_victims": [(v, restricted.get(v.pk)) for v in named],
            "can_see_details": access.may_see_victim_details(request.user, referral),
            "duplicate_window": selectors.duplicate_window_days(),
            "can_edit": policy.can(request.user, access.EDIT, referral),
            "can_screen": can_screen,
            "can_allocate": policy.can(request.user, access.ALLOCATE, referral),
            "duplicates": list(selectors.possible_duplicates(referral)[:5]) if can_screen else [],
            "criteria": [(c, answers.get(c.pk)) for c in criteria],
            "first_contact_form": FirstContactForm(),
            "events": list(audit.events_for(referral)[:10]) if can_screen else [],
        },
    )


@require_http_methods(["GET", "POST"])
def first_contact(request, pk: int):
    referral = selectors.get_referral_for_user(request.user, pk, action=access.SCREEN)
    if referral.status not in Referral.OPEN_STATUSES:
        messages.info(request, "First contact can only be recorded on an open referral.")
        return redirect("referrals:detail", pk=referral.pk)
    form = FirstContactForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_first_contact_record(
                referral=referral, actor=request.user, date=form.cleaned_data["date"]
            )
        except ValidationError as error:
            form.add_error("date", error.message_dict["date"][0])
        else:
            messages.success(request, "First contact recorded.")
            return redirect("referrals:detail", pk=referral.pk)
    return render(request, "referrals/first_contact.html", {"referral": referral, "form": form})


def _details_of(referral: Referral) -> PersonDetails:
    return PersonDetails(
        first_name=referral.first_name,
        last_name=referral.last_name,
        date_of_birth=referral.date_of_birth,
        aliases=tuple(referral.aliases),
        identifiers=tuple(
            (kind, getattr(referral, name)) for name, kind in services.IDENTIFIER_FIELDS.items()
        ),
    )


@require_http_methods(["GET", "POST"])
def match(request, pk: int):
    """Likely existing records for the person referred, each with why it matched."""
    referral = selectors.get_referral_for_user(request.user, pk, action=access.SCREEN)
    if referral.status not in Referral.OPEN_STATUSES:
        messages.info(request, "This referral has been decided; the person can no longer be changed here.")
        return redirect("referrals:detail", pk=referral.pk)
    candidates = find_matches(_details_of(referral), area=referral.area)
    case_refs = {}
    visible_cases = cases_visible_to(request.user).filter(perpetrator__in=[c.perpetrator for c in candidates])
    for case in visible_cases.only("pk", "perpetrator_id", "opened_on", "closed_on"):
        case_refs.setdefault(case.perpetrator_id, []).append(case)
    form = PersonDecisionForm(_posted(request), candidates=candidates)
    if request.method == "POST" and form.is_valid():
        choice = form.cleaned_data["person"]
        person = (
            None
            if choice == "new"
            else next(c.perpetrator for c in candidates if str(c.perpetrator.pk) == choice)
        )
        try:
            services.referral_person_decide(referral=referral, actor=request.user, perpetrator=person)
        except ValidationError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, f"Linked to {person}." if person else "Confirmed as a new person.")
            return redirect("referrals:detail", pk=referral.pk)
    audit.record(request, AuditEvent.Action.SEARCH, referral, purpose="person matching")
    if candidates:
        audit.record_many(
            request, AuditEvent.Action.VIEW, [c.perpetrator for c in candidates], purpose="person matching"
        )
    return render(
        request,
        "referrals/match.html",
        {
            "referral": referral,
            "form": form,
            "candidates": [(c, case_refs.get(c.perpetrator.pk, [])) for c in candidates],
        },
    )


@require_http_methods(["GET", "POST"])
def screen(request, pk: int):
    referral = selectors.get_referral_for_user(request.user, pk, action=access.SCREEN)
    if referral.status not in (Referral.Status.NEW, Referral.Status.SCREENING):
        messages.info(request, "This referral has already been screened.")
        return redirect("referrals:detail", pk=referral.pk)
    criteria = selectors.criteria_for(referral)
    answers = selectors.screening_answers(referral)
    form = ScreeningForm(
        _posted(request),
        criteria=criteria,
        referral=referral,
        user=request.user,
        initial={f"criterion_{pk}": answer for pk, answer in answers.items()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_screen(
                referral=referral,
                actor=request.user,
                answers=form.answers(),
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
                signpost_service=form.cleaned_data["signpost_service"],
            )
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                form.add_error(name if name in form.fields else None, problems)
        else:
            messages.success(request, f"Screening saved: {referral.get_status_display().lower()}.")
            return redirect("referrals:detail", pk=referral.pk)
    audit.record(request, AuditEvent.Action.VIEW, referral, purpose="screening")
    return render(
        request,
        "referrals/screen.html",
        {
            "referral": referral,
            "form": form,
            "duplicates": list(selectors.possible_duplicates(referral)[:5]),
        },
    )


@require_http_methods(["GET", "POST"])
def allocate(request, pk: int):
    referral = selectors.get_referral_for_user(request.user, pk, action=access.ALLOCATE)
    if referral.status != Referral.Status.AWAITING_ALLOCATION:
        messages.info(request, "Only an accepted referral awaiting allocation can be allocated.")
        return redirect("referrals:detail", pk=referral.pk)
    form = AllocateForm(
        _posted(request),
        team=referral.team,
        user=request.user,
        initial={"intervention_type": referral.intervention_type},
    )
    if request.method == "POST" and form.is_valid():
        try:
            case, notes = services.referral_allocate(
                referral=referral,
                actor=request.user,
                case_manager=form.cleaned_data["case_manager"],
                intervention_type=form.cleaned_data["intervention_type"],
                reason=form.cleaned_data["note"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, problems in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, problems)
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(
                request,
                " ".join([f"Allocated to {case.case_manager}: case {case.reference}.", *notes]),
            )
            return redirect("referrals:detail", pk=referral.pk)
    audit.record(request, AuditEvent.Action.VIEW, referral, purpose="allocation")
    return render(request, "referrals/allocate.html", {"referral": referral, "form": form})


@require_http_methods(["GET"])
def mix(request):
    team = _queue_team(request)
    if team is None:
        raise Http404("You are not in a case-management team.")
    period = request.GET.get("period", "12")
    months = {"3": 3, "12": 12, "all": None}.get(period, 12)
    since = timezone.localdate() - datetime.timedelta(days=months * 30) if months else None
    total, rows = selectors.pathway_mix(team=team, since=since)
    return render(
        request,
        "referrals/mix.html",
        {
            "team": team,
            "teams": selectors.queue_teams_for(request.user),
            "total": total,
            "rows": rows,
            "period": period if period in ("3", "all") else "12",
        },
    )


def _case_person(user, reference: str) -> Perpetrator | None:
    pk = MergeForm.case_pk(reference)
    case = cases_visible_to(user).select_related("perpetrator").filter(pk=pk).first()
    return case.perpetrator if case is not None else None


@require_http_methods(["GET", "POST"])
def merge(request):
    """A supervisor merges two perpetrator records (with a confirmation step) or undoes one."""
    if not access.may_merge_people(request.user):
        raise PermissionDenied
    form = MergeForm(_posted(request))
    confirm = None
    if request.method == "POST" and form.is_valid():
        keep = _case_person(request.user, form.cleaned_data["keep"])
        duplicate = _case_person(request.user, form.cleaned_data["merge"])
        if keep is None:
            form.add_error("keep", "There is no case with that reference that you can see")
        if duplicate is None:
            form.add_error("merge", "There is no case with that reference that you can see")
        if keep is not None and duplicate is not None:
            if keep.pk == duplicate.pk:
                form.add_error("merge", "Both cases already belong to the same person")
            elif "confirm" in request.POST:
                try:
                    merging.perpetrator_merge(
                        survivor=keep,
                        merged=duplicate,
                        actor=request.user,
                        reason=form.cleaned_data["reason"],
                    )
                except ValidationError as error:
                    form.add_error(None, error.messages)
                else:
                    messages.success(
                        request, f"{duplicate} has been merged into {keep}. You can undo this below."
                    )
                    return redirect("referrals:merge")
            else:
                confirm = {
                    "keep": keep,
                    "duplicate": duplicate,
                    "keep_cases": Case.objects.filter(perpetrator=keep).count(),
                    "duplicate_cases": Case.objects.filter(perpetrator=duplicate).count(),
                }
                audit.record_many(request, AuditEvent.Action.VIEW, [keep, duplicate], purpose="merge check")
    area_ids = request.user.area_ids()
    merges = list(
        PerpetratorMerge.objects.filter(survivor__area_id__in=area_ids).select_related(
            "survivor", "merged", "merged_by", "undone_by"
        )[:20]
    )
    return render(request, "referrals/merge.html", {"form": form, "confirm": confirm, "merges": merges})


@require_POST
def merge_undo(request, pk: int):
    if not access.may_merge_people(request.user):
        raise PermissionDenied
    record = get_object_or_404(PerpetratorMerge.objects.select_related("survivor"), pk=pk)
    if not merging.may_merge(request.user, record.survivor):
        raise Http404("Not found")
    try:
        merging.perpetrator_merge_undo(merge=record, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The merge has been undone: both records are back as they were.")
    return redirect(reverse("referrals:merge"))
