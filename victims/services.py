"""Writes to victim-survivor records. Each takes the acting user and writes the audit event.

Audit purposes never carry restricted detail (no address, phone or plan text): the audit
trail is read by the DPO, who is outside the victim's IDVA team.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts import audit
from accounts.models import AuditEvent, Role, Team
from accounts.records import save_versioned
from accounts.safe_text import refuse_contact_details
from casework.models import Case, Perpetrator
from casework.tasks import enqueue_flags_after_new_partner
from victims import consent, rules
from victims.models import (
    Child,
    ConsentDecision,
    DashAssessment,
    DashInstrument,
    EncompassNotification,
    NewPartnerNotice,
    SafetyNote,
    SafetyPlan,
    SharedNote,
    Victim,
    VictimAddress,
    VictimContact,
    VictimLink,
    VictimOutcome,
    VictimSafeContact,
)

CREATE, UPDATE = AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE


@transaction.atomic
def victim_link_create(
    *,
    actor,
    victim: Victim,
    perpetrator: Perpetrator,
    relationship: str,
    started_on=None,
    is_current: bool = True,
) -> VictimLink:
    """Link a victim to a perpetrator; the link gets the next "victim N" label for that perpetrator."""
    if VictimLink.objects.filter(victim=victim, perpetrator=perpetrator).exists():
        raise ValidationError("This victim is already linked to this person.")
    rules.check_link_keeps_workers_apart(victim, perpetrator)
    # Lock the perpetrator row so two links made at once cannot take the same number.
    Perpetrator.all_objects.select_for_update().filter(pk=perpetrator.pk).first()
    last = VictimLink.all_objects.filter(perpetrator=perpetrator).aggregate(n=Max("label_number"))["n"] or 0
    link = VictimLink.objects.create(
        victim=victim,
        perpetrator=perpetrator,
        relationship=relationship,
        started_on=started_on,
        is_current=is_current,
        label_number=last + 1,
    )
    audit.record(None, CREATE, link, user=actor)
    return link


@transaction.atomic
def victim_link_end(*, actor, link: VictimLink, ended_on: datetime.date) -> VictimLink:
    """Mark a link as no longer current from `ended_on` (the history stays)."""
    if link.started_on and ended_on < link.started_on:
        raise ValidationError({"ended_on": "The end date must be on or after the start date"})
    link.ended_on = ended_on
    link.is_current = False
    link.save(update_fields=["ended_on", "is_current", "updated_at"])
    audit.record(None, UPDATE, link, user=actor, purpose="link ended")
    return link


@transaction.atomic
def victim_create(
    *,
    actor,
    team: Team,
    first_name: str,
    last_name: str,
    perpetrator: Perpetrator | None = None,
    relationship: str = VictimLink.Relationship.OTHER,
    **details,
) -> Victim:
    """Create a victim-survivor's record in an IDVA team, linked to `perpetrator` when given."""
    if team.kind != Team.Kind.PARTNER_SUPPORT:
        raise ValidationError({"team": "Victim records can only be held by a partner-support (IDVA) team."})
    victim = Victim.objects.create(
        team=team, area=team.area, first_name=first_name, last_name=last_name, **details
    )
    audit.record(None, CREATE, victim, user=actor)
    if perpetrator is not None:
        victim_link_create(actor=actor, victim=victim, perpetrator=perpetrator, relationship=relationship)
    return victim


@transaction.atomic
def victim_update(*, actor, victim: Victim, expected_version: int, **fields) -> Victim:
    """Change the victim's own details; refuses a save made from a stale copy (ConcurrentEditError)."""
    for name, value in fields.items():
        setattr(victim, name, value)
    save_versioned(victim, expected_version=expected_version)
    audit.record(None, UPDATE, victim, user=actor, purpose="details changed")
    return victim


@transaction.atomic
def victim_allocate(*, actor, victim: Victim, idva) -> Victim:
    """Allocate the victim's support to an IDVA in the victim's team, keeping workers apart."""
    if idva is not None:
        if not idva.memberships.filter(
            team=victim.team, active=True, role__in=[Role.IDVA, Role.SUPERVISOR]
        ).exists():
            raise ValidationError({"idva": f"{idva} is not an IDVA in {victim.team}."})
        rules.check_not_working_linked_case(idva, victim)
    victim.idva = idva
    victim.save(update_fields=["idva", "updated_at"])
    audit.record(None, UPDATE, victim, user=actor, purpose=f"allocated to {idva}" if idva else "unallocated")
    return victim


@transaction.atomic
def victim_record_marac_referral(*, actor, victim: Victim, referred_on: datetime.date) -> Victim:
    """Note the date of the victim's latest MARAC referral (used for the repeat rule)."""
    victim.last_marac_referral_on = referred_on
    victim.save(update_fields=["last_marac_referral_on", "updated_at"])
    audit.record(None, UPDATE, victim, user=actor, purpose="MARAC referral recorded")
    return victim


