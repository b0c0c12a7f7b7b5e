"""Writes to perpetrators and cases. Each takes the acting user and writes the audit event."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import audit
from accounts.models import AuditEvent, Role, Team
from accounts.records import save_versioned
from accounts.safe_text import refuse_contact_details
from casework.models import (
    Assessment,
    AssessmentInstrument,
    Case,
    CaseClosure,
    CaseNote,
    CaseSession,
    DisruptionAction,
    OutcomeMeasure,
    Perpetrator,
    PerpetratorAddress,
    PerpetratorAlias,
    PerpetratorIdentifier,
    RiskLevelChange,
    SupportGoal,
)


@transaction.atomic
def perpetrator_create(*, actor, area, first_name: str, last_name: str, **details) -> Perpetrator:
    perpetrator = Perpetrator.objects.create(area=area, first_name=first_name, last_name=last_name, **details)
    audit.record(None, AuditEvent.Action.CREATE, perpetrator, user=actor)
    return perpetrator


def _check_case_manager(team: Team, user) -> None:
    if user is None:
        return
    if not user.memberships.filter(
        team=team, active=True, role__in=[Role.CASE_MANAGER, Role.SUPERVISOR]
    ).exists():
        raise ValidationError({"case_manager": f"{user} is not a case manager in {team}."})


@transaction.atomic
def case_open(
    *,
    actor,
    perpetrator: Perpetrator,
    team: Team,
    intervention_type: str = Case.InterventionType.INTENSIVE,
    case_manager=None,
    supervisor=None,
    risk_level: str | None = None,
) -> Case:
    """Open a new case for `perpetrator` in `team` (a person may have several over time)."""
    if team.kind != Team.Kind.CASE_MANAGEMENT:
        raise ValidationError({"team": "Cases can only be owned by a perpetrator case-management team."})
    _check_case_manager(team, case_manager)
    from victims.rules import check_not_supporting_linked_victim  # victims depends on casework

    for worker in (case_manager, supervisor):
        check_not_supporting_linked_victim(worker, perpetrator)
    case = Case(
        perpetrator=perpetrator,
        team=team,
        intervention_type=intervention_type,
        case_manager=case_manager,
        supervisor=supervisor,
        phase=Case.Phase.ASSESSMENT if case_manager else Case.Phase.REFERRAL,
    )
    if risk_level:
        case.risk_level = risk_level
    case.full_clean()
    case.save()
    audit.record(None, AuditEvent.Action.CREATE, case, user=actor)
    return case


@transaction.atomic
def case_allocate(*, case: Case, case_manager, actor, supervisor=None) -> Case:
    """Allocate (or reallocate) the case to a case manager in its team, and, when given, to a
    supervisor (a supervisor in its team). The same-worker rule applies to both."""
    _check_case_manager(case.team, case_manager)
    from victims.rules import check_not_supporting_linked_victim  # victims depends on casework

    check_not_supporting_linked_victim(case_manager, case.perpetrator)
    changed = ["case_manager", "phase", "updated_at"]
    purpose = f"allocated to {case_manager}"
    if supervisor is not None and supervisor.pk != case.supervisor_id:
        if not supervisor.memberships.filter(team=case.team, active=True, role=Role.SUPERVISOR).exists():
            raise ValidationError({"supervisor": f"{supervisor} is not a supervisor in {case.team}."})
        try:
            check_not_supporting_linked_victim(supervisor, case.perpetrator)
        except ValidationError as exc:
            raise ValidationError({"supervisor": exc.messages}) from None
        case.supervisor = supervisor
        changed.append("supervisor")
        purpose += f", supervised by {supervisor}"
    case.case_manager = case_manager
    if case.phase == Case.Phase.REFERRAL:
        case.phase = Case.Phase.ASSESSMENT
    case.save(update_fields=changed)
    audit.record(None, AuditEvent.Action.UPDATE, case, user=actor, purpose=purpose)
    return case


# --- The perpetrator record -----------------------------------------------------------------

PERPETRATOR_EDITABLE = [
    "first_name",
    "last_name",
    "known_as",
    "date_of_birth",
    "gender",
    "ethnicity",
    "sexuality",
    "disability",
    "religion",
    "first_language",
    "interpreter_needed",
    "mappa_category",
    "mappa_level",
]


@transaction.atomic
def perpetrator_update(*, perpetrator: Perpetrator, actor, expected_version: int, **changes) -> Perpetrator:
    """Change the person's details. Raises ConcurrentEditError if someone saved in between."""
    unknown = set(changes) - set(PERPETRATOR_EDITABLE)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(perpetrator, name, value)
    perpetrator.full_clean()
    save_versioned(perpetrator, expected_version=expected_version, update_fields=list(changes))
    audit.record(None, AuditEvent.Action.UPDATE, perpetrator, user=actor, purpose="details changed")
    return perpetrator


