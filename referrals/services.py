"""Writes to referrals. Each takes the acting user and writes the audit event.

The journey: `referral_save` (draft or submit) → `referral_first_contact_record` →
`referral_person_decide` (link to an existing person or confirm a new one) →
`referral_screen` (accept, decline or signpost) → `referral_allocate` (the case).
Merging perpetrator records lives in `referrals.merging`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import audit, choices
from accounts.models import AuditEvent, Role, Team
from accounts.records import save_versioned
from accounts.safe_text import refuse_contact_details
from casework import services as casework_services
from casework.models import Case, Gender, Perpetrator, PerpetratorIdentifier
from referrals import selectors
from referrals.matching import normalise_identifier
from referrals.models import (
    Referral,
    ReferralVictim,
    ReferralVictimDetails,
    ScreeningAnswer,
    SignpostService,
)

REFERRAL_FIELDS = [
    "pathway",
    "received_on",
    "referrer_name",
    "referrer_organisation",
    "referrer_role",
    "referrer_phone",
    "referrer_email",
    "first_name",
    "last_name",
    "other_names",
    "date_of_birth",
    "gender",
    "ethnicity",
    "first_language",
    "interpreter_needed",
    "disability",
    "disability_details",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "police_reference",
    "pnc_number",
    "prison_number",
    "concerns",
    "stated_risk_level",
    "intervention_type",
    "legal_basis",
    "consent",
    "consent_notes",
]

# What must be filled in before a referral can be submitted (a draft may lack any of it).
REQUIRED_TO_SUBMIT = {
    "pathway": "Select the referral pathway",
    "referrer_name": "Enter the referrer's name",
    "referrer_organisation": "Enter the referrer's organisation",
    "first_name": "Enter the first name of the person referred",
    "last_name": "Enter the last name of the person referred",
    "concerns": "Describe the concerns",
    "stated_risk_level": "Select the risk level the referrer gave",
    "legal_basis": "Select the legal basis for sharing",
    "consent": "Select whether the person consented to the referral",
}

RESTRICTED_FIELDS = [
    "date_of_birth",
    "address",
    "postcode",
    "phone",
    "email",
    "safe_contact",
    "children_details",
]
SAFE_VICTIM_FIELDS = ["first_name", "last_name", "relationship", "children_count"]


@dataclass
class NamedVictimEntry:
    """One named victim as entered on the form. Blank restricted values keep what is stored."""

    row_id: int | None = None
    remove: bool = False
    safe: dict = field(default_factory=dict)
    restricted: dict = field(default_factory=dict)


def missing_for_submission(referral: Referral) -> dict[str, str]:
    missing = {name: message for name, message in REQUIRED_TO_SUBMIT.items() if not getattr(referral, name)}
    if referral.consent in ("refused", "not_sought") and not referral.consent_notes.strip():
        missing["consent_notes"] = "Explain why the referral is being shared without consent"
    if not (referral.referrer_phone or referral.referrer_email):
        missing["referrer_phone"] = "Enter a phone number or email address for the referrer"
    return missing


def _save_victims(referral: Referral, entries: list[NamedVictimEntry], actor) -> None:
    existing = {v.pk: v for v in referral.named_victims.all()}
    for entry in entries:
        victim = existing.get(entry.row_id) if entry.row_id else None
        if entry.remove:
            if victim is not None:
                victim.soft_delete()
                audit.record(None, AuditEvent.Action.DELETE, victim, user=actor)
            continue
        if victim is None:
            victim = ReferralVictim(referral=referral)
        for name in SAFE_VICTIM_FIELDS:
            setattr(victim, name, entry.safe.get(name) or (0 if name == "children_count" else ""))
        victim.save()
        details, _ = ReferralVictimDetails.objects.get_or_create(referral_victim=victim)
        changed = [name for name in RESTRICTED_FIELDS if entry.restricted.get(name)]
        for name in changed:
            setattr(details, name, entry.restricted[name])
        if changed:
            details.save()
        # The audit names the record, never the restricted values.
        audit.record(
            None,
            AuditEvent.Action.UPDATE if entry.row_id else AuditEvent.Action.CREATE,
            victim,
            user=actor,
            purpose="named victim on referral" + ("; restricted details recorded" if changed else ""),
        )


@transaction.atomic
def referral_save(
    *,
    actor,
    team: Team,
    fields: dict,
    victims: list[NamedVictimEntry],
    submit: bool,
    referral: Referral | None = None,
    expected_version: int | None = None,
) -> Referral:
    """Create or update a draft; with `submit`, check it is complete and send it to the team.

    Raises ValidationError (field → message) when submitting an incomplete referral or naming a
    team outside the actor's areas, and ConcurrentEditError when the draft changed since the
    editor loaded it. Either way nothing is saved.
    """
    if team.kind != Team.Kind.CASE_MANAGEMENT:
        raise ValidationError({"team": "Referrals go to a perpetrator case-management team."})
    # Read by the perpetrator's case manager: a victim's details go in the restricted named-victim
    # section (`victims`), never in these.
    refuse_contact_details(concerns=fields.get("concerns"), consent_notes=fields.get("consent_notes"))
    choices.require("referrals.receiving_team", actor, team, field="team")
    creating = referral is None
    if referral is None:
        referral = Referral(created_by=actor)
    elif referral.status != Referral.Status.DRAFT:
        raise ValidationError("This referral has been submitted and can no longer be edited.")
    referral.team = team
    referral.area_id = team.area_id
    for name in REFERRAL_FIELDS:
        if name in fields:
            setattr(referral, name, fields[name])
    for name in ("police_reference", "pnc_number", "prison_number"):
        setattr(referral, name, normalise_identifier(getattr(referral, name)))
    referral.postcode = referral.postcode.strip().upper()
    if submit:
        kept = [e for e in victims if not e.remove and e.safe.get("first_name")]
        missing = missing_for_submission(referral)
        if not kept and not referral.named_victims.exists():
            missing["victims-0-first_name"] = "Name at least one person harmed or at risk"
        if missing:
            raise ValidationError(missing)
        referral.status = Referral.Status.NEW
        referral.submitted_at = timezone.now()
        referral.first_contact_due_on = selectors.first_contact_due(team, referral.received_on)
    if creating:
        referral.save()
    else:
        save_versioned(referral, expected_version=expected_version or 0)
    _save_victims(referral, victims, actor)
    if submit:
        duplicate = selectors.possible_duplicates(referral).first()
        if duplicate is not None:
            referral.possible_duplicate_of = duplicate
            referral.save(update_fields=["possible_duplicate_of", "updated_at"])
    audit.record(
        None,
        AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE,
        referral,
        user=actor,
        purpose="referral submitted" if submit else "draft saved",
    )
    return referral


@transaction.atomic
def referral_first_contact_record(*, referral: Referral, actor, date: datetime.date) -> Referral:
    if date > timezone.localdate():
        raise ValidationError({"date": "The date of first contact must be today or in the past"})
    if date < referral.received_on:
        raise ValidationError({"date": "The date of first contact must be on or after the date received"})
    referral.first_contact_on = date
    referral.first_contact_by = actor
    if referral.status == Referral.Status.NEW:
        referral.status = Referral.Status.SCREENING
    referral.save(update_fields=["first_contact_on", "first_contact_by", "status", "updated_at"])
    audit.record(None, AuditEvent.Action.UPDATE, referral, user=actor, purpose="first contact recorded")
    return referral


@transaction.atomic
def referral_person_decide(*, referral: Referral, actor, perpetrator: Perpetrator | None) -> Referral:
    """Link the referral to an existing person, or (perpetrator=None) confirm a new one."""
    if referral.status not in Referral.OPEN_STATUSES:
        raise ValidationError("The person can only be checked while the referral is open.")
    if perpetrator is not None and perpetrator.area_id != referral.area_id:
        raise ValidationError("That person is recorded in another area.")
    referral.perpetrator = perpetrator
    referral.person_decision = (
        Referral.PersonDecision.EXISTING if perpetrator else Referral.PersonDecision.NEW
    )
    referral.person_decided_by = actor
    referral.save(update_fields=["perpetrator", "person_decision", "person_decided_by", "updated_at"])
    if perpetrator is not None and referral.possible_duplicate_of_id is None:
        duplicate = selectors.possible_duplicates(referral).first()
        if duplicate is not None:
            referral.possible_duplicate_of = duplicate
            referral.save(update_fields=["possible_duplicate_of", "updated_at"])
    audit.record(
        None,
        AuditEvent.Action.UPDATE,
        referral,
        user=actor,
        purpose=f"linked to perpetrator {perpetrator.pk}" if perpetrator else "confirmed as a new person",
    )
    return referral


class Outcome:
    SAVE = "save"
    ACCEPT = "accept"
    DECLINE = "decline"
    SIGNPOST = "signpost"


@transaction.atomic
def referral_screen(
    *,
    referral: Referral,
    actor,
    answers: dict[int, str],
    outcome: str,
    reason: str = "",
    signpost_service: SignpostService | None = None,
) -> Referral:
    """Record the screening answers and, unless `outcome` is SAVE, the decision.

    Accepting against a failed criterion needs a reason; declining needs a reason;
    signposting needs a service from the directory. Decisions keep who, when and why.
    """
    if referral.status not in (Referral.Status.NEW, Referral.Status.SCREENING):
        raise ValidationError("This referral has already been decided.")
    criteria = {c.pk: c for c in selectors.criteria_for(referral)}
    errors: dict[str, str] = {}
    reason = reason.strip()
    if outcome != Outcome.SAVE:
        for pk, criterion in criteria.items():
            if not answers.get(pk):
                errors[f"criterion_{pk}"] = f"Answer “{criterion.question}”"
    if outcome == Outcome.ACCEPT:
        failed = [c for pk, c in criteria.items() if answers.get(pk) and c.fails(answers[pk])]
        if failed and not reason:
            errors["reason"] = "Explain why you are accepting a referral that does not meet every criterion"
    elif outcome == Outcome.DECLINE and not reason:
        errors["reason"] = "Enter the reason for declining the referral"
    elif outcome == Outcome.SIGNPOST:
        if signpost_service is None:
            errors["signpost_service"] = "Select the service you are signposting to"
        elif signpost_service.area_id != referral.area_id:
            errors["signpost_service"] = "Select a service in this area"
    if errors:
        raise ValidationError(errors)
    for pk, answer in answers.items():
        if pk in criteria and answer in ScreeningAnswer.Answer.values:
            ScreeningAnswer.objects.update_or_create(
                referral=referral,
                criterion=criteria[pk],
                defaults={"answer": answer, "answered_by": actor, "answered_at": timezone.now()},
            )
    new_status = {
        Outcome.SAVE: Referral.Status.SCREENING,
        Outcome.ACCEPT: Referral.Status.AWAITING_ALLOCATION,
        Outcome.DECLINE: Referral.Status.DECLINED,
        Outcome.SIGNPOST: Referral.Status.SIGNPOSTED,
    }[outcome]
    referral.status = new_status
    if outcome != Outcome.SAVE:
        referral.decided_by = actor
        referral.decided_at = timezone.now()
        referral.decision_reason = reason
        referral.signpost_service = signpost_service if outcome == Outcome.SIGNPOST else None
    referral.save()
    audit.record(
        None,
        AuditEvent.Action.UPDATE,
        referral,
        user=actor,
        purpose=f"screening: {referral.get_status_display().lower()}",
    )
    return referral


IDENTIFIER_FIELDS = {
    "pnc_number": PerpetratorIdentifier.Kind.PNC,
    "police_reference": PerpetratorIdentifier.Kind.POLICE_REFERENCE,
    "prison_number": PerpetratorIdentifier.Kind.PRISON,
}


def _person_from_referral(referral: Referral, actor) -> Perpetrator:
    return casework_services.perpetrator_create(
        actor=actor,
        area=referral.area,
        first_name=referral.first_name,
        last_name=referral.last_name,
        date_of_birth=referral.date_of_birth,
        gender=referral.gender or Gender.UNKNOWN,
        ethnicity=referral.ethnicity,
        disability=referral.disability,
        first_language=referral.first_language,
        interpreter_needed=referral.interpreter_needed,
    )


def _carry_details(referral: Referral, person: Perpetrator, actor, *, new_person: bool) -> list[str]:
    """Add the referral's aliases, identifiers and (for a new person) address to the record."""
    notes = []
    known = {a.name.lower() for a in person.aliases.all()}
    for alias in referral.aliases:
        if alias.lower() not in known:
            casework_services.perpetrator_alias_add(
                perpetrator=person, actor=actor, name=alias, note=f"From referral {referral.reference}"
            )
    for name, kind in IDENTIFIER_FIELDS.items():
        value = getattr(referral, name)
        if not value or person.identifiers.filter(kind=kind, value=value).exists():
            continue
        try:
            with transaction.atomic():
                casework_services.perpetrator_identifier_add(
                    perpetrator=person, actor=actor, kind=kind, value=value
                )
        except ValidationError:
            notes.append(f"{value} is already recorded for another person: check for a duplicate record")
    if new_person and referral.address_line_1 and referral.town and referral.postcode:
        casework_services.perpetrator_address_add(
            perpetrator=person,
            actor=actor,
            line_1=referral.address_line_1,
            line_2=referral.address_line_2,
            town=referral.town,
            postcode=referral.postcode,
        )
    return notes


