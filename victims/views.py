"""The IDVA team's pages for a victim-survivor's record.

Every page loads the victim through `selectors.get_victim_for_user` (404 outside the IDVA
team, 403 when the action is not allowed) and records the read in the audit trail.
Restricted data is read only through `selectors.restricted_details` / `children_of`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts import audit, audit_scope, policy
from accounts.models import AuditEvent, Role
from accounts.records import ConcurrentEditError
from victims import forms, selectors, services
from victims.forms_consent import without_consent_from
from victims.models import Child, DashInstrument, Victim, VictimLink, VictimOutcome

VIEW = AuditEvent.Action.VIEW
PAGE_SIZE = 25

TABS = [
    ("overview", "Overview", "victims:detail"),
    ("contact", "Contact details", "victims:contact"),
    ("safety", "Safety", "victims:safety"),
    ("dash", "DASH risk", "victims:dash"),
    ("sharing", "Consent and sharing", "victims:sharing"),
    ("children", "Children", "victims:children"),
    ("outcomes", "Outcomes", "victims:outcomes"),
]


def _tabs(request, victim: Victim, current: str) -> list[dict]:
    tabs = [
        {"key": key, "label": label, "url": reverse(name, args=[victim.pk]), "current": key == current}
        for key, label, name in TABS
    ]
    if selectors.can_see_access_log(request.user, victim):
        tabs.append(
            {
                "key": "access",
                "label": "Who has accessed this record",
                "url": reverse("victims:access_log", args=[victim.pk]),
                "current": current == "access",
            }
        )
    return tabs


def _page(request, victim: Victim, tab: str, template: str, **context):
    audit.record(request, VIEW, victim, purpose=f"victim record: {tab}")
    return render(
        request,
        template,
        {
            "victim": victim,
            "tabs": _tabs(request, victim, tab),
            "can_edit": policy.can(request.user, policy.EDIT, victim),
            **context,
        },
    )


def _form_page(request, victim: Victim, form, *, title: str, back: str, button: str = "Save", **context):
    return render(
        request,
        "victims/form.html",
        {"victim": victim, "form": form, "title": title, "back": back, "button": button, **context},
    )


def _apply_service_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# ---- Lists and creation ---------------------------------------------------------------------


@require_GET
def victim_list(request):
    mine = request.GET.get("show") != "team"
    status = request.GET.get("status", "")
    risk = request.GET.get("risk", "")
    q = request.GET.get("q", "").strip()[:100]
    if status not in Victim.SupportStatus.values:
        status = ""
    if risk not in ("standard", "medium", "high"):
        risk = ""
    victims = selectors.victim_list(request.user, mine=mine, status=status, risk=risk, q=q)
    page = Paginator(victims, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    audit.record_many(request, VIEW, rows, purpose="victim list")
    return render(
        request,
        "victims/victim_list.html",
        {
            "page": page,
            "rows": rows,
            "mine": mine,
            "status": status,
            "risk": risk,
            "q": q,
            "statuses": Victim.SupportStatus.choices,
            "pending_count": selectors.pick_up_counts(request.user)["total"],
        },
    )


@require_http_methods(["GET", "POST"])
def victim_new(request):
    teams = [m.team for m in request.user.active_memberships() if m.role in (Role.IDVA, Role.SUPERVISOR)]
    team = next((t for t in teams if t.kind == "partner_support"), None)
    if team is None:
        raise Http404("You are not in an IDVA team")
    form = forms.VictimCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        idva = request.user if request.user.has_role(Role.IDVA) else None
        victim = services.victim_create(actor=request.user, team=team, **data)
        if idva is not None:
            services.victim_allocate(actor=request.user, victim=victim, idva=idva)
        messages.success(request, f"Record created for {victim.full_name}.")
        return redirect("victims:detail", victim.pk)
    return render(
        request,
        "victims/form.html",
        {
            "form": form,
            "title": "New victim-survivor record",
            "back": reverse("victims:list"),
            "button": "Create record",
        },
    )


@require_GET
def pick_up_queue(request):
    """The IDVA team's work queue: named victims from allocated referrals and new partners."""
    notices = list(selectors.pending_new_partner_notices(request.user).order_by("recorded_at", "id")[:100])
    named = list(selectors.named_victims_to_pick_up(request.user)[:100])
    audit.record_many(request, VIEW, named, purpose="IDVA pick-up queue")
    return render(request, "victims/pick_up_queue.html", {"notices": notices, "named": named})


