"""casework's entries in the personal-data registry (accounts.personal_data).

Subject access, a perpetrator's request: his personal details, names, identifiers and addresses;
each case (opened, sessions, notes, goals, disruption actions, assessments, closure, risk
changes, outcomes, RFG scores, orders and breaches, custody, incidents, risk alerts about him);
police incidents on no case. Exempt kinds start withheld (case notes and risk changes: serious
harm; disruption actions, incidents, alerts and RFG scores: crime and taxation).
A victim-survivor's request: the risk alerts raised for her adviser, withheld as information
about other people. His own records are never gathered for her.

Retention: a closed case (its records, then the person once every case about him is erased)
and an incident.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from accounts import personal_data as registry
from accounts.erasure import ERASED, ERASED_NAME, drop_history, ids, scrub, year_only
from accounts.models import Role
from accounts.personal_data import Candidate, Erasure, Exemption, Gathering, RecordType, Subject, held
from accounts.plain_words import written_date
from casework import models as cw

BATCH = 1000
CRIME = Exemption.CRIME_TAXATION
HARM = Exemption.SERIOUS_HARM
OTHERS = Exemption.THIRD_PARTY

PERSON = (cw.Perpetrator, cw.PerpetratorAlias, cw.PerpetratorIdentifier, cw.PerpetratorAddress)
CASE_FILE = (
    cw.Case,
    cw.CaseSession,
    cw.CaseNote,
    cw.SupportGoal,
    cw.DisruptionAction,
    cw.Assessment,
    cw.CaseClosure,
    cw.RiskLevelChange,
    cw.OutcomeMeasure,
    cw.RfgScore,
    cw.Order,
    cw.OrderBreach,
    cw.CustodyRecord,
    cw.CustodyEvent,
    cw.Incident,
    cw.RiskFlag,
)


# --- Subject access -------------------------------------------------------------------------------------


@registry.collector(Subject.PERPETRATOR, order=10, models=PERSON + CASE_FILE)
def perpetrator_records(g: Gathering) -> None:
    perpetrator = g.subject
    w = g.words
    pid = perpetrator.pk
    about = "About you"
    g.add(about, "Your personal details", perpetrator, w.fields(perpetrator))
    g.each(
        about, held(cw.PerpetratorAlias).filter(perpetrator_id=pid), lambda a: "Another name you are known by"
    )
    g.each(
        about,
        held(cw.PerpetratorIdentifier).filter(perpetrator_id=pid),
        lambda i: i.get_kind_display(),
        skip=("kind",),
        labels={"value": "Number"},
    )
    g.each(about, held(cw.PerpetratorAddress).filter(perpetrator_id=pid), lambda a: "Your address")

    cases = list(held(cw.Case).filter(perpetrator_id=pid).order_by("opened_on", "id"))
    for case in cases:
        _case_items(g, case)
    g.each(
        "Police incidents",
        held(cw.Incident).filter(perpetrator_id=pid, case__isnull=True),
        lambda i: f"Police incident, {written_date(i.occurred_on)}",
        exemption=CRIME,
        note="A police-recorded incident",
    )
    g.watch_audit("casework.perpetrator", [pid], "your personal details")
    g.watch_audit("casework.case", [c.pk for c in cases], "your case")


def _case_items(g: Gathering, case: cw.Case) -> None:
    w = g.words
    section = f"Your case, opened {written_date(case.opened_on)}"
    key = case  # other apps add to this section: `Gathering.section_for(case)`
    g.add(
        section, "About the case", case, w.fields(case, labels={"intervention_type": "Type of work"}), key=key
    )
    on_case = {"case_id": case.pk}
    g.each(
        section,
        held(cw.CaseSession).filter(**on_case).order_by("held_on", "id"),
        lambda s: f"{s.get_kind_display()} on {written_date(s.held_on)}",
        key=key,
    )
    g.each(
        section,
        held(cw.CaseNote).filter(**on_case).order_by("created_at", "id"),
        lambda n: f"Case note, {written_date(n.created_at)}",
        skip=("sensitivity",),
        exemption=HARM,
        note="A practitioner's case note: it can hold judgements about risk and what others said",
        key=key,
    )
    g.each(
        section,
        held(cw.SupportGoal).filter(**on_case),
        lambda s: f"Support goal: {s.get_need_domain_display()}",
        key=key,
    )
    g.each(
        section,
        held(cw.DisruptionAction).filter(**on_case),
        lambda d: f"Disruption action: {d.get_lever_display()}",
        exemption=CRIME,
        note="Action by the police or partner agencies to disrupt offending, such as a Clare's Law disclosure",
        key=key,
    )
    g.each(
        section,
        held(cw.Assessment).filter(**on_case).select_related("instrument"),
        lambda a: f"{a.instrument.name}, started {written_date(a.created_at)}",
        extra=lambda a: {
            "Answers": [f"{label}: {value or 'Not answered'}" for label, value in a.answer_rows()]
        },
        key=key,
    )
    g.each(
        section,
        cw.CaseClosure.objects.filter(**on_case),
        lambda c: f"Request to close the case, {written_date(c.requested_at)}",
        key=key,
    )
    g.each(
        section,
        cw.RiskLevelChange.objects.filter(**on_case).order_by("changed_at", "id"),
        lambda r: f"Change of risk level, {written_date(r.changed_at)}",
        exemption=HARM,
        note="A risk assessment: its reasons can describe the risk to other people",
        key=key,
    )
    g.each(
        section,
        cw.OutcomeMeasure.objects.filter(**on_case),
        lambda o: f"{o.get_behaviour_display()} at {o.get_time_point_display().lower()}",
        key=key,
    )
    g.each(
        section,
        cw.RfgScore.objects.filter(**on_case),
        lambda r: f"Priority score ({r.get_kind_display().lower()}), {written_date(r.as_of)}",
        exemption=CRIME,
        note="A police-data score used to choose people for multi-agency tasking (MATAC)",
        key=key,
    )
    g.each(
        section,
        held(cw.Order).filter(**on_case),
        lambda o: f"{o.get_kind_display()}, made {written_date(o.made_on)}",
        skip=("conditions",),
        extra=lambda o: (
            {"Conditions": [str(cw.OrderCondition(c).label) for c in o.conditions or []]}
            if o.conditions
            else {}
        ),
        key=key,
    )
    g.each(
        section,
        held(cw.OrderBreach).filter(order__case_id=case.pk),
        lambda b: f"Breach of an order, {written_date(b.occurred_on)}",
        key=key,
    )
    g.each(
        section,
        held(cw.CustodyRecord).filter(**on_case),
        lambda c: f"Custodial sentence, {written_date(c.sentence_date)}",
        skip=("expected_release_month",),
        extra=lambda c: (
            {"Expected release month": f"{c.expected_release_month:%B %Y}"}
            if c.expected_release_month
            else {}
        ),
        key=key,
    )
    g.each(
        section,
        held(cw.CustodyEvent).filter(custody__case_id=case.pk),
        lambda e: f"{e.get_kind_display()}, {written_date(e.occurred_on)}",
        key=key,
    )
    g.each(
        section,
        held(cw.Incident).filter(**on_case),
        lambda i: f"Police incident, {written_date(i.occurred_on)}",
        exemption=CRIME,
        note="A police-recorded incident",
        key=key,
    )
    g.each(
        section,
        cw.RiskFlag.objects.filter(case_id=case.pk, victim__isnull=True).order_by("trigger_date", "id"),
        lambda f: f"Risk alert: {f.get_kind_display()}, {written_date(f.trigger_date)}",
        exemption=CRIME,
        note="A risk alert for the staff managing the risk",
        key=key,
    )


@registry.collector(Subject.VICTIM, order=40, models=(cw.RiskFlag,))
def alerts_for_her_adviser(g: Gathering) -> None:
    g.each(
        "Alerts about changes in risk",
        cw.RiskFlag.objects.filter(victim_id=g.subject.pk).order_by("trigger_date", "id"),
        lambda f: f"Risk alert: {f.get_kind_display()}, {written_date(f.trigger_date)}",
        exemption=OTHERS,
        note="An alert for the subject's adviser: it is about the person who harmed them",
    )


# --- Retention: closed cases ------------------------------------------------------------------------------


def closed_cases(cutoff):
    rows = (
        cw.Case.objects.filter(phase=cw.Case.Phase.CLOSED, closed_on__lte=cutoff)
        .values_list("pk", "team__area_id", "team_id", "closed_on")
        .iterator(chunk_size=BATCH)
    )
    return (Candidate(pk, f"TL-{pk:06d}", area, team, day) for pk, area, team, day in rows)


def erase_incidents(incident_ids: list[int]) -> int:
    return scrub(cw.Incident, incident_ids, {"summary": "", "police_reference": ""})


# Outcome measures and RFG scores are figures the reports count: they stay.
@registry.erase_step(
    RecordType.CASE, order=10, models=tuple(m for m in CASE_FILE if m not in (cw.OutcomeMeasure, cw.RfgScore))
)
def erase_case_records(erasure: Erasure) -> dict:
    case = cw.Case.all_objects.select_for_update().get(pk=int(erasure.object_id))
    if case.phase != cw.Case.Phase.CLOSED:
        raise ValidationError("This case has been reopened since the review was opened: keep it or wait.")
    pk = case.pk
    summary = {
        "sessions": scrub(
            cw.CaseSession, ids(cw.CaseSession._base_manager.filter(case_id=pk)), {"notes": ""}
        ),
        "notes": scrub(cw.CaseNote, ids(cw.CaseNote._base_manager.filter(case_id=pk)), {"text": ERASED}),
        "support_goals": scrub(
            cw.SupportGoal, ids(cw.SupportGoal._base_manager.filter(case_id=pk)), {"goal": ERASED}
        ),
        "disruption_actions": scrub(
            cw.DisruptionAction,
            ids(cw.DisruptionAction._base_manager.filter(case_id=pk)),
            {"description": ERASED, "outcome": ""},
        ),
        "assessments": scrub(
            cw.Assessment, ids(cw.Assessment._base_manager.filter(case_id=pk)), {"answers": {}}
        ),
        "orders": scrub(
            cw.Order,
            ids(cw.Order._base_manager.filter(case_id=pk)),
            {"conditions_detail": "", "court_or_issuer": ""},
        ),
        "breaches": scrub(
            cw.OrderBreach,
            ids(cw.OrderBreach._base_manager.filter(order__case_id=pk)),
            {"description": ERASED, "action_taken": ""},
        ),
        "custody_records": scrub(
            cw.CustodyRecord, ids(cw.CustodyRecord._base_manager.filter(case_id=pk)), {"establishment": ""}
        ),
        "custody_events": scrub(
            cw.CustodyEvent, ids(cw.CustodyEvent._base_manager.filter(custody__case_id=pk)), {"reason": ""}
        ),
        "incidents": erase_incidents(ids(cw.Incident._base_manager.filter(case_id=pk))),
    }
    cw.CaseClosure.objects.filter(case_id=pk).update(summary=ERASED, decision_note="", reopen_reason="")
    cw.RiskLevelChange.objects.filter(case_id=pk).update(reason=ERASED)
    cw.RiskFlag.objects.filter(case_id=pk).update(title=ERASED, why=ERASED, todo=ERASED)
    drop_history(cw.Case, [pk])
    return summary


@registry.erase_step(RecordType.CASE, order=90, models=PERSON)
def erase_the_person(erasure: Erasure) -> dict:
    """The person's identity goes only when no other case of theirs is still held."""
    case = cw.Case.all_objects.get(pk=int(erasure.object_id))
    others = cw.Case.all_objects.filter(perpetrator_id=case.perpetrator_id).exclude(pk=case.pk)
    other_ids = {str(i) for i in others.values_list("pk", flat=True)}
    if other_ids <= erasure.erased(RecordType.CASE, other_ids):
        return {"person": _erase_perpetrator(case.perpetrator_id)}
    return {"person": "kept: another case about this person is still held"}