# ---- Restricted details ---------------------------------------------------------------------


@transaction.atomic
def victim_address_add(*, actor, victim: Victim, **fields) -> VictimAddress:
    """Add an address; a new current address ends the previous current one (history kept)."""
    address = VictimAddress(victim=victim, **fields)
    address.full_clean()
    if address.is_current:
        for previous in VictimAddress.objects.filter(victim=victim, is_current=True):
            previous.is_current = False
            previous.to_date = previous.to_date or address.from_date or timezone.localdate()
            if previous.from_date and previous.to_date < previous.from_date:
                previous.to_date = previous.from_date
            previous.save(update_fields=["is_current", "to_date", "updated_at"])
    address.save()
    audit.record(None, CREATE, address, user=actor, purpose="address added")
    return address


@transaction.atomic
def victim_contact_add(*, actor, victim: Victim, **fields) -> VictimContact:
    contact = VictimContact(victim=victim, **fields)
    contact.full_clean()
    contact.save()
    audit.record(None, CREATE, contact, user=actor, purpose="contact detail added")
    return contact


@transaction.atomic
def victim_safe_contact_save(*, actor, victim: Victim, **fields) -> VictimSafeContact:
    safe, created = VictimSafeContact.objects.update_or_create(victim=victim, defaults=fields)
    audit.record(None, CREATE if created else UPDATE, safe, user=actor, purpose="safe contact arrangements")
    return safe


@transaction.atomic
def safety_plan_save(
    *, actor, victim: Victim, plan: str, review_on=None, expected_version: int | None = None
) -> SafetyPlan:
    """Create or revise the safety plan. Revisions refuse stale copies (ConcurrentEditError)."""
    existing = SafetyPlan.objects.filter(victim=victim).first()
    if existing is None:
        safety_plan = SafetyPlan.objects.create(
            victim=victim, plan=plan, review_on=review_on, updated_by=actor
        )
        audit.record(None, CREATE, safety_plan, user=actor, purpose="safety plan written")
        return safety_plan
    existing.plan, existing.review_on, existing.updated_by = plan, review_on, actor
    save_versioned(
        existing, expected_version=existing.version if expected_version is None else expected_version
    )
    audit.record(None, UPDATE, existing, user=actor, purpose="safety plan revised")
    return existing


@transaction.atomic
def safety_note_add(*, actor, victim: Victim, text: str) -> SafetyNote:
    note = SafetyNote.objects.create(victim=victim, text=text, author=actor)
    audit.record(None, CREATE, note, user=actor, purpose="safety note added")
    return note


@transaction.atomic
def child_add(*, actor, victim: Victim, perpetrator_links=(), **fields) -> Child:
    links = list(perpetrator_links)
    if any(link.victim_id != victim.pk for link in links):
        raise ValidationError({"perpetrator_links": "Choose from this victim's own links."})
    child = Child(victim=victim, **fields)
    child.full_clean()
    child.save()
    child.perpetrator_links.set(links)
    audit.record(None, CREATE, child, user=actor, purpose="child added")
    return child


@transaction.atomic
def encompass_record(
    *,
    actor,
    child: Child,
    incident_on: datetime.date,
    notified_on: datetime.date,
    before_next_school_day: bool,
) -> EncompassNotification:
    if notified_on < incident_on:
        raise ValidationError({"notified_on": "The school cannot be told before the incident happened"})
    notification = EncompassNotification.objects.create(
        child=child,
        incident_on=incident_on,
        notified_on=notified_on,
        before_next_school_day=before_next_school_day,
        recorded_by=actor,
    )
    audit.record(None, CREATE, notification, user=actor, purpose="Operation Encompass notification")
    return notification


# ---- Risk, sharing, consent and outcomes ----------------------------------------------------


@transaction.atomic
def dash_complete(
    *,
    actor,
    victim: Victim,
    answers: dict,
    judgement_level: str = "",
    judgement_rationale: str = "",
    incidents_last_12_months: int | None = None,
    instrument: DashInstrument | None = None,
) -> DashAssessment:
    """Record a completed DASH. Score and band come from the answers; judgement may only raise the level."""
    instrument = instrument or DashInstrument.current()
    if instrument is None:
        raise ValidationError("No DASH checklist is active. Ask an administrator to activate one.")
    expected = {str(q["number"]) for q in instrument.questions}
    if set(answers) != expected:
        raise ValidationError("Answer every question (Yes, No or Don't know).")
    assessment = DashAssessment(
        victim=victim,
        instrument=instrument,
        answers=answers,
        judgement_level=judgement_level,
        judgement_rationale=judgement_rationale.strip(),
        incidents_last_12_months=incidents_last_12_months,
        completed_by=actor,
    )
    assessment.clean()
    assessment.save()
    audit.record(None, CREATE, assessment, user=actor, purpose=f"DASH completed: score {assessment.score}")
    return assessment


