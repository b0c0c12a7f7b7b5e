"""The caseload and the case page: overview, case details, risk level, allocation, access log.

Other parts of the case file live in views_person.py, views_plans.py and views_contacts.py;
this module holds the helpers they share (the case page frame and form handling).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts import audit, audit_scope, policy
from accounts.models import AuditEvent, Role
from accounts.records import ConcurrentEditError
from casework import chronology, services, tabs
from casework.access import ALLOCATE, EDIT
from casework.forms import AllocateForm, CaseDetailsForm, CaseloadFilterForm, RiskChangeForm
from casework.models import Case, RiskLevel
from casework.sections import sections_for
from casework.selectors import (
    SlicePage,
    can,
    caseload,
    get_case_for_user,
    overview_annotations,
    serial_repeat_status,
)

tabs.register(
    tabs.CaseTab("overview", "Overview", "case", 10),
    tabs.CaseTab("person", "Person", "person", 20),
    tabs.CaseTab("assessments", "Assessments", "assessments", 30),
    tabs.CaseTab("plans", "Plans", "plans", 40),
    tabs.CaseTab("sessions", "Sessions", "sessions", 50),
    tabs.CaseTab("notes", "Notes", "notes", 60),
    tabs.CaseTab("chronology", "Chronology", "chronology", 90),
    tabs.CaseTab("closure", "Closure", "closure", 95),
    tabs.CaseTab("access", "Access log", "access_log", 99),
)

# Tabs only some people may open: shown to those who may.
_TAB_ACTIONS = {"access": ALLOCATE}


# --- Helpers shared by the case file's views ------------------------------------------------


def case_page(request, case, tab: str, template: str, context: dict | None = None, *, status: int = 200):
    """Render one tab of the case page inside the shared frame (heading, summary, sub-navigation)."""
    shown = []
    current_url = reverse("casework:case", args=[case.pk])
    for case_tab in tabs.case_tabs():
        action = _TAB_ACTIONS.get(case_tab.key)
        if action and not can(request.user, action, case):
            continue
        url = reverse(f"casework:{case_tab.url_name}", args=[case.pk])
        shown.append({"label": case_tab.label, "url": url, "current": case_tab.key == tab})
        if case_tab.key == tab:
            current_url = url
    return render(
        request,
        template,
        {
            "case": case,
            "case_tabs": shown,
            "may_edit": can(request.user, EDIT, case),
            "cancel_url": current_url,
            **(context or {}),
        },
        status=status,
    )


def view_case(request, pk, *, purpose: str, action: str | None = None, annotations: dict | None = None):
    """The case if the user may see it (404) and take `action` (403); the read is audited."""
    case = get_case_for_user(request.user, pk, action=action or policy.VIEW, annotations=annotations)
    audit.record(request, AuditEvent.Action.VIEW, case, purpose=purpose)
    return case


def attempt(form, action) -> bool:
    """Run `action(form)` if the form is valid; turn refusals into form errors. True on success.

    Services raise ValidationError (bad input) or ConcurrentEditError (stale copy) inside their
    own transaction, so a refused save leaves nothing half-written.
    """
    if not form.is_valid():
        return False
    try:
        action(form)
    except ConcurrentEditError as exc:
        form.add_error(None, str(exc))
        return False
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return False
    return True


def done(request, message: str, url_name: str, case) -> HttpResponseRedirect:
    messages.success(request, message)
    return HttpResponseRedirect(reverse(f"casework:{url_name}", args=[case.pk]))


# --- Caseload -----------------------------------------------------------------------------------


@require_GET
def caseload_list(request):
    # An agency representative is on no case team: they see the cases shared with them.
    shared_only = not request.user.has_role(Role.CASE_MANAGER, Role.SUPERVISOR)
    form = CaseloadFilterForm(request.GET or None)
    default_scope = "mine" if request.user.has_role(Role.CASE_MANAGER) else "team"
    filters = form.filters(default_scope=default_scope)
    if not request.GET:
        form = CaseloadFilterForm(initial={"scope": default_scope, "sort": "review"})
    if shared_only:
        filters["scope"] = "team"
        del form.fields["scope"]
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        number = 1
    page = SlicePage(caseload(request.user, **filters), number)
    audit.record_many(request, AuditEvent.Action.VIEW, list(page), purpose="caseload")
    return render(
        request,
        "casework/caseload.html",
        {
            "form": form,
            "page": page,
            "filters": filters,
            "any_filter": _any_filter(filters),
            "shared_only": shared_only,
        },
    )


def _any_filter(filters: dict) -> bool:
    return bool(
        filters["phases"]
        or filters["risk_levels"]
        or filters["intervention_types"]
        or filters["review"]
        or any(filters["extra"].values())
    )


# --- The case -----------------------------------------------------------------------------------


@require_GET
def case_overview(request, pk):
    case = view_case(request, pk, purpose="case overview", annotations=overview_annotations())
    context = {
        "serial": serial_repeat_status(case.perpetrator),
        "missed_in_a_row": case.missed_in_a_row,
        "sections": [
            (section, render_to_string(section.template, {**section_context, "case": case}, request=request))
            for section, section_context in sections_for(case=case, user=request.user)
        ],
        "may_allocate": can(request.user, ALLOCATE, case),
        "risk_change": _latest_risk_change(case),
    }
    return case_page(request, case, "overview", "casework/case_overview.html", context)


def _latest_risk_change(case) -> dict | None:
    if case.risk_change_at is None:
        return None
    return {
        "from": RiskLevel(case.risk_change_from).label,
        "to": RiskLevel(case.risk_change_to).label,
        "at": case.risk_change_at,
        "by": case.risk_change_by,
        "reason": case.risk_change_reason,
    }


@require_http_methods(["GET", "POST"])
def case_edit(request, pk):
    case = view_case(request, pk, purpose="edit case details", action=EDIT)
    form = CaseDetailsForm(request.POST or None, instance=case)
    if request.method == "POST":
        stored = {name: getattr(case, name) for name in ("intervention_type", "phase", "next_review_date")}

        def save(form):
            services.case_update(
                case=case,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                intervention_type=form.cleaned_data["intervention_type"],
                phase=form.cleaned_data["phase"],
                next_review_date=form.cleaned_data["next_review_date"],
            )

        if attempt(form, save):
            return done(request, "Case details saved", "case", case)
        for name, value in stored.items():  # the form wrote its values onto the instance
            setattr(case, name, value)
    return case_page(
        request, case, "overview", "casework/case_form.html", {"form": form, "title": "Case details"}
    )


@require_http_methods(["GET", "POST"])
def case_risk(request, pk):
    case = view_case(request, pk, purpose="change risk level", action=EDIT)
    form = RiskChangeForm(request.POST or None, initial={"version": case.version})

    def save(form):
        services.case_risk_change(
            case=case,
            actor=request.user,
            risk_level=form.cleaned_data["risk_level"],
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )

    if request.method == "POST" and attempt(form, save):
        return done(request, "Risk level changed", "case", case)
    context = {"form": form, "history": case.risk_changes.select_related("changed_by")}
    return case_page(request, case, "overview", "casework/case_risk.html", context)


@require_http_methods(["GET", "POST"])
def case_allocate(request, pk):
    case = view_case(request, pk, purpose="allocate case", action=ALLOCATE)
    form = AllocateForm(
        request.POST or None,
        case=case,
        user=request.user,
        initial={"case_manager": case.case_manager_id, "supervisor": case.supervisor_id},
    )

    def save(form):
        services.case_allocate(
            case=case,
            case_manager=form.cleaned_data["case_manager"],
            supervisor=form.cleaned_data["supervisor"],
            actor=request.user,
        )

    if request.method == "POST" and attempt(form, save):
        return done(request, f"Case allocated to {case.case_manager}", "case", case)
    return case_page(
        request, case, "overview", "casework/case_form.html", {"form": form, "title": "Allocate the case"}
    )


@require_GET
def case_access_log(request, pk):
    """Who has opened the case: its supervisors, or the data protection officer of the case's area,
    who sees the trail only. Another area's case is a 404 exactly like a missing one."""
    if request.user.has_role(Role.DPO) and not policy.can(request.user, policy.VIEW, Case(pk=pk)):
        return _case_access_log_for_dpo(request, pk)
    case = view_case(request, pk, purpose="access log", action=ALLOCATE)
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        number = 1
    page = SlicePage(audit.events_for(case), number, per_page=50)
    return case_page(request, case, "access", "casework/case_access_log.html", {"page": page})


def _case_access_log_for_dpo(request, pk):
    case = audit_scope.record_in_areas(Case, pk, request.user.area_ids(Role.DPO))
    if case is None:
        raise Http404("Not found")
    audit.record(request, AuditEvent.Action.VIEW, case, purpose="access log (data protection officer)")
    page = Paginator(audit.events_for(case), 50).get_page(request.GET.get("page"))
    context = {"record_kind": "Case", "reference": case.reference, "page": page}
    return render(request, "accounts/record_access_log.html", context)


# --- Chronology sources for the case's own events -------------------------------------------------


def _risk_changes(*, case, user):
    for change in case.risk_changes.select_related("changed_by"):
        yield chronology.ChronologyEntry(
            when=change.changed_at,
            kind="risk",
            kind_label="Risk change",
            title=f"Risk level {change.get_from_level_display()} to {change.get_to_level_display()}",
            detail=change.reason,
            by=str(change.changed_by),
        )


chronology.register("risk", "Risk changes", _risk_changes)