def _erase_perpetrator(perpetrator_id: int) -> dict:
    year_only(cw.Perpetrator, [perpetrator_id])
    scrub(cw.Perpetrator, [perpetrator_id], {"first_name": ERASED_NAME, "last_name": "", "known_as": ""})
    of_person = {"perpetrator_id": perpetrator_id}
    aliases = scrub(
        cw.PerpetratorAlias,
        ids(cw.PerpetratorAlias._base_manager.filter(**of_person)),
        {"name": ERASED, "note": ""},
        soft_delete=True,
    )
    identifiers = scrub(
        cw.PerpetratorIdentifier,
        ids(cw.PerpetratorIdentifier._base_manager.filter(**of_person)),
        {"value": ERASED},
        soft_delete=True,
    )
    addresses = scrub(
        cw.PerpetratorAddress,
        ids(cw.PerpetratorAddress._base_manager.filter(**of_person)),
        {"line_1": ERASED, "line_2": "", "town": ERASED, "postcode": ""},
        soft_delete=True,
    )
    incidents = erase_incidents(ids(cw.Incident._base_manager.filter(**of_person)))
    return {"aliases": aliases, "identifiers": identifiers, "addresses": addresses, "incidents": incidents}


registry.retention_type(
    RecordType.CASE, candidates=closed_cases, audit_label="casework.case", decided_by=Role.SUPERVISOR
)