@transaction.atomic
def shared_note_add(
    *, actor, victim: Victim, link: VictimLink, text: str, without_consent=None
) -> SharedNote:
    """Share a note with the case manager of `link`'s perpetrator (the IDVA's explicit choice)."""
    refuse_contact_details(text=text)  # read on the perpetrator's side (accounts.safe_text)
    if link.victim_id != victim.pk:
        raise ValidationError({"link": "Choose one of this victim's own links."})
    # Only with consent, or the lawful basis for sharing without it (victims.consent.WithoutConsent).
    consent.require_basis_for_note(actor=actor, victim=victim, link=link, without_consent=without_consent)
    note = SharedNote.objects.create(victim=victim, link=link, text=text, shared_by=actor)
    audit.record(None, CREATE, note, user=actor, purpose="note shared with the case manager")
    return note


@transaction.atomic
def consent_decision_record(
    *,
    actor,
    victim: Victim,
    purpose: str,
    receiving_organisation,
    consent: str,
    legal_basis: str,
    shared_without_consent: bool = False,
    rationale: str = "",
    decided_on: datetime.date | None = None,
) -> ConsentDecision:
    """Add a line to the consent ledger. Sharing without consent needs a written rationale."""
    rationale = rationale.strip()
    errors = {}
    if shared_without_consent and consent == ConsentDecision.Consent.GIVEN:
        errors["shared_without_consent"] = "Consent was given, so this was not shared without consent"
    if shared_without_consent and not rationale:
        errors["rationale"] = "Explain why it was right to share without consent"
    if legal_basis == ConsentDecision.LegalBasis.CONSENT and consent != ConsentDecision.Consent.GIVEN:
        errors["legal_basis"] = "Consent can only be the legal basis when consent was given"
    if errors:
        raise ValidationError(errors)
    decision = ConsentDecision.objects.create(
        victim=victim,
        purpose=purpose,
        receiving_organisation=receiving_organisation,
        consent=consent,
        legal_basis=legal_basis,
        shared_without_consent=shared_without_consent,
        rationale=rationale,
        decided_by=actor,
        decided_on=decided_on or timezone.localdate(),
    )
    audit.record(None, CREATE, decision, user=actor, purpose="consent decision recorded")
    return decision


@transaction.atomic
def outcome_record(*, actor, victim: Victim, stage: str, **fields) -> VictimOutcome:
    """Record (or correct) the victim-reported outcomes for intake or exit."""
    outcome, created = VictimOutcome.objects.update_or_create(
        victim=victim, stage=stage, defaults={**fields, "recorded_by": actor}
    )
    audit.record(None, CREATE if created else UPDATE, outcome, user=actor, purpose=f"{stage} outcomes")
    return outcome


# ---- New partners ---------------------------------------------------------------------------


def idva_team_for(area) -> Team | None:
    return Team.objects.filter(area=area, kind=Team.Kind.PARTNER_SUPPORT).order_by("pk").first()


@transaction.atomic
def new_partner_notice_create(*, actor, case: Case, what_is_known: str) -> NewPartnerNotice:
    """The case manager records that the perpetrator has a new partner; the area's IDVA team picks it up.

    The notice is kept on the perpetrator's case, so where the new partner lives or how to reach
    her is refused (accounts.safe_text): the IDVA team finds and contacts her safely.
    """
    refuse_contact_details(what_is_known=what_is_known)
    team = idva_team_for(case.team.area)
    if team is None:
        raise ValidationError(
            "There is no IDVA team in this area to pass this to. Contact your administrator."
        )
    notice = NewPartnerNotice.objects.create(
        case=case, idva_team=team, what_is_known=what_is_known.strip(), recorded_by=actor
    )
    audit.record(None, CREATE, notice, user=actor, purpose="new partner recorded")
    enqueue_flags_after_new_partner(notice.pk)
    return notice


@transaction.atomic
def new_partner_notice_pick_up(
    *, actor, notice: NewPartnerNotice, first_name: str, last_name: str, relationship: str
) -> Victim:
    """Create the new partner's own record in the IDVA team, linked to the perpetrator."""
    locked = NewPartnerNotice.objects.select_for_update().get(pk=notice.pk)
    if locked.picked_up_at is not None:
        raise ValidationError("Someone in your team has already picked this up.")
    victim = victim_create(
        actor=actor,
        team=locked.idva_team,
        first_name=first_name,
        last_name=last_name,
        perpetrator=locked.case.perpetrator,
        relationship=relationship,
    )
    locked.picked_up_by, locked.picked_up_at, locked.victim = actor, timezone.now(), victim
    locked.save(update_fields=["picked_up_by", "picked_up_at", "victim"])
    audit.record(None, UPDATE, locked, user=actor, purpose="new partner picked up")
    return victim


