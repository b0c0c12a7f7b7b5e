"""Assessments (versioned instruments) and the support and disruption plans, side by side."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from casework import chronology, services
from casework.access import EDIT
from casework.forms import DisruptionActionForm, SupportGoalForm
from casework.forms_assessment import AssessmentForm, StartAssessmentForm
from casework.models import Assessment, DisruptionAction, SupportGoal
from casework.views import attempt, case_page, done, view_case

# --- Assessments --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def assessments(request, pk):
    if request.method == "POST":
        case = view_case(request, pk, purpose="start assessment", action=EDIT)
    else:
        case = view_case(request, pk, purpose="assessments")
    form = StartAssessmentForm(request.POST or None, user=request.user)
    started = {}

    def start(form):
        started["assessment"] = services.assessment_start(
            case=case, instrument=form.cleaned_data["instrument"], actor=request.user
        )

    if request.method == "POST" and attempt(form, start):
        return HttpResponseRedirect(reverse("casework:assessment", args=[case.pk, started["assessment"].pk]))
    rows = case.assessments.select_related("instrument", "started_by", "completed_by")
    return case_page(request, case, "assessments", "casework/assessments.html", {"form": form, "rows": rows})


@require_http_methods(["GET", "POST"])
def assessment(request, pk, assessment_pk):
    editing = request.method == "POST"
    case = view_case(request, pk, purpose="assessment", action=EDIT if editing else None)
    item = case.assessments.select_related("instrument", "completed_by").filter(pk=assessment_pk).first()
    if item is None:
        raise Http404("Not found")
    if item.is_completed:
        if editing:
            messages.error(
                request, "This assessment is completed and cannot be changed. Start a new one instead."
            )
            return HttpResponseRedirect(reverse("casework:assessment", args=[case.pk, item.pk]))
        return case_page(request, case, "assessments", "casework/assessment_done.html", {"assessment": item})
    form = AssessmentForm(request.POST or None, assessment=item)
    complete = "complete" in request.POST

    def save(form):
        if complete and not form.check_complete():
            raise ValidationError("Answer every question marked below before completing the assessment.")
        services.assessment_save(
            assessment=item,
            actor=request.user,
            answers=form.answers(),
            expected_version=form.cleaned_data["version"],
            complete=complete,
        )

    if editing and attempt(form, save):
        return done(request, "Assessment completed" if complete else "Draft saved", "assessments", case)
    return case_page(
        request, case, "assessments", "casework/assessment_form.html", {"assessment": item, "form": form}
    )


# --- Plans --------------------------------------------------------------------------------------


@require_GET
def plans(request, pk):
    case = view_case(request, pk, purpose="support and disruption plans")
    context = {
        "goals": case.support_goals.all(),
        "actions": case.disruption_actions.select_related("agency"),
    }
    return case_page(request, case, "plans", "casework/plans.html", context)


def _plan_item(request, pk, item_pk, *, model, form_class, title: str):
    case = view_case(request, pk, purpose=title.lower(), action=EDIT)
    item = None
    if item_pk is not None:
        item = model.objects.filter(case=case, pk=item_pk).first()
        if item is None:
            raise Http404("Not found")
    extra = {"case": case, "user": request.user} if form_class is DisruptionActionForm else {}
    form = form_class(request.POST or None, instance=item, **extra)

    def save(form):
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        if item is None:
            add = services.support_goal_add if model is SupportGoal else services.disruption_action_add
            add(case=case, actor=request.user, **fields)
        else:
            services.plan_item_update(
                item=item, actor=request.user, expected_version=form.cleaned_data["version"], **fields
            )

    if request.method == "POST" and attempt(form, save):
        return done(request, f"{title}: saved", "plans", case)
    return case_page(request, case, "plans", "casework/case_form.html", {"form": form, "title": title})


@require_http_methods(["GET", "POST"])
def goal_add(request, pk):
    return _plan_item(request, pk, None, model=SupportGoal, form_class=SupportGoalForm, title="Support goal")


@require_http_methods(["GET", "POST"])
def goal_edit(request, pk, item_pk):
    return _plan_item(
        request, pk, item_pk, model=SupportGoal, form_class=SupportGoalForm, title="Support goal"
    )


@require_http_methods(["GET", "POST"])
def action_add(request, pk):
    return _plan_item(
        request, pk, None, model=DisruptionAction, form_class=DisruptionActionForm, title="Disruption action"
    )


@require_http_methods(["GET", "POST"])
def action_edit(request, pk, item_pk):
    return _plan_item(
        request,
        pk,
        item_pk,
        model=DisruptionAction,
        form_class=DisruptionActionForm,
        title="Disruption action",
    )


# --- Chronology sources -------------------------------------------------------------------------


def _assessment_entries(*, case, user):
    for item in case.assessments.filter(status=Assessment.Status.COMPLETED).select_related(
        "instrument", "completed_by"
    ):
        score = f" Score {item.score}." if item.score is not None else ""
        yield chronology.ChronologyEntry(
            when=item.completed_at,
            kind="assessment",
            kind_label="Assessment",
            title=f"{item.instrument.name} completed",
            detail=f"Version {item.instrument.version}.{score}",
            by=str(item.completed_by),
            url=reverse("casework:assessment", args=[case.pk, item.pk]),
        )


def _plan_entries(*, case, user):
    for goal in case.support_goals.select_related("created_by"):
        yield chronology.ChronologyEntry(
            when=goal.created_at,
            kind="plan",
            kind_label="Plan",
            title=f"Support goal added: {goal.get_need_domain_display()}",
            detail=f"{goal.goal} ({goal.get_status_display()})",
            by=str(goal.created_by),
        )
    for action in case.disruption_actions.select_related("created_by", "agency"):
        yield chronology.ChronologyEntry(
            when=action.created_at,
            kind="plan",
            kind_label="Plan",
            title=f"Disruption action added: {action.get_lever_display()} ({action.agency})",
            detail=f"{action.description} ({action.get_status_display()})",
            by=str(action.created_by),
        )


chronology.register("assessment", "Assessments", _assessment_entries)
chronology.register("plan", "Plans", _plan_entries)