@transaction.atomic
def referral_allocate(
    *, referral: Referral, actor, case_manager, intervention_type: str, reason: str = ""
) -> tuple[Case, list[str]]:
    """Allocate an accepted referral: create the person if new, then open or reopen a case.

    - the person already has an open case in this team: the referral joins that case
      (reallocated to `case_manager` if different);
    - their last case in this team is closed: it is reopened (casework's `case_reopen`)
      and allocated, so the history stays in one place;
    - otherwise a new case is opened.
    Named victims are then carried into the case, awaiting the IDVA team's pick-up.
    Returns the case and any notes for the user.
    """
    if referral.status != Referral.Status.AWAITING_ALLOCATION:
        raise ValidationError("Only an accepted referral awaiting allocation can be allocated.")
    if referral.person_decision == Referral.PersonDecision.UNDECIDED:
        raise ValidationError(
            "Check for existing records first: link the referral to a person or confirm a new one."
        )
    if not case_manager.memberships.filter(
        team=referral.team, active=True, role__in=[Role.CASE_MANAGER, Role.SUPERVISOR]
    ).exists():
        raise ValidationError({"case_manager": f"{case_manager} is not a case manager in {referral.team}."})
    known = referral.perpetrator
    if known is not None:
        _check_same_worker(case_manager, known)
    new_person = known is None
    person = known if known is not None else _person_from_referral(referral, actor)
    notes = _carry_details(referral, person, actor, new_person=new_person)
    cases = Case.objects.filter(perpetrator=person, team=referral.team).order_by("-opened_on", "-id")
    case = cases.filter(closed_on__isnull=True).first()
    reopened = False
    if case is not None:
        if case.case_manager_id != case_manager.pk:
            casework_services.case_allocate(case=case, case_manager=case_manager, actor=actor)
        notes.append(
            f"{person} already had an open case, {case.reference}: the referral has been added to it."
        )
    else:
        previous = cases.filter(phase=Case.Phase.CLOSED).first()
        if previous is not None:
            case = casework_services.case_reopen(
                case=previous, actor=actor, reason=f"Re-referred: referral {referral.reference}"
            )
            casework_services.case_allocate(case=case, case_manager=case_manager, actor=actor)
            reopened = True
            notes.append(f"Their previous case {case.reference} has been reopened.")
        else:
            case = casework_services.case_open(
                actor=actor,
                perpetrator=person,
                team=referral.team,
                intervention_type=intervention_type,
                case_manager=case_manager,
                risk_level=referral.stated_risk_level or None,
            )
    referral.perpetrator = person
    referral.case = case
    referral.case_was_reopened = reopened
    referral.status = Referral.Status.ACCEPTED
    referral.allocated_by = actor
    referral.allocated_at = timezone.now()
    if reason:
        referral.decision_reason = f"{referral.decision_reason}\n{reason}".strip()
    referral.save()
    idva_team = idva_team_for(referral.area_id)
    referral.named_victims.filter(pick_up_status=ReferralVictim.PickUp.NOT_YET).update(
        case=case, pick_up_status=ReferralVictim.PickUp.AWAITING, idva_team=idva_team
    )
    if idva_team is None and referral.named_victims.exists():
        notes.append(
            "There is no IDVA team in this area to pass the named victims to: tell your administrator."
        )
    audit.record(
        None, AuditEvent.Action.UPDATE, referral, user=actor, purpose=f"allocated: case {case.reference}"
    )
    return case, notes