# ---- Named victims on referrals -------------------------------------------------------------

# A referral's relationship → the victim link's (a child harmed is family on the link).
REFERRAL_RELATIONSHIP = {
    "partner": VictimLink.Relationship.PARTNER,
    "ex_partner": VictimLink.Relationship.EX_PARTNER,
    "family": VictimLink.Relationship.FAMILY,
    "child": VictimLink.Relationship.FAMILY,
    "other": VictimLink.Relationship.OTHER,
}


def _awaiting_for(actor, referral_victim):
    """Check `actor` may pick up `referral_victim` now (its IDVA team, still awaiting)."""
    from referrals.access import may_see_named_victim_details
    from referrals.models import ReferralVictim

    if not may_see_named_victim_details(actor, referral_victim):
        raise ValidationError("Only the IDVA team given this named victim can pick them up.")
    if referral_victim.pick_up_status != ReferralVictim.PickUp.AWAITING:
        raise ValidationError("Someone in your team has already dealt with this person.")
    if referral_victim.case_id is None:
        raise ValidationError("This referral has not been allocated to a case yet.")


@transaction.atomic
def referral_victim_pick_up(
    *,
    actor,
    referral_victim,
    first_name: str,
    last_name: str,
    relationship: str,
    date_of_birth: datetime.date | None = None,
    line_1: str = "",
    line_2: str = "",
    town: str = "",
    postcode: str = "",
    phone: str = "",
    email: str = "",
    safe_contact_method: str = "",
    children_details: str = "",
) -> Victim:
    """Create the victim's own record from a named victim on an allocated referral.

    The record goes to the IDVA team the named victim was given to, linked to the case's
    perpetrator; the address, phone, email and safe contact from the referral (as checked by
    the IDVA) become the record's own restricted rows. Phone and email are marked not yet
    confirmed safe. The named victim is marked picked up (refused if someone got there first).
    """
    from referrals import services as referral_services

    _awaiting_for(actor, referral_victim)
    reference = referral_victim.referral.reference
    victim = victim_create(
        actor=actor,
        team=referral_victim.idva_team,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        date_of_birth=date_of_birth,
        perpetrator=referral_victim.case.perpetrator,
        relationship=relationship,
    )
    if line_1.strip():
        victim_address_add(
            actor=actor,
            victim=victim,
            kind=VictimAddress.Kind.HOME,
            line_1=line_1.strip(),
            line_2=line_2.strip(),
            town=town.strip(),
            postcode=postcode.strip().upper(),
            is_current=True,
        )
    unconfirmed = f"From referral {reference}: not yet confirmed safe to use"
    if phone.strip():
        kind = (
            VictimContact.Kind.MOBILE
            if phone.strip().startswith(("07", "+447"))
            else VictimContact.Kind.LANDLINE
        )
        victim_contact_add(
            actor=actor, victim=victim, kind=kind, value=phone.strip(), safe_to_use=False, note=unconfirmed
        )
    if email.strip():
        victim_contact_add(
            actor=actor,
            victim=victim,
            kind=VictimContact.Kind.EMAIL,
            value=email.strip(),
            safe_to_use=False,
            note=unconfirmed,
        )
    if safe_contact_method.strip():
        victim_safe_contact_save(
            actor=actor, victim=victim, safe_contact_method=safe_contact_method.strip()[:300]
        )
    if children_details.strip():
        safety_note_add(
            actor=actor,
            victim=victim,
            text=f"Children named on referral {reference}: {children_details.strip()}",
        )
    referral_services.referral_victim_mark_picked_up(
        referral_victim=referral_victim, victim=victim, actor=actor
    )
    audit.record(None, UPDATE, victim, user=actor, purpose=f"picked up from referral {reference}")
    return victim


@transaction.atomic
def referral_victim_link_existing(*, actor, referral_victim, victim: Victim, relationship: str) -> Victim:
    """The named victim already has a record: link it to the perpetrator (unless it is) and
    mark the named victim picked up as that record."""
    from accounts import policy
    from referrals import services as referral_services

    _awaiting_for(actor, referral_victim)
    if not policy.can(actor, policy.EDIT, victim):
        raise ValidationError({"victim": "Choose a record your team holds."})
    perpetrator = referral_victim.case.perpetrator
    if not VictimLink.objects.filter(victim=victim, perpetrator=perpetrator).exists():
        victim_link_create(actor=actor, victim=victim, perpetrator=perpetrator, relationship=relationship)
    referral_services.referral_victim_mark_picked_up(
        referral_victim=referral_victim, victim=victim, actor=actor
    )
    audit.record(
        None,
        UPDATE,
        victim,
        user=actor,
        purpose=f"matched to named victim on referral {referral_victim.referral.reference}",
    )
    return victim