@transaction.atomic
def perpetrator_alias_add(*, perpetrator: Perpetrator, actor, name: str, note: str = "") -> PerpetratorAlias:
    refuse_contact_details(note=note)
    alias = PerpetratorAlias(perpetrator=perpetrator, name=name.strip(), note=note.strip())
    alias.full_clean()
    alias.save()
    audit.record(None, AuditEvent.Action.CREATE, alias, user=actor)
    return alias


@transaction.atomic
def perpetrator_identifier_add(
    *, perpetrator: Perpetrator, actor, kind: str, value: str
) -> PerpetratorIdentifier:
    """Record another agency's reference. One value of a kind belongs to one person only."""
    value = value.strip().upper()
    taken = PerpetratorIdentifier.objects.filter(kind=kind, value=value).first()
    if taken is not None:
        whose = "this person" if taken.perpetrator_id == perpetrator.pk else "another person"
        raise ValidationError({"value": f"This {taken.get_kind_display()} is already recorded for {whose}."})
    identifier = PerpetratorIdentifier(perpetrator=perpetrator, kind=kind, value=value)
    identifier.full_clean(validate_constraints=False)
    identifier.save()
    audit.record(None, AuditEvent.Action.CREATE, identifier, user=actor)
    return identifier


@transaction.atomic
def perpetrator_address_add(*, perpetrator: Perpetrator, actor, **fields) -> PerpetratorAddress:
    address = PerpetratorAddress(perpetrator=perpetrator, **fields)
    address.postcode = address.postcode.strip().upper()
    if address.lived_from and address.lived_to and address.lived_to < address.lived_from:
        raise ValidationError(
            {"lived_to": "The date they left must be the same as or after the date they moved in."}
        )
    address.full_clean()
    address.save()
    audit.record(None, AuditEvent.Action.CREATE, address, user=actor)
    return address


@transaction.atomic
def perpetrator_detail_remove(
    *, detail: PerpetratorAlias | PerpetratorIdentifier | PerpetratorAddress, actor
) -> None:
    """Soft-delete an alias, identifier or address (kept in history, hidden from the record)."""
    detail.soft_delete()
    audit.record(None, AuditEvent.Action.DELETE, detail, user=actor)


# --- The case -------------------------------------------------------------------------------


@transaction.atomic
def case_update(
    *,
    case: Case,
    actor,
    expected_version: int,
    intervention_type: str,
    phase: str,
    next_review_date,
) -> Case:
    """Change the case's intervention, phase and review date (not closure: see case_closure_*)."""
    if phase in (Case.Phase.CLOSING, Case.Phase.CLOSED) and phase != case.phase:
        raise ValidationError({"phase": "To close a case, request closure so a supervisor can approve it."})
    if case.phase in (Case.Phase.CLOSING, Case.Phase.CLOSED) and phase != case.phase:
        raise ValidationError(
            {"phase": "This case is closing or closed: use the closure page to change that."}
        )
    case.intervention_type = intervention_type
    case.phase = phase
    case.next_review_date = next_review_date
    case.full_clean()
    save_versioned(
        case,
        expected_version=expected_version,
        update_fields=["intervention_type", "phase", "next_review_date"],
    )
    audit.record(None, AuditEvent.Action.UPDATE, case, user=actor, purpose="case details changed")
    return case


@transaction.atomic
def case_risk_change(
    *, case: Case, actor, risk_level: str, reason: str, expected_version: int
) -> RiskLevelChange:
    """Set a new risk level with the reason; every change is kept in RiskLevelChange."""
    refuse_contact_details(reason=reason)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter the reason the risk level is changing."})
    if risk_level == case.risk_level:
        raise ValidationError({"risk_level": "Choose a risk level different from the current one."})
    change = RiskLevelChange.objects.create(
        case=case, from_level=case.risk_level, to_level=risk_level, reason=reason, changed_by=actor
    )
    case.risk_level = risk_level
    save_versioned(case, expected_version=expected_version, update_fields=["risk_level"])
    audit.record(
        None,
        AuditEvent.Action.UPDATE,
        case,
        user=actor,
        purpose=f"risk level {change.get_from_level_display()} → {change.get_to_level_display()}",
    )
    return change


# --- Assessments ------------------------------------------------------------------------------


@transaction.atomic
def assessment_start(*, case: Case, instrument: AssessmentInstrument, actor) -> Assessment:
    if not instrument.active:
        raise ValidationError({"instrument": "This version of the instrument is no longer in use."})
    assessment = Assessment.objects.create(case=case, instrument=instrument, started_by=actor)
    audit.record(None, AuditEvent.Action.CREATE, assessment, user=actor)
    return assessment