def _check_same_worker(user, perpetrator: Perpetrator) -> None:
    """The same-worker rule (victims.rules): never the case manager of a victim's IDVA's perpetrator."""
    # Imported here: victims depends on referrals, not the other way round.
    from victims.rules import check_not_supporting_linked_victim

    check_not_supporting_linked_victim(user, perpetrator)


def idva_team_for(area_id) -> Team | None:
    """The area's IDVA (partner-support) team that picks up named victims: the first one made."""
    return Team.objects.filter(area_id=area_id, kind=Team.Kind.PARTNER_SUPPORT).order_by("pk").first()


def _lock_awaiting(referral_victim: ReferralVictim, actor) -> ReferralVictim:
    """The named victim, locked, if `actor` may still pick it up; else a ValidationError."""
    from referrals.access import may_see_named_victim_details

    locked = ReferralVictim.objects.select_for_update().select_related("referral").get(pk=referral_victim.pk)
    if not may_see_named_victim_details(actor, locked):
        raise ValidationError("Only the IDVA team given this named victim can pick them up.")
    if locked.pick_up_status == ReferralVictim.PickUp.PICKED_UP:
        raise ValidationError("Someone in your team has already picked this person up.")
    if locked.pick_up_status != ReferralVictim.PickUp.AWAITING:
        raise ValidationError("This person is no longer waiting to be picked up.")
    return locked


