"""victims' entries in the personal-data registry (accounts.personal_data).

The one rule (DESIGN.md §3) holds here, where records are read: a perpetrator's request never
reads a victim-survivor's own record or anything restricted about her (no victim row, address,
contact detail, safe contact arrangement, safety plan or note, child, DASH answer, consent
decision, nor what is known about a new partner). A linked person appears only as the
relationship and its dates, a new partner notice only as its date, a note her IDVA shared only
as its text and date, all withheld as information about other people. What is not gathered
cannot be released by any review decision.

A victim-survivor's request gathers her own record: details, addresses, contacts, safe contact,
safety plan and notes, DASH, consent ledger, outcomes, notes shared for her; her children and
Operation Encompass notices, the relationship (his name and the relationship only) and new
partner notices about her, withheld as information about other people.

Retention: a victim-survivor record whose support closed; a closed case's new partner notices.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts import personal_data as registry
from accounts.erasure import ERASED, ERASED_NAME, ids, scrub, year_only
from accounts.models import Role
from accounts.personal_data import Candidate, Erasure, Exemption, Gathering, RecordType, Subject, held
from accounts.plain_words import written_date
from casework.models import Case
from victims import models as vm

BATCH = 1000
OTHERS = Exemption.THIRD_PARTY

LINK_FIELDS = ("relationship", "started_on", "ended_on", "is_current")
LINK_LABELS = {
    "started_on": "Relationship started",
    "ended_on": "Relationship ended",
    "is_current": "Current relationship",
}

HER_RECORD = (
    vm.Victim,
    vm.VictimAddress,
    vm.VictimContact,
    vm.VictimSafeContact,
    vm.SafetyPlan,
    vm.SafetyNote,
    vm.DashAssessment,
    vm.ConsentDecision,
    vm.VictimOutcome,
    vm.SharedNote,
    vm.Child,
    vm.EncompassNotification,
    vm.VictimLink,
    vm.NewPartnerNotice,
)


# --- A perpetrator's request ------------------------------------------------------------------------------


@registry.collector(Subject.PERPETRATOR, order=20, models=(vm.NewPartnerNotice,))
def new_partner_notices_on_his_cases(g: Gathering) -> None:
    """Only that a notice exists, in the section of its case: what is known about the new partner
    is never gathered."""
    for case in held(Case).filter(perpetrator_id=g.subject.pk).order_by("opened_on", "id").only("pk"):
        for notice in vm.NewPartnerNotice.objects.filter(case_id=case.pk):
            g.add(
                g.section_for(case),
                "Note about a new partner",
                notice,
                {"Recorded on": written_date(notice.recorded_at)},
                exemption=OTHERS,
                note="About a new partner of the subject (what is known about them is not gathered)",
                key=case,
            )


@registry.collector(Subject.PERPETRATOR, order=40, models=(vm.VictimLink, vm.SharedNote))
def people_linked_to_him(g: Gathering) -> None:
    for link in held(vm.VictimLink).filter(perpetrator_id=g.subject.pk):
        section = "People linked to you"
        g.add(
            section,
            f"Your {link.get_relationship_display().lower()}",
            link,
            g.words.fields(link, only=LINK_FIELDS, labels=LINK_LABELS),
            exemption=OTHERS,
            note="About a victim-survivor (only the relationship and its dates are gathered)",
        )
        g.each(
            section,
            vm.SharedNote.objects.filter(link_id=link.pk),
            lambda n: f"Note shared by another service, {written_date(n.shared_at)}",
            only=("text", "shared_at"),
            exemption=OTHERS,
            note="Written by a victim-survivor's support service about them",
        )


# --- A victim-survivor's request -------------------------------------------------------------------------


@registry.collector(Subject.VICTIM, order=10, models=HER_RECORD)
def her_record(g: Gathering) -> None:
    victim = g.subject
    w = g.words
    vid = victim.pk
    about = "About you"
    g.add(about, "Your personal details", victim, w.fields(victim))
    g.each(about, held(vm.VictimAddress).filter(victim_id=vid), lambda a: f"{a.get_kind_display()} address")
    g.each(about, held(vm.VictimContact).filter(victim_id=vid), lambda c: c.get_kind_display())

    safety = "Keeping you safe"
    g.each(
        safety,
        held(vm.VictimSafeContact).filter(victim_id=vid),
        lambda s: "How and when to contact you safely",
    )
    g.each(safety, held(vm.SafetyPlan).filter(victim_id=vid), lambda p: "Your safety plan")
    g.each(
        safety,
        held(vm.SafetyNote).filter(victim_id=vid).order_by("created_at", "id"),
        lambda n: f"Safety note, {written_date(n.created_at)}",
    )

    support = "Your support"
    g.each(
        support,
        vm.DashAssessment.objects.filter(victim_id=vid).select_related("instrument"),
        lambda d: f"Risk checklist (DASH), {written_date(d.completed_at)}",
        skip=("answers",),
        extra=lambda d: {"Answers": [_dash_line(row) for row in d.rows()]},
    )
    g.each(
        support,
        vm.ConsentDecision.objects.filter(victim_id=vid),
        lambda c: f"Decision about sharing your information, {written_date(c.decided_on)}",
    )
    g.each(
        support,
        vm.VictimOutcome.objects.filter(victim_id=vid),
        lambda o: f"How things were at {o.get_stage_display().lower()}",
    )
    g.each(
        support,
        vm.SharedNote.objects.filter(victim_id=vid),
        lambda n: f"Note your adviser shared with another service, {written_date(n.shared_at)}",
        only=("text", "shared_by", "shared_at"),
    )

    children = "Your children"
    child_note = "About a child: the child's own information"
    for child in held(vm.Child).filter(victim_id=vid):
        g.add(
            children, f"Child: {child.first_name}", child, w.fields(child), exemption=OTHERS, note=child_note
        )
        g.each(
            children,
            vm.EncompassNotification.objects.filter(child_id=child.pk),
            lambda e: f"School told about an incident (Operation Encompass), {written_date(e.notified_on)}",
            exemption=OTHERS,
            note=child_note,
        )

    for link in held(vm.VictimLink).filter(victim_id=vid).select_related("perpetrator"):
        # His name and the relationship only: the perpetrator's own records are never gathered here.
        data = {"Name": link.perpetrator.full_name}
        data.update(w.fields(link, only=LINK_FIELDS, labels=LINK_LABELS))
        g.add(
            "The person who harmed you",
            "Relationship",
            link,
            data,
            exemption=OTHERS,
            note="About the person who harmed the subject (only their name and the relationship)",
        )
    for notice in vm.NewPartnerNotice.objects.filter(victim_id=vid):
        g.add(
            "Information from other services",
            f"Note about a new relationship, {written_date(notice.recorded_at)}",
            notice,
            w.fields(notice, only=("what_is_known", "recorded_at")),
            exemption=OTHERS,
            note="Recorded by the service working with the person who harmed the subject",
        )
    g.watch_audit("victims.victim", [vid], "your support record")


def _dash_line(row: dict) -> str:
    line = f"{row['number']}. {row['text']} {row['answer']}"
    return f"{line}. {row['comment']}" if row["comment"] else line


# --- Retention ----------------------------------------------------------------------------------------------


def closed_support(cutoff):
    rows = (
        vm.Victim.objects.filter(support_status=vm.Victim.SupportStatus.CLOSED, updated_at__date__lte=cutoff)
        .values_list("pk", "area_id", "team_id", "updated_at")
        .iterator(chunk_size=BATCH)
    )
    return (Candidate(pk, f"V-{pk:06d}", area, team, timezone.localdate(at)) for pk, area, team, at in rows)


@registry.erase_step(
    RecordType.VICTIM,
    order=10,
    models=(
        vm.Victim,
        vm.VictimAddress,
        vm.VictimContact,
        vm.VictimSafeContact,
        vm.SafetyPlan,
        vm.SafetyNote,
        vm.Child,
        vm.SharedNote,
        vm.ConsentDecision,
        vm.DashAssessment,
    ),
)
def erase_her_record(erasure: Erasure) -> dict:
    victim = vm.Victim.all_objects.select_for_update().get(pk=int(erasure.object_id))
    if victim.support_status != vm.Victim.SupportStatus.CLOSED:
        raise ValidationError("Support has been reopened since the review was opened: keep the record.")
    pk = victim.pk
    year_only(vm.Victim, [pk])
    scrub(
        vm.Victim,
        [pk],
        {
            "first_name": ERASED_NAME,
            "last_name": "",
            "known_as": "",
            "disability_needs": "",
            "vlo_name": "",
            "vlo_contact": "",
        },
    )
    children = ids(vm.Child._base_manager.filter(victim_id=pk))
    year_only(vm.Child, children)
    summary = {
        "addresses": scrub(
            vm.VictimAddress,
            ids(vm.VictimAddress._base_manager.filter(victim_id=pk)),
            {"line_1": ERASED, "line_2": "", "town": "", "postcode": ""},
            soft_delete=True,
        ),
        "contacts": scrub(
            vm.VictimContact,
            ids(vm.VictimContact._base_manager.filter(victim_id=pk)),
            {"value": ERASED, "note": ""},
            soft_delete=True,
        ),
        "safe_contact": scrub(
            vm.VictimSafeContact,
            ids(vm.VictimSafeContact._base_manager.filter(victim_id=pk)),
            {"safe_contact_method": "", "safe_times": "", "housing_notes": ""},
        ),
        "safety_plan": scrub(
            vm.SafetyPlan, ids(vm.SafetyPlan._base_manager.filter(victim_id=pk)), {"plan": ERASED}
        ),
        "safety_notes": scrub(
            vm.SafetyNote, ids(vm.SafetyNote._base_manager.filter(victim_id=pk)), {"text": ERASED}
        ),
        "children": scrub(
            vm.Child, children, {"first_name": ERASED_NAME, "last_name": "", "school": "", "address": ""}
        ),
        "shared_notes": vm.SharedNote.objects.filter(victim_id=pk).update(text=ERASED),
    }
    vm.ConsentDecision.objects.filter(victim_id=pk).exclude(rationale="").update(rationale=ERASED)
    dash = 0
    for assessment in vm.DashAssessment.objects.filter(victim_id=pk).only("pk", "answers", "judgement_level"):
        answers = {
            key: {"answer": (value or {}).get("answer")} for key, value in (assessment.answers or {}).items()
        }
        vm.DashAssessment.objects.filter(pk=assessment.pk).update(
            answers=answers, judgement_rationale=ERASED if assessment.judgement_level else ""
        )
        dash += 1
    summary["dash_assessments"] = dash
    return summary


@registry.erase_step(RecordType.CASE, order=30, models=(vm.NewPartnerNotice,))
def erase_new_partner_notices(erasure: Erasure) -> dict:
    """What the case recorded about his new partner goes with the case."""
    vm.NewPartnerNotice.objects.filter(case_id=int(erasure.object_id)).update(what_is_known=ERASED)
    return {}


registry.retention_type(
    RecordType.VICTIM, candidates=closed_support, audit_label="victims.victim", decided_by=Role.SUPERVISOR
)


# --- Everything else ----------------------------------------------------------------------------------------

registry.history_of(
    vm.Victim,
    vm.VictimLink,
    vm.VictimAddress,
    vm.VictimContact,
    vm.VictimSafeContact,
    vm.SafetyPlan,
    vm.Child,
)
registry.no_subject_data(
    vm.VictimUserObjectPermission,
    vm.VictimGroupObjectPermission,
    reason="who may open a victim record: a member of staff (or group) and a record number",
)
registry.no_subject_data(vm.DashInstrument, reason="reference data: the DASH questions")