@transaction.atomic
def assessment_save(
    *, assessment: Assessment, actor, answers: dict, expected_version: int, complete: bool = False
) -> Assessment:
    """Save a draft's answers, and complete it if asked. A completed assessment never changes."""
    if assessment.is_completed:
        raise ValidationError("This assessment is completed and cannot be changed. Start a new one instead.")
    # Field names as the assessment form names them, so the page shows each message on its question.
    refuse_contact_details(**{f"q_{key}": value for key, value in answers.items() if isinstance(value, str)})
    keys = {question["key"] for question in assessment.instrument.structure}
    assessment.answers = {key: value for key, value in answers.items() if key in keys}
    fields = ["answers"]
    if complete:
        assessment.status = Assessment.Status.COMPLETED
        assessment.completed_at = timezone.now()
        assessment.completed_by = actor
        fields += ["status", "completed_at", "completed_by"]
    save_versioned(assessment, expected_version=expected_version, update_fields=fields)
    audit.record(
        None,
        AuditEvent.Action.UPDATE,
        assessment,
        user=actor,
        purpose="completed" if complete else "draft saved",
    )
    return assessment


# --- Support and disruption plans -------------------------------------------------------------


@transaction.atomic
def support_goal_add(
    *, case: Case, actor, need_domain: str, goal: str, status: str, review_date=None
) -> SupportGoal:
    refuse_contact_details(goal=goal)
    item = SupportGoal(
        case=case,
        need_domain=need_domain,
        goal=goal,
        status=status,
        review_date=review_date,
        created_by=actor,
    )
    item.full_clean()
    item.save()
    audit.record(None, AuditEvent.Action.CREATE, item, user=actor)
    return item


@transaction.atomic
def disruption_action_add(
    *, case: Case, actor, agency, lever: str, description: str, due_date=None, status: str, outcome: str = ""
) -> DisruptionAction:
    refuse_contact_details(description=description, outcome=outcome)
    item = DisruptionAction(
        case=case,
        agency=agency,
        lever=lever,
        description=description,
        due_date=due_date,
        status=status,
        outcome=outcome,
        created_by=actor,
    )
    item.full_clean()
    item.save()
    audit.record(None, AuditEvent.Action.CREATE, item, user=actor)
    return item


PLAN_FREE_TEXT = ("goal", "description", "outcome")
PLAN_EDITABLE = {
    SupportGoal: ["need_domain", "goal", "status", "review_date"],
    DisruptionAction: ["agency", "lever", "description", "due_date", "status", "outcome"],
}


@transaction.atomic
def plan_item_update(
    *, item: SupportGoal | DisruptionAction, actor, expected_version: int, **changes
) -> SupportGoal | DisruptionAction:
    """Change a support goal or disruption action; a stale copy raises ConcurrentEditError."""
    allowed = PLAN_EDITABLE[type(item)]
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    refuse_contact_details(**{name: changes[name] for name in PLAN_FREE_TEXT if name in changes})
    for name, value in changes.items():
        setattr(item, name, value)
    item.full_clean()
    save_versioned(item, expected_version=expected_version, update_fields=list(changes))
    audit.record(None, AuditEvent.Action.UPDATE, item, user=actor)
    return item


# --- Sessions and notes -----------------------------------------------------------------------


@transaction.atomic
def case_session_record(
    *, case: Case, actor, kind: str, held_on, attendance: str, duration_minutes=None, notes: str = ""
) -> CaseSession:
    refuse_contact_details(notes=notes)
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": "The date of the session must be today or in the past."})
    session = CaseSession(
        case=case,
        kind=kind,
        held_on=held_on,
        attendance=attendance,
        duration_minutes=duration_minutes,
        notes=notes,
        recorded_by=actor,
    )
    session.full_clean()
    session.save()
    audit.record(None, AuditEvent.Action.CREATE, session, user=actor)
    return session


@transaction.atomic
def case_note_add(
    *, case: Case, actor, kind: str, text: str, sensitivity: str = CaseNote.Sensitivity.NORMAL
) -> CaseNote:
    refuse_contact_details(text=text)
    note = CaseNote(case=case, kind=kind, text=text.strip(), sensitivity=sensitivity, author=actor)
    note.full_clean()
    note.save()
    audit.record(None, AuditEvent.Action.CREATE, note, user=actor)
    return note


@transaction.atomic
def case_note_delete(*, note: CaseNote, actor, reason: str) -> None:
    """Soft delete: the note leaves the case file but stays in its history and the audit trail."""
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the note is being deleted."})
    refuse_contact_details(reason=reason)
    note.soft_delete()
    audit.record(None, AuditEvent.Action.DELETE, note, user=actor, purpose=reason.strip())


# --- Closure ----------------------------------------------------------------------------------


