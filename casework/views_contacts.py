"""Sessions and contacts, case notes, the chronology, and closure with outcome measures."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from casework import chronology, services
from casework.access import APPROVE_CLOSURE, EDIT
from casework.forms import (
    ClosureDecisionForm,
    ClosureRequestForm,
    NoteDeleteForm,
    NoteFilterForm,
    NoteForm,
    OutcomeForm,
    ReopenForm,
    SessionForm,
    behaviour_ratings,
)
from casework.models import BehaviourType, Case, CaseClosure, CaseNote, OutcomeMeasure
from casework.selectors import SlicePage, can, may_read_sensitive_notes, missed_in_a_row, notes_for
from casework.views import attempt, case_page, done, view_case


def _page_number(request) -> int:
    try:
        return int(request.GET.get("page", "1"))
    except ValueError:
        return 1


# --- Sessions -----------------------------------------------------------------------------------


@require_GET
def sessions(request, pk):
    case = view_case(request, pk, purpose="sessions", annotations={"missed_in_a_row": missed_in_a_row()})
    page = SlicePage(case.sessions.select_related("recorded_by"), _page_number(request))
    context = {"page": page, "missed_in_a_row": case.missed_in_a_row}
    return case_page(request, case, "sessions", "casework/sessions.html", context)


@require_http_methods(["GET", "POST"])
def session_add(request, pk):
    case = view_case(request, pk, purpose="record session", action=EDIT)
    form = SessionForm(request.POST or None)

    def save(form):
        services.case_session_record(case=case, actor=request.user, **form.cleaned_data)

    if request.method == "POST" and attempt(form, save):
        return done(request, "Session recorded", "sessions", case)
    return case_page(
        request,
        case,
        "sessions",
        "casework/case_form.html",
        {"form": form, "title": "Record a session or contact"},
    )


# --- Notes --------------------------------------------------------------------------------------


@require_GET
def notes(request, pk):
    case = view_case(request, pk, purpose="case notes")
    filter_form = NoteFilterForm(request.GET or None)
    kinds = filter_form.cleaned_data["kind"] if filter_form.is_valid() else []
    page = SlicePage(notes_for(case=case, user=request.user, kinds=kinds), _page_number(request))
    context = {
        "page": page,
        "filter_form": filter_form,
        "hidden_sensitive": not may_read_sensitive_notes(request.user, case)
        and case.notes.filter(sensitivity=CaseNote.Sensitivity.SENSITIVE).exists(),
    }
    return case_page(request, case, "notes", "casework/notes.html", context)


@require_http_methods(["GET", "POST"])
def note_add(request, pk):
    case = view_case(request, pk, purpose="add note", action=EDIT)
    form = NoteForm(request.POST or None)

    def save(form):
        services.case_note_add(case=case, actor=request.user, **form.cleaned_data)

    if request.method == "POST" and attempt(form, save):
        return done(request, "Note added", "notes", case)
    return case_page(request, case, "notes", "casework/case_form.html", {"form": form, "title": "Add a note"})


@require_http_methods(["GET", "POST"])
def note_delete(request, pk, note_pk):
    case = view_case(request, pk, purpose="delete note", action=EDIT)
    note = notes_for(case=case, user=request.user).filter(pk=note_pk).first()
    if note is None:
        raise Http404("Not found")
    form = NoteDeleteForm(request.POST or None)

    def save(form):
        services.case_note_delete(note=note, actor=request.user, reason=form.cleaned_data["reason"])

    if request.method == "POST" and attempt(form, save):
        return done(request, "Note deleted", "notes", case)
    return case_page(request, case, "notes", "casework/note_delete.html", {"form": form, "note": note})


# --- Chronology ---------------------------------------------------------------------------------


@require_GET
def chronology_view(request, pk):
    case = view_case(request, pk, purpose="chronology")
    available = chronology.kinds()
    wanted = {kind for kind in request.GET.getlist("kind") if kind in dict(available)}
    entries = chronology.entries_for(case=case, user=request.user, kinds_wanted=wanted or None)
    context = {"entries": entries, "available": available, "wanted": wanted}
    return case_page(request, case, "chronology", "casework/chronology.html", context)


def _session_entries(*, case, user):
    for session in case.sessions.select_related("recorded_by"):
        minutes = f", {session.duration_minutes} minutes" if session.duration_minutes else ""
        yield chronology.ChronologyEntry(
            when=session.held_on,
            kind="session",
            kind_label="Session",
            title=f"{session.get_kind_display()}: {session.get_attendance_display().lower()}{minutes}",
            detail=session.notes,
            by=str(session.recorded_by),
        )


def _note_entries(*, case, user):
    for note in notes_for(case=case, user=user):
        yield chronology.ChronologyEntry(
            when=note.created_at,
            kind="note",
            kind_label="Note",
            title=f"{note.get_kind_display()} note" + (" (sensitive)" if note.is_sensitive else ""),
            detail=note.text,
            by=str(note.author),
        )


def _closure_entries(*, case, user):
    for closure in case.closures.select_related("requested_by", "decided_by", "reopened_by"):
        yield chronology.ChronologyEntry(
            when=closure.requested_at,
            kind="closure",
            kind_label="Closure",
            title=f"Closure requested: {closure.get_reason_display().lower()}",
            detail=closure.summary,
            by=str(closure.requested_by),
        )
        if closure.decided_at:
            yield chronology.ChronologyEntry(
                when=closure.decided_at,
                kind="closure",
                kind_label="Closure",
                title=f"Closure {closure.get_decision_display().lower()}",
                detail=closure.decision_note,
                by=str(closure.decided_by),
            )
        if closure.reopened_at:
            yield chronology.ChronologyEntry(
                when=closure.reopened_at,
                kind="closure",
                kind_label="Closure",
                title="Case reopened",
                detail=closure.reopen_reason,
                by=str(closure.reopened_by),
            )


chronology.register("session", "Sessions and contacts", _session_entries)
chronology.register("note", "Notes", _note_entries)
chronology.register("closure", "Closure", _closure_entries)


# --- Closure and outcomes -----------------------------------------------------------------------


def _outcome_table(case: Case) -> list[dict]:
    measures = {(m.behaviour, m.time_point): m for m in case.outcome_measures.all()}
    return [
        {
            "label": label,
            "points": [measures.get((behaviour, point)) for point in OutcomeMeasure.TimePoint.values],
        }
        for behaviour, label in BehaviourType.choices
    ]


@require_GET
def closure(request, pk):
    case = view_case(request, pk, purpose="closure")
    context = {
        "closures": case.closures.select_related("requested_by", "decided_by", "reopened_by"),
        "pending": case.closures.filter(decision=CaseClosure.Decision.PENDING).first(),
        "outcomes": _outcome_table(case),
        "time_points": OutcomeMeasure.TimePoint.choices,
        "may_decide": can(request.user, APPROVE_CLOSURE, case),
        "decision_form": ClosureDecisionForm(),
        "reopen_form": ReopenForm(),
    }
    return case_page(request, case, "closure", "casework/closure.html", context)


@require_http_methods(["GET", "POST"])
def closure_request(request, pk):
    case = view_case(request, pk, purpose="request closure", action=EDIT)
    if case.phase in (Case.Phase.CLOSING, Case.Phase.CLOSED):
        return done(request, "Closure has already been requested for this case", "closure", case)
    form = ClosureRequestForm(request.POST or None)

    def save(form):
        services.case_closure_request(
            case=case,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            summary=form.cleaned_data["summary"],
            exit_ratings=behaviour_ratings(form.cleaned_data),
        )

    if request.method == "POST" and attempt(form, save):
        return done(request, "Closure requested: a supervisor will review it", "closure", case)
    return case_page(request, case, "closure", "casework/closure_request.html", {"form": form})


@require_http_methods(["POST"])
def closure_decide(request, pk):
    case = view_case(request, pk, purpose="decide closure", action=APPROVE_CLOSURE)
    pending = case.closures.filter(decision=CaseClosure.Decision.PENDING).first()
    if pending is None:
        return done(request, "There is no closure waiting for a decision", "closure", case)
    form = ClosureDecisionForm(request.POST)

    def save(form):
        services.case_closure_decide(
            closure=pending,
            actor=request.user,
            approve=form.cleaned_data["decision"] == "approve",
            note=form.cleaned_data["note"],
        )

    if attempt(form, save):
        approved = form.cleaned_data["decision"] == "approve"
        return done(request, "Case closed" if approved else "Closure returned", "closure", case)
    context = {"form": form, "pending": pending, "title": "Decide on the closure"}
    return case_page(request, case, "closure", "casework/closure_decide.html", context, status=200)


@require_http_methods(["GET", "POST"])
def case_reopen(request, pk):
    case = view_case(request, pk, purpose="reopen case", action=APPROVE_CLOSURE)
    form = ReopenForm(request.POST or None)

    def save(form):
        services.case_reopen(case=case, actor=request.user, reason=form.cleaned_data["reason"])

    if request.method == "POST" and attempt(form, save):
        return done(request, "Case reopened", "closure", case)
    return case_page(
        request, case, "closure", "casework/case_form.html", {"form": form, "title": "Reopen the case"}
    )


@require_http_methods(["GET", "POST"])
def outcomes_record(request, pk):
    case = view_case(request, pk, purpose="record outcome measures", action=EDIT)
    form = OutcomeForm(request.POST or None)

    def save(form):
        services.outcome_measures_record(
            case=case,
            actor=request.user,
            time_point=form.cleaned_data["time_point"],
            ratings=behaviour_ratings(form.cleaned_data),
        )

    if request.method == "POST" and attempt(form, save):
        return done(request, "Outcome measures recorded", "closure", case)
    return case_page(
        request,
        case,
        "closure",
        "casework/case_form.html",
        {
            "form": form,
            "title": "Record outcome measures",
            "cancel_url": reverse("casework:closure", args=[case.pk]),
        },
    )