@transaction.atomic
def referral_victim_mark_picked_up(*, referral_victim: ReferralVictim, victim, actor) -> ReferralVictim:
    """The IDVA team has made (or found) `victim` (a victims.Victim) for this named victim.

    Only an active IDVA or supervisor of the IDVA team the named victim was given to, and
    only while it is awaiting pick-up (the row is locked, so two people cannot both do it).
    """
    locked = _lock_awaiting(referral_victim, actor)
    locked.pick_up_status = ReferralVictim.PickUp.PICKED_UP
    locked.picked_up_victim_id = victim.pk
    locked.picked_up_by = actor
    locked.picked_up_at = timezone.now()
    locked.save()
    audit.record(
        None,
        AuditEvent.Action.UPDATE,
        locked,
        user=actor,
        purpose=f"picked up as victim {victim.pk}",
    )
    return locked


@transaction.atomic
def referral_victim_not_offered(
    *, referral_victim: ReferralVictim, actor, reason: str, note: str = ""
) -> ReferralVictim:
    """The IDVA team records why IDVA support is not offered to this named victim.

    `reason` is one of ReferralVictim.NotOfferedReason (shown to nobody outside the IDVA
    team but safe to audit); `note` is the team's own words, kept with the restricted details.
    """
    if reason not in ReferralVictim.NotOfferedReason.values:
        raise ValidationError({"reason": "Select why support is not offered"})
    note = note.strip()
    if reason == ReferralVictim.NotOfferedReason.OTHER and not note:
        raise ValidationError({"note": "Explain why support is not offered"})
    locked = _lock_awaiting(referral_victim, actor)
    locked.pick_up_status = ReferralVictim.PickUp.NOT_OFFERED
    locked.not_offered_reason = reason
    locked.picked_up_by = actor
    locked.picked_up_at = timezone.now()
    locked.save()
    details, _ = ReferralVictimDetails.objects.get_or_create(referral_victim=locked)
    details.not_offered_note = note
    details.save(update_fields=["not_offered_note", "updated_at"])
    audit.record(
        None,
        AuditEvent.Action.UPDATE,
        locked,
        user=actor,
        purpose=f"IDVA support not offered: {locked.get_not_offered_reason_display().lower()}",
    )
    return locked