# --- Retention: incidents ---------------------------------------------------------------------------------


def old_incidents(cutoff):
    rows = (
        cw.Incident.objects.filter(occurred_on__lte=cutoff)
        .values_list("pk", "perpetrator__area_id", "case__team_id", "occurred_on")
        .iterator(chunk_size=BATCH)
    )
    return (Candidate(pk, f"Incident {pk}", area, team, day) for pk, area, team, day in rows)


@registry.erase_step(RecordType.INCIDENT, order=10, models=(cw.Incident,))
def erase_incident(erasure: Erasure) -> dict:
    return {"incidents": erase_incidents([int(erasure.object_id)])}


registry.retention_type(
    RecordType.INCIDENT, candidates=old_incidents, audit_label="casework.incident", decided_by=Role.SUPERVISOR
)


# --- Everything else ----------------------------------------------------------------------------------------

registry.history_of(
    cw.Perpetrator,
    cw.Case,
    cw.PerpetratorAlias,
    cw.PerpetratorIdentifier,
    cw.PerpetratorAddress,
    cw.Assessment,
    cw.SupportGoal,
    cw.DisruptionAction,
    cw.CaseSession,
    cw.CaseNote,
    cw.OutcomeMeasure,
    cw.Order,
    cw.OrderBreach,
    cw.CustodyRecord,
    cw.CustodyEvent,
    cw.Incident,
)
registry.no_subject_data(
    cw.CaseUserObjectPermission,
    cw.CaseGroupObjectPermission,
    reason="who may open a case: a member of staff (or group) and a case number",
)
registry.no_subject_data(
    cw.AssessmentInstrument,
    cw.RfgModel,
    cw.RfgGravityWeight,
    reason="reference data: instruments and scoring models",
)
registry.no_subject_data(cw.ScanRun, reason="when each risk rule last ran")
registry.kept_outside(
    cw.BreakGlassAccess,
    reason="evidence of emergency access, kept with the audit trail; its reason reaches subject access "
    "through the break-glass audit event (withheld as a reason staff recorded)",
)
registry.kept_outside(
    cw.FlagRecipient,
    reason="each member of staff's copy of a risk alert and their acknowledgement; the alert itself is "
    "gathered and erased",
)