@require_http_methods(["GET", "POST"])
def pick_up(request, pk):
    notice = selectors.get_notice_for_user(request.user, pk)
    if not notice.is_pending:
        messages.info(request, "This has already been picked up.")
        return redirect("victims:pick_up_queue")
    form = forms.PickUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            victim = services.new_partner_notice_pick_up(
                actor=request.user, notice=notice, **form.cleaned_data
            )
        except ValidationError as error:
            _apply_service_errors(form, error)
        else:
            if request.user.has_role(Role.IDVA):
                try:
                    services.victim_allocate(actor=request.user, victim=victim, idva=request.user)
                except ValidationError:
                    messages.warning(
                        request, "You cannot be this victim's IDVA: your team supervisor will allocate."
                    )
            messages.success(request, f"Record created for {victim.full_name} and linked.")
            return redirect("victims:detail", victim.pk)
    return render(
        request,
        "victims/form.html",
        {
            "form": form,
            "notice": notice,
            "title": "Pick up a new partner",
            "back": reverse("victims:pick_up_queue"),
            "button": "Create record",
        },
    )


# ---- The victim's pages ---------------------------------------------------------------------


@require_GET
def victim_detail(request, pk):
    victim = selectors.get_victim_for_user(request.user, pk)
    return _page(
        request,
        victim,
        "overview",
        "victims/detail.html",
        links=selectors.links_of(victim),
        latest_dash=selectors.latest_dash(victim),
        marac=selectors.marac_criteria([victim]).get(victim.pk),
    )


@require_http_methods(["GET", "POST"])
def victim_edit(request, pk):
    victim = selectors.get_victim_for_user(request.user, pk, action=policy.EDIT)
    form = forms.VictimDetailsForm(request.POST or None, instance=victim)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.victim_update(
                actor=request.user, victim=victim, expected_version=form.cleaned_data["version"], **data
            )
        except ConcurrentEditError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Details saved.")
            return redirect("victims:detail", victim.pk)
    return _form_page(
        request, victim, form, title="Change details", back=reverse("victims:detail", args=[pk])
    )