def _record_outcomes(*, case: Case, actor, time_point: str, ratings: dict[str, int | None]) -> None:
    for behaviour, frequency in ratings.items():
        if frequency is None:
            continue
        measure = OutcomeMeasure.objects.filter(case=case, behaviour=behaviour, time_point=time_point).first()
        if measure is None:
            measure = OutcomeMeasure(case=case, behaviour=behaviour, time_point=time_point)
        measure.frequency = frequency
        measure.recorded_by = actor
        measure.recorded_at = timezone.now()
        measure.save()


@transaction.atomic
def outcome_measures_record(*, case: Case, actor, time_point: str, ratings: dict[str, int | None]) -> None:
    """Record how often each of the four behaviour types was happening at intake, mid-point or exit."""
    if time_point not in OutcomeMeasure.TimePoint.values:
        raise ValidationError({"time_point": "Choose intake, mid-point or exit."})
    _record_outcomes(case=case, actor=actor, time_point=time_point, ratings=ratings)
    audit.record(
        None, AuditEvent.Action.UPDATE, case, user=actor, purpose=f"outcome measures at {time_point}"
    )


@transaction.atomic
def case_closure_request(
    *, case: Case, actor, reason: str, summary: str, exit_ratings: dict[str, int | None]
) -> CaseClosure:
    """The case manager asks to close the case; it waits in "closing" for a supervisor."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.phase in (Case.Phase.CLOSING, Case.Phase.CLOSED):
        raise ValidationError("Closure has already been requested for this case.")
    if not summary.strip():
        raise ValidationError({"summary": "Enter a summary of the work and why the case is closing."})
    refuse_contact_details(summary=summary)
    closure = CaseClosure.objects.create(
        case=case, reason=reason, summary=summary.strip(), requested_by=actor
    )
    _record_outcomes(case=case, actor=actor, time_point=OutcomeMeasure.TimePoint.EXIT, ratings=exit_ratings)
    case.phase = Case.Phase.CLOSING
    case.version = locked.version + 1
    case.save(update_fields=["phase", "version", "updated_at"])
    audit.record(None, AuditEvent.Action.UPDATE, case, user=actor, purpose="closure requested")
    return closure


@transaction.atomic
def case_closure_decide(*, closure: CaseClosure, actor, approve: bool, note: str = "") -> CaseClosure:
    """A supervisor approves (the case closes today) or returns the request with a note."""
    closure = CaseClosure.objects.select_for_update().select_related("case").get(pk=closure.pk)
    if closure.decision != CaseClosure.Decision.PENDING:
        raise ValidationError("This closure request has already been decided.")
    if not approve and not note.strip():
        raise ValidationError({"note": "Enter why the closure is being returned."})
    refuse_contact_details(note=note)
    case = closure.case
    closure.decision = CaseClosure.Decision.APPROVED if approve else CaseClosure.Decision.RETURNED
    closure.decided_by = actor
    closure.decided_at = timezone.now()
    closure.decision_note = note.strip()
    closure.save()
    if approve:
        case.phase = Case.Phase.CLOSED
        case.closed_on = max(timezone.localdate(), case.opened_on)
    else:
        case.phase = Case.Phase.ACTIVE
    case.version += 1
    case.save(update_fields=["phase", "closed_on", "version", "updated_at"])
    audit.record(
        None,
        AuditEvent.Action.UPDATE,
        case,
        user=actor,
        purpose="closure approved" if approve else "closure returned",
    )
    if approve:
        # The exit score makes the RFG entry-to-exit outcome; a case that never scored has none.
        from casework.models import RfgScore
        from casework.services_legal import rfg_record_exit

        if case.rfg_scores.filter(kind=RfgScore.Kind.ENTRY).exists():
            rfg_record_exit(case=case, actor=actor, as_of=case.closed_on)
    return closure


@transaction.atomic
def case_reopen(*, case: Case, actor, reason: str) -> Case:
    """Reopen a closed case. The closure, its outcomes and all history stay as they were."""
    if case.phase != Case.Phase.CLOSED:
        raise ValidationError("Only a closed case can be reopened.")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the case is being reopened."})
    refuse_contact_details(reason=reason)
    closure = case.closures.filter(decision=CaseClosure.Decision.APPROVED, reopened_at__isnull=True).first()
    if closure is not None:
        closure.reopened_by = actor
        closure.reopened_at = timezone.now()
        closure.reopen_reason = reason.strip()
        closure.save(update_fields=["reopened_by", "reopened_at", "reopen_reason"])
    case.phase = Case.Phase.ACTIVE
    case.closed_on = None
    case.version += 1
    case.save(update_fields=["phase", "closed_on", "version", "updated_at"])
    audit.record(None, AuditEvent.Action.UPDATE, case, user=actor, purpose=f"reopened: {reason.strip()}")
    return case