@require_http_methods(["GET", "POST"])
def victim_allocate(request, pk):
    victim = selectors.get_victim_for_user(request.user, pk, action="allocate")
    form = forms.AllocateForm(
        request.POST or None, team=victim.team, user=request.user, initial={"idva": victim.idva_id}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.victim_allocate(actor=request.user, victim=victim, idva=form.cleaned_data["idva"])
        except ValidationError as error:
            _apply_service_errors(form, error)
        else:
            messages.success(request, f"Allocated to {victim.idva}.")
            return redirect("victims:detail", victim.pk)
    return _form_page(
        request, victim, form, title="Allocate an IDVA", back=reverse("victims:detail", args=[pk])
    )


@require_http_methods(["GET", "POST"])
def link_new(request, pk):
    victim = selectors.get_victim_for_user(request.user, pk, action=policy.EDIT)
    form = forms.LinkForm(request.POST or None, area=victim.area)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.victim_link_create(
                actor=request.user,
                victim=victim,
                perpetrator=data["perpetrator"],
                relationship=data["relationship"],
                started_on=data["started_on"],
            )
        except ValidationError as error:
            _apply_service_errors(form, error)
        else:
            messages.success(request, "Link added.")
            return redirect("victims:detail", victim.pk)
    return _form_page(
        request,
        victim,
        form,
        title="Link to the person who harms them",
        back=reverse("victims:detail", args=[pk]),
    )


@require_http_methods(["GET", "POST"])
def link_end(request, pk, link_pk):
    victim = selectors.get_victim_for_user(request.user, pk, action=policy.EDIT)
    link = get_object_or_404(VictimLink.objects.select_related("perpetrator"), pk=link_pk, victim=victim)
    form = forms.LinkEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.victim_link_end(actor=request.user, link=link, ended_on=form.cleaned_data["ended_on"])
        except ValidationError as error:
            _apply_service_errors(form, error)
        else:
            messages.success(request, "Link ended.")
            return redirect("victims:detail", victim.pk)
    return _form_page(
        request,
        victim,
        form,
        title=f"End the link with {link.perpetrator}",
        back=reverse("victims:detail", args=[pk]),
    )


@require_GET
def contact_tab(request, pk):
    victim = selectors.get_victim_for_user(request.user, pk)
    details = selectors.restricted_details(victim=victim, user=request.user)
    return _page(request, victim, "contact", "victims/contact.html", details=details)


@require_GET
def safety_tab(request, pk):
    victim = selectors.get_victim_for_user(request.user, pk)
    details = selectors.restricted_details(victim=victim, user=request.user)
    return _page(request, victim, "safety", "victims/safety.html", details=details)


def _simple_add(request, pk, *, form_class, save, title, back_name, done, form_kwargs=None, initial=None):
    """A form page that adds one thing to the victim's record through `save(victim, data)`."""
    victim = selectors.get_victim_for_user(request.user, pk, action=policy.EDIT)
    kwargs = form_kwargs(victim) if form_kwargs else {}
    form = form_class(request.POST or None, initial=initial(victim) if initial else None, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            save(request, victim, form)
        except (ValidationError, ConcurrentEditError) as error:
            if isinstance(error, ConcurrentEditError):
                form.add_error(None, str(error))
            else:
                _apply_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(back_name, victim.pk)
    return _form_page(request, victim, form, title=title, back=reverse(back_name, args=[pk]))


@require_http_methods(["GET", "POST"])
def address_new(request, pk):
    return _simple_add(
        request,
        pk,
        form_class=forms.AddressForm,
        save=lambda r, v, f: services.victim_address_add(actor=r.user, victim=v, **f.cleaned_data),
        title="Add an address",
        back_name="victims:contact",
        done="Address added.",
    )


@require_http_methods(["GET", "POST"])
def contact_new(request, pk):
    return _simple_add(
        request,
        pk,
        form_class=forms.ContactForm,
        save=lambda r, v, f: services.victim_contact_add(actor=r.user, victim=v, **f.cleaned_data),
        title="Add a phone number or email",
        back_name="victims:contact",
        done="Contact detail added.",
    )


@require_http_methods(["GET", "POST"])
def safe_contact_edit(request, pk):
    victim = selectors.get_victim_for_user(request.user, pk, action=policy.EDIT)
    current = selectors.restricted_details(victim=victim, user=request.user).safe_contact
    form = forms.SafeContactForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.victim_safe_contact_save(actor=request.user, victim=victim, **form.cleaned_data)
        messages.success(request, "Safe contact arrangements saved.")
        return redirect("victims:contact", victim.pk)
    return _form_page(
        request, victim, form, title="Safe contact and housing", back=reverse("victims:contact", args=[pk])
    )


@require_http_methods(["GET", "POST"])
def safety_plan_edit(request, pk):
    victim = selectors.get_victim_for_user(request.user, pk, action=policy.EDIT)
    plan = selectors.restricted_details(victim=victim, user=request.user).safety_plan
    form = forms.SafetyPlanForm.for_plan(plan, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.safety_plan_save(
                actor=request.user,
                victim=victim,
                plan=data["plan"],
                review_on=data["review_on"],
                expected_version=data["version"] if plan else None,
            )
        except ConcurrentEditError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Safety plan saved.")
            return redirect("victims:safety", victim.pk)
    return _form_page(request, victim, form, title="Safety plan", back=reverse("victims:safety", args=[pk]))


@require_http_methods(["GET", "POST"])
def safety_note_new(request, pk):
    return _simple_add(
        request,
        pk,
        form_class=forms.SafetyNoteForm,
        save=lambda r, v, f: services.safety_note_add(actor=r.user, victim=v, text=f.cleaned_data["text"]),
        title="Add a safety note",
        back_name="victims:safety",
        done="Safety note added.",
    )


@require_GET
def dash_tab(request, pk):
    victim = selectors.get_victim_for_user(request.user, pk)
    history = selectors.dash_history(victim)
    rows = []
    for index, assessment in enumerate(history):
        previous = history[index + 1] if index + 1 < len(history) else None
        change = None if previous is None else assessment.score - previous.score
        rows.append({"assessment": assessment, "change": change, "abs_change": abs(change or 0)})
    return _page(
        request,
        victim,
        "dash",
        "victims/dash_history.html",
        rows=rows,
        marac=selectors.marac_criteria([victim]).get(victim.pk),
    )


@require_http_methods(["GET", "POST"])
def dash_new(request, pk):
    victim = selectors.get_victim_for_user(request.user, pk, action=policy.EDIT)
    instrument = DashInstrument.current()
    if instrument is None:
        messages.error(request, "No DASH checklist is active. Ask an administrator to activate one.")
        return redirect("victims:dash", victim.pk)
    form = forms.DashForm(request.POST or None, instrument=instrument)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment = services.dash_complete(
                actor=request.user,
                victim=victim,
                instrument=instrument,
                answers=form.answers(),
                judgement_level=data["judgement_level"],
                judgement_rationale=data["judgement_rationale"],
                incidents_last_12_months=data["incidents_last_12_months"],
            )
        except ValidationError as error:
            _apply_service_errors(form, error)
        else:
            messages.success(
                request,
                f"DASH recorded: {assessment.score} yes answers, {assessment.get_level_display().lower()} risk.",
            )
            return redirect("victims:dash_detail", victim.pk, assessment.pk)
    return render(
        request,
        "victims/dash_form.html",
        {
            "victim": victim,
            "form": form,
            "instrument": instrument,
            "back": reverse("victims:dash", args=[pk]),
        },
    )


@require_GET
def dash_detail(request, pk, dash_pk):
    victim = selectors.get_victim_for_user(request.user, pk)
    assessment = get_object_or_404(
        victim.dash_assessments.select_related("instrument", "completed_by"), pk=dash_pk
    )
    return _page(request, victim, "dash", "victims/dash_detail.html", assessment=assessment)


@require_GET
def sharing_tab(request, pk):
    victim = selectors.get_victim_for_user(request.user, pk)
    return _page(
        request,
        victim,
        "sharing",
        "victims/sharing.html",
        decisions=list(victim.consent_decisions.select_related("receiving_organisation", "decided_by")),
        shared_notes=list(victim.shared_notes.select_related("link__perpetrator", "shared_by")),
    )


@require_http_methods(["GET", "POST"])
def consent_new(request, pk):
    return _simple_add(
        request,
        pk,
        form_class=forms.ConsentForm,
        form_kwargs=lambda v: {"victim": v, "user": request.user},
        save=lambda r, v, f: services.consent_decision_record(
            actor=r.user, victim=v, **{**f.cleaned_data, "rationale": f.cleaned_data.get("rationale") or ""}
        ),
        title="Record a consent or sharing decision",
        back_name="victims:sharing",
        done="Decision recorded.",
    )


@require_http_methods(["GET", "POST"])
def shared_note_new(request, pk):
    return _simple_add(
        request,
        pk,
        form_class=forms.SharedNoteForm,
        form_kwargs=lambda v: {"victim": v, "user": request.user},
        save=lambda r, v, f: services.shared_note_add(
            actor=r.user,
            victim=v,
            link=f.cleaned_data["link"],
            text=f.cleaned_data["text"],
            without_consent=without_consent_from(f.cleaned_data),
        ),
        title="Share a note with the case manager",
        back_name="victims:sharing",
        done="Note shared with the case manager.",
    )


@require_GET
def children_tab(request, pk):
    victim = selectors.get_victim_for_user(request.user, pk)
    return _page(
        request,
        victim,
        "children",
        "victims/children.html",
        children=selectors.children_of(victim=victim, user=request.user),
    )


@require_http_methods(["GET", "POST"])
def child_new(request, pk):
    return _simple_add(
        request,
        pk,
        form_class=forms.ChildForm,
        form_kwargs=lambda v: {"victim": v, "user": request.user},
        save=lambda r, v, f: services.child_add(
            actor=r.user,
            victim=v,
            perpetrator_links=f.cleaned_data["perpetrator_links"],
            **{k: val for k, val in f.cleaned_data.items() if k != "perpetrator_links"},
        ),
        title="Add a child",
        back_name="victims:children",
        done="Child added.",
    )


@require_http_methods(["GET", "POST"])
def encompass_new(request, pk, child_pk):
    victim = selectors.get_victim_for_user(request.user, pk, action=policy.EDIT)
    child = get_object_or_404(Child, pk=child_pk, victim=victim)
    form = forms.EncompassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.encompass_record(actor=request.user, child=child, **form.cleaned_data)
        except ValidationError as error:
            _apply_service_errors(form, error)
        else:
            messages.success(request, "Operation Encompass notification recorded.")
            return redirect("victims:children", victim.pk)
    return _form_page(
        request,
        victim,
        form,
        title=f"Operation Encompass notification for {child.first_name}",
        back=reverse("victims:children", args=[pk]),
    )


@require_GET
def outcomes_tab(request, pk):
    victim = selectors.get_victim_for_user(request.user, pk)
    outcomes = {o.stage: o for o in victim.outcomes.all()}
    rows = []
    for name in VictimOutcome.BEHAVIOURS:
        label = VictimOutcome._meta.get_field(name).verbose_name
        rows.append(
            {
                "label": label[0].upper() + label[1:],
                "intake": getattr(outcomes.get("intake"), f"get_{name}_display", lambda: "Not recorded")(),
                "exit": getattr(outcomes.get("exit"), f"get_{name}_display", lambda: "Not recorded")(),
            }
        )
    return _page(
        request,
        victim,
        "outcomes",
        "victims/outcomes.html",
        intake=outcomes.get("intake"),
        exit=outcomes.get("exit"),
        rows=rows,
        stages=VictimOutcome.Stage.choices,
    )


@require_http_methods(["GET", "POST"])
def outcome_edit(request, pk, stage):
    if stage not in VictimOutcome.Stage.values:
        raise Http404("No such stage")
    victim = selectors.get_victim_for_user(request.user, pk, action=policy.EDIT)
    existing = victim.outcomes.filter(stage=stage).first()
    form = forms.OutcomeForm(request.POST or None, instance=existing)
    if request.method == "POST" and form.is_valid():
        services.outcome_record(actor=request.user, victim=victim, stage=stage, **form.cleaned_data)
        messages.success(request, "Outcomes saved.")
        return redirect("victims:outcomes", victim.pk)
    return _form_page(
        request,
        victim,
        form,
        title=f"{VictimOutcome.Stage(stage).label} outcomes",
        back=reverse("victims:outcomes", args=[pk]),
    )


@require_GET
def access_log(request, pk):
    """Who has opened this record: the IDVA team supervisor, or the data protection officer of the
    record's area, who sees the trail only. Another area's record is a 404 exactly like a missing
    one (accounts.audit_scope.record_in_areas: one query either way)."""
    if request.user.has_role(Role.DPO) and not policy.can(request.user, policy.VIEW, Victim(pk=pk)):
        victim = audit_scope.record_in_areas(Victim, pk, request.user.area_ids(Role.DPO))
        if victim is None:
            raise Http404("Not found")
        audit.record(request, VIEW, victim, purpose="who has accessed this record (data protection officer)")
        page = Paginator(selectors.access_log(victim), 50).get_page(request.GET.get("page"))
        context = {"record_kind": "Victim record", "reference": victim.reference, "page": page}
        return render(request, "accounts/record_access_log.html", context)
    victim = selectors.get_victim_for_user(request.user, pk)
    if not selectors.can_see_access_log(request.user, victim):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Only the IDVA team supervisor and the data protection officer can see this.")
    audit.record(request, VIEW, victim, purpose="who has accessed this record")
    page = Paginator(selectors.access_log(victim), 50).get_page(request.GET.get("page"))
    context = {"victim": victim, "page": page, "tabs": _tabs(request, victim, "access")}
    return render(request, "victims/access_log.html", context)
