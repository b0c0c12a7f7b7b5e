"""Writes to panels. Each takes the acting user, checks the meeting's state and writes the audit event.

Access (who may call these for which panel) is checked by the views through
panels.selectors.get_*_for_user; these functions enforce the business rules: a locked
(approved) meeting cannot change, a subject is a case or a victim, research belongs to a
member agency, and packs are generated after the transaction commits.

Minutes, actions, nomination reasons and every agency's research are read beyond the victim's
IDVA team: by the coordinator and chair (and the full pack), by member agencies including
perpetrator services and probation, and research on a perpetrator's item goes into his subject
access export. So each refuses a victim's location or contact details (accounts.safe_text), on
every kind of panel.
"""

from __future__ import annotations

import datetime
from datetime import timedelta
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import audit
from accounts.models import AuditEvent, Organisation
from accounts.records import save_versioned
from accounts.safe_text import refuse_contact_details
from casework.models import Case, Perpetrator, RiskLevel
from panels import sharing
from panels.models import (
    SHAREABLE_KEYS,
    VICTIM_IDENTITY_KEYS,
    Action,
    AgendaItem,
    Attendance,
    MaracReferral,
    Meeting,
    MeetingPack,
    Observer,
    Panel,
    PanelMembership,
    PartnerNomination,
    Research,
)
from victims.consent import WithoutConsent
from victims.models import Victim, VictimLink


def _ensure_open(meeting: Meeting) -> None:
    if meeting.minutes_locked:
        raise ValidationError("The minutes of this meeting are approved and locked; nothing can be changed.")


@transaction.atomic
def meeting_schedule(*, panel: Panel, scheduled_for: datetime.datetime, venue: str = "", actor) -> Meeting:
    """Schedule a meeting of `panel` (agenda empty and unpublished)."""
    meeting = Meeting.objects.create(panel=panel, scheduled_for=scheduled_for, venue=venue)
    audit.record(None, AuditEvent.Action.CREATE, meeting, user=actor)
    return meeting


def default_shared_fields(*, case: Case | None) -> list[str]:
    return (
        ["name", "date_of_birth", "risk_level"]
        if case is not None
        else ["label", "relationship", "risk_level"]
    )


def _check_subject(meeting: Meeting, case: Case | None, victim: Victim | None) -> None:
    if case is not None and victim is None:
        area_id = case.team.area_id
    elif victim is not None and case is None:
        area_id = victim.area_id
    else:
        raise ValidationError("Choose either a perpetrator's case or a victim for this item, not both.")
    if area_id != meeting.panel.area_id:
        raise ValidationError("That case or victim is not in this panel's area.")


def _clean_shared(shared_fields: list[str], *, case: Case | None, panel: Panel) -> list[str]:
    allowed = set(SHAREABLE_KEYS) & set(default_shared_fields(case=case))
    if case is None and panel.kind == Panel.Kind.MARAC:
        allowed |= VICTIM_IDENTITY_KEYS  # MARAC agencies may be told who the victim is
    unknown = set(shared_fields) - allowed
    if unknown & VICTIM_IDENTITY_KEYS and case is None:
        raise ValidationError(
            {"shared_fields": "A victim's name and date of birth can only be shared on a MARAC agenda."}
        )
    if unknown:
        raise ValidationError({"shared_fields": "Only the listed safe fields can be shared with agencies."})
    return sorted(shared_fields)


def _first_link(victim: Victim) -> VictimLink | None:
    return VictimLink.objects.filter(victim=victim).order_by("-is_current", "pk").first()


def _default_referral_reason(victim: Victim, reason: str) -> str:
    """The MARAC criterion a hand-listed victim meets (the coordinator's judgement if none)."""
    if reason == AgendaItem.Reason.REPEAT:
        return MaracReferral.Reason.REPEAT
    if reason == AgendaItem.Reason.ESCALATION:
        return MaracReferral.Reason.ESCALATION
    from victims.selectors import marac_criteria

    met = marac_criteria([victim]).get(victim.pk)
    text = " ".join(met.reasons).lower() if met else ""
    if "dash score" in text:
        return MaracReferral.Reason.DASH_THRESHOLD
    if "escalation" in text:
        return MaracReferral.Reason.ESCALATION
    return MaracReferral.Reason.PROFESSIONAL_JUDGEMENT


@transaction.atomic
def agenda_item_add(
    *,
    meeting: Meeting,
    reason: str,
    actor,
    case: Case | None = None,
    victim: Victim | None = None,
    risk_level: str = RiskLevel.HIGH,
    slot_start: datetime.time | None = None,
    slot_minutes: int = 15,
    shared_fields: list[str] | None = None,
    shared_with_agencies: bool = True,
    referral_reason: str | None = None,
    referred_on: datetime.date | None = None,
    without_consent: WithoutConsent | None = None,
) -> AgendaItem:
    """Add an item at the end of the agenda; its slot follows the previous item unless given.

    A victim listed on a MARAC agenda (for any reason but a review of a case already heard) is
    a MARAC referral: one `MaracReferral` is recorded with the item, however it was added, so
    repeats and "12 months since the last MARAC" are always right. When that referral is a
    repeat (the same victim and perpetrator within 12 months), the item's reason becomes
    "repeat". `referral_reason` defaults to the MARAC criterion the victim meets.

    Listing a victim at a MARAC shares them with it: only with their consent, or with the lawful
    basis for sharing without it (`without_consent`, recorded in the ledger): panels.sharing.
    """
    _ensure_open(meeting)
    _check_subject(meeting, case, victim)
    if victim is not None and meeting.panel.kind == Panel.Kind.MARAC:
        sharing.require_for_listing(
            actor=actor, panel=meeting.panel, victim=victim, without_consent=without_consent
        )
    Meeting.all_objects.select_for_update().filter(pk=meeting.pk).first()
    if AgendaItem.objects.filter(meeting=meeting, case=case, victim=victim).exists():
        raise ValidationError("This case is already on the agenda.")
    # The victim this item refers to MARAC, if it is a referral.
    referred = (
        victim if meeting.panel.kind == Panel.Kind.MARAC and reason != AgendaItem.Reason.REVIEW else None
    )
    referred_on = referred_on or timezone.localdate()
    link = _first_link(referred) if referred is not None else None
    if referred is not None and is_repeat(
        victim_id=referred.pk, perpetrator_id=link.perpetrator_id if link else None, incident_on=referred_on
    ):
        reason = AgendaItem.Reason.REPEAT
    last = AgendaItem.objects.filter(meeting=meeting).order_by("-order", "-slot_start").first()
    if slot_start is None:
        if last is None:
            slot_start = timezone.localtime(meeting.scheduled_for).time().replace(second=0, microsecond=0)
        else:
            slot_start = last.slot_end
    item = AgendaItem(
        meeting=meeting,
        case=case,
        victim=victim,
        reason=reason,
        order=(last.order + 1) if last else 1,
        slot_start=slot_start,
        slot_minutes=slot_minutes,
        risk_level=case.risk_level if case is not None else risk_level,
        shared_fields=_clean_shared(
            shared_fields if shared_fields is not None else default_shared_fields(case=case),
            case=case,
            panel=meeting.panel,
        ),
        shared_with_agencies=shared_with_agencies,
    )
    item.full_clean()
    item.save()
    audit.record(None, AuditEvent.Action.CREATE, item, user=actor)
    if referred is not None:
        marac_referral_record(
            panel=meeting.panel,
            victim=referred,
            perpetrator=link.perpetrator if link else None,
            referred_on=referred_on,
            reason=referral_reason or _default_referral_reason(referred, reason),
            agenda_item=item,
            actor=actor,
        )
    return item


@transaction.atomic
def agenda_item_update(
    *,
    item: AgendaItem,
    expected_version: int,
    actor,
    without_consent: WithoutConsent | None = None,
    **changes,
) -> AgendaItem:
    """Change an item's reason, order, slot, risk when listed or what is shared.

    Showing a victim item to agencies on an agenda already published shares it at once, so it
    needs consent or a basis for sharing without it, as publishing does (panels.sharing).
    """
    _ensure_open(item.meeting)
    editable = {
        "reason",
        "order",
        "slot_start",
        "slot_minutes",
        "risk_level",
        "shared_fields",
        "shared_with_agencies",
    }
    if set(changes) - editable:
        raise ValueError(f"Cannot change {sorted(set(changes) - editable)} here")
    if "shared_fields" in changes:
        changes["shared_fields"] = _clean_shared(
            changes["shared_fields"], case=item.case, panel=item.meeting.panel
        )
    newly_shared = changes.get("shared_with_agencies") and not item.shared_with_agencies
    for name, value in changes.items():
        setattr(item, name, value)
    if newly_shared and item.meeting.published_at is not None:
        sharing.require_for_agencies(
            actor=actor, items=[item], without_consent={item.pk: without_consent} if without_consent else None
        )
    item.full_clean()
    save_versioned(item, expected_version=expected_version, update_fields=sorted(changes))
    audit.record(None, AuditEvent.Action.UPDATE, item, user=actor, purpose="agenda item changed")
    return item


@transaction.atomic
def agenda_publish(
    *, meeting: Meeting, actor, without_consent: dict[int, WithoutConsent] | None = None
) -> Meeting:
    """Publish the agenda to member agencies (they then see shared items and can submit research).

    Each victim item shown to agencies needs the victim's consent or a basis for sharing without
    it (`without_consent`, by item id); if any lacks one, nothing is published or recorded.
    """
    _ensure_open(meeting)
    if not meeting.items.exists():
        raise ValidationError("Add at least one item before publishing the agenda.")
    sharing.require_for_agencies(
        actor=actor,
        items=list(meeting.items.filter(victim__isnull=False).select_related("victim", "meeting__panel")),
        without_consent=without_consent,
    )
    meeting.published_at = timezone.now()
    if meeting.status == Meeting.Status.PLANNING:
        meeting.status = Meeting.Status.PUBLISHED
    meeting.save(update_fields=["published_at", "status", "updated_at"])
    audit.record(None, AuditEvent.Action.UPDATE, meeting, user=actor, purpose="agenda published to agencies")
    return meeting


@transaction.atomic
def research_submit(
    *,
    item: AgendaItem,
    organisation: Organisation,
    holds_information: bool,
    summary: str,
    actor,
    expected_version: int | None = None,
) -> Research:
    """Create or update the agency's research on an item (one row per agency and item)."""
    _ensure_open(item.meeting)
    if not PanelMembership.objects.filter(panel_id=item.meeting.panel_id, organisation=organisation).exists():
        raise ValidationError("Only member agencies of this panel can submit research.")
    if holds_information and not summary.strip():
        raise ValidationError({"summary": "Enter what your agency holds on this case"})
    refuse_contact_details(summary=summary)
    existing = Research.objects.filter(agenda_item=item, organisation=organisation).first()
    if existing is None:
        research = Research.objects.create(
            agenda_item=item,
            organisation=organisation,
            holds_information=holds_information,
            summary=summary.strip(),
            submitted_by=actor,
        )
        audit.record(None, AuditEvent.Action.CREATE, research, user=actor)
        return research
    existing.holds_information = holds_information
    existing.summary = summary.strip()
    existing.submitted_by = actor
    save_versioned(
        existing,
        expected_version=existing.version if expected_version is None else expected_version,
        update_fields=["holds_information", "summary", "submitted_by"],
    )
    audit.record(None, AuditEvent.Action.UPDATE, existing, user=actor)
    return existing


@transaction.atomic
def attendance_record(*, meeting: Meeting, entries: dict[int, tuple[str, str]], actor) -> list[Attendance]:
    """Record each member agency's attendance: {organisation id: (status, attendee name)}."""
    _ensure_open(meeting)
    members = set(
        PanelMembership.objects.filter(panel_id=meeting.panel_id).values_list("organisation_id", flat=True)
    )
    if set(entries) - members:
        raise ValidationError("Attendance can only be recorded for member agencies.")
    rows = []
    for organisation_id, (status, name) in entries.items():
        if status not in Attendance.Status.values:
            raise ValidationError("Choose an attendance status for each agency.")
        row, _ = Attendance.objects.update_or_create(
            meeting=meeting,
            organisation_id=organisation_id,
            defaults={"status": status, "attendee_name": name.strip()},
        )
        rows.append(row)
    if (
        meeting.status in (Meeting.Status.PLANNING, Meeting.Status.PUBLISHED)
        and meeting.scheduled_for <= timezone.now()
    ):
        meeting.status = Meeting.Status.HELD
        meeting.save(update_fields=["status", "updated_at"])
    audit.record(None, AuditEvent.Action.UPDATE, meeting, user=actor, purpose="attendance recorded")
    return rows


@transaction.atomic
def observer_add(
    *, meeting: Meeting, name: str, role: str, signed_on: datetime.date | None, actor
) -> Observer:
    """Admit an observer; they must have signed the confidentiality statement."""
    _ensure_open(meeting)
    if signed_on is None:
        raise ValidationError(
            {"confidentiality_signed_on": "Observers must sign the confidentiality statement first"}
        )
    if signed_on > timezone.localdate():
        raise ValidationError({"confidentiality_signed_on": "The date signed must be today or in the past"})
    observer = Observer.objects.create(
        meeting=meeting, name=name.strip(), role=role.strip(), confidentiality_signed_on=signed_on
    )
    audit.record(None, AuditEvent.Action.CREATE, observer, user=actor)
    return observer


@transaction.atomic
def minutes_record(
    *,
    item: AgendaItem,
    discussion_summary: str,
    agreed_risk_level: str,
    decisions: str,
    expected_version: int,
    actor,
) -> AgendaItem:
    """Record the item's discussion, agreed risk level and decisions (draft until the chair approves)."""
    _ensure_open(item.meeting)
    refuse_contact_details(discussion_summary=discussion_summary, decisions=decisions)
    item.discussion_summary = discussion_summary.strip()
    item.agreed_risk_level = agreed_risk_level
    item.decisions = decisions.strip()
    item.full_clean()
    save_versioned(
        item,
        expected_version=expected_version,
        update_fields=["discussion_summary", "agreed_risk_level", "decisions"],
    )
    meeting = item.meeting
    if meeting.status in (Meeting.Status.PLANNING, Meeting.Status.PUBLISHED):
        meeting.status = Meeting.Status.HELD
        meeting.save(update_fields=["status", "updated_at"])
    audit.record(None, AuditEvent.Action.UPDATE, item, user=actor, purpose="minutes recorded")
    return item


@transaction.atomic
def action_add(
    *,
    item: AgendaItem,
    organisation: Organisation,
    description: str,
    due_on: datetime.date,
    actor,
    owner=None,
) -> Action:
    """Agree an action for a member agency (and optionally a named person in it)."""
    _ensure_open(item.meeting)
    refuse_contact_details(description=description)
    if not PanelMembership.objects.filter(panel_id=item.meeting.panel_id, organisation=organisation).exists():
        raise ValidationError({"organisation": "Actions can only be given to member agencies of this panel"})
    if (
        owner is not None
        and not owner.memberships.filter(team__organisation=organisation, active=True).exists()
    ):
        raise ValidationError({"owner": f"{owner} does not work for {organisation}"})
    action = Action.objects.create(
        agenda_item=item,
        organisation=organisation,
        owner=owner,
        description=description.strip(),
        due_on=due_on,
    )
    audit.record(None, AuditEvent.Action.CREATE, action, user=actor)
    return action


@transaction.atomic
def action_update(*, action: Action, status: str, update_note: str, expected_version: int, actor) -> Action:
    """Record progress on an action. Closed statuses stamp the date; reopening clears it."""
    if status not in Action.Status.values:
        raise ValidationError({"status": "Choose the action's status"})
    if status in (Action.Status.NOT_POSSIBLE, Action.Status.NOT_ACTIONED) and not update_note.strip():
        raise ValidationError({"update_note": "Explain why the action was not completed"})
    refuse_contact_details(update_note=update_note)
    action.status = status
    action.update_note = update_note.strip()
    action.closed_on = None if status == Action.Status.OPEN else (action.closed_on or timezone.localdate())
    save_versioned(
        action, expected_version=expected_version, update_fields=["status", "update_note", "closed_on"]
    )
    audit.record(None, AuditEvent.Action.UPDATE, action, user=actor, purpose=f"status {status}")
    return action


@transaction.atomic
def minutes_approve(*, meeting: Meeting, actor) -> Meeting:
    """The chair approves the minutes: the meeting is locked from then on."""
    _ensure_open(meeting)
    if meeting.status != Meeting.Status.HELD:
        raise ValidationError("Record attendance or minutes for the meeting before approving them.")
    if not meeting.attendance.exists():
        raise ValidationError("Record who attended before approving the minutes.")
    meeting.status = Meeting.Status.APPROVED
    meeting.minutes_approved_at = timezone.now()
    meeting.minutes_approved_by = actor
    meeting.save(update_fields=["status", "minutes_approved_at", "minutes_approved_by", "updated_at"])
    audit.record(None, AuditEvent.Action.UPDATE, meeting, user=actor, purpose="minutes approved")
    return meeting


@transaction.atomic
def packs_request(*, meeting: Meeting, actor) -> list[MeetingPack]:
    """Queue the chair's full pack and one redacted pack per member agency.

    Rendering happens in a Celery job started after this transaction commits; the job is
    given only the pack's id.
    """
    from panels import tasks

    if not meeting.items.exists():
        raise ValidationError("The agenda is empty: add items before making the packs.")
    recipients: list[Organisation | None] = [
        None,
        *Organisation.objects.filter(panel_memberships__panel=meeting.panel_id),
    ]
    packs = [
        MeetingPack.objects.create(meeting=meeting, organisation=org, requested_by=actor)
        for org in recipients
    ]
    for pack in packs:
        audit.record(
            None, AuditEvent.Action.PRINT, pack, user=actor, purpose=f"pack requested for {pack.recipient}"
        )
        transaction.on_commit(partial(tasks.generate_meeting_pack.delay, pack.pk))
    return packs


# ---- MARAC referrals and repeats ------------------------------------------------------------

REPEAT_WINDOW = timedelta(days=365)


def last_marac_referral(victim_id: int, perpetrator_id: int | None = None) -> MaracReferral | None:
    referrals = MaracReferral.objects.filter(victim_id=victim_id)
    if perpetrator_id is not None:
        referrals = referrals.filter(perpetrator_id=perpetrator_id)
    return referrals.order_by("-referred_on", "-pk").first()


def is_repeat(*, victim_id: int, perpetrator_id: int | None, incident_on: datetime.date) -> bool:
    """A repeat: a new incident for the same victim and perpetrator within 12 months of the last referral."""
    earlier = MaracReferral.objects.filter(victim_id=victim_id, referred_on__lt=incident_on)
    earlier = (
        earlier.filter(perpetrator_id=perpetrator_id)
        if perpetrator_id is not None
        else earlier.filter(perpetrator__isnull=True)
    )
    previous = earlier.order_by("-referred_on").first()
    return previous is not None and incident_on - previous.referred_on <= REPEAT_WINDOW


@transaction.atomic
def marac_referral_record(
    *,
    panel: Panel,
    victim: Victim,
    perpetrator,
    referred_on: datetime.date,
    reason: str,
    actor,
    agenda_item: AgendaItem | None = None,
) -> MaracReferral:
    """Record a referral to MARAC; the reason becomes "repeat" when it is one, whatever was chosen."""
    if panel.kind != Panel.Kind.MARAC:
        raise ValidationError("Only MARAC panels take MARAC referrals.")
    if victim.area_id != panel.area_id:
        raise ValidationError("That victim is not in this panel's area.")
    if is_repeat(
        victim_id=victim.pk, perpetrator_id=perpetrator.pk if perpetrator else None, incident_on=referred_on
    ):
        reason = MaracReferral.Reason.REPEAT
    referral = MaracReferral.objects.create(
        panel=panel,
        victim=victim,
        perpetrator=perpetrator,
        referred_on=referred_on,
        reason=reason,
        agenda_item=agenda_item,
        referred_by=actor,
    )
    audit.record(None, AuditEvent.Action.CREATE, referral, user=actor)
    _sync_victim_last_referral(victim=victim, actor=actor)
    return referral


def _sync_victim_last_referral(*, victim: Victim, actor) -> None:
    """Copy the latest MaracReferral date onto the victim (victims' pages read that column).

    MaracReferral is the only source of "last MARAC referral"; `Victim.last_marac_referral_on`
    is a cache of it, written only here (victims cannot read panels: dependencies point one way).
    """
    from victims.services import victim_record_marac_referral

    latest = last_marac_referral(victim.pk)
    latest_on = latest.referred_on if latest else None
    if latest_on is not None and victim.last_marac_referral_on != latest_on:
        victim_record_marac_referral(actor=actor, victim=victim, referred_on=latest_on)


# ---- Partner nominations (MATAC, perpetrator panels) ------------------------------------------


@transaction.atomic
def partner_nomination_submit(
    *,
    panel: Panel,
    organisation: Organisation,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date | None,
    reason: str,
    actor,
) -> PartnerNomination:
    """A member agency nominates a perpetrator to a MATAC or perpetrator panel, saying why."""
    if panel.kind == Panel.Kind.MARAC:
        raise ValidationError("MARAC is victim-focused: refer a victim to MARAC instead.")
    if not PanelMembership.objects.filter(panel=panel, organisation=organisation).exists():
        raise ValidationError("Only member agencies of this panel can nominate.")
    if not first_name.strip() or not last_name.strip():
        raise ValidationError({"last_name": "Enter the person's first and last name"})
    if not reason.strip():
        raise ValidationError({"reason": "Say why your agency nominates this person"})
    if date_of_birth is not None and date_of_birth > timezone.localdate():
        raise ValidationError({"date_of_birth": "The date of birth must be in the past"})
    refuse_contact_details(reason=reason)
    nomination = PartnerNomination.objects.create(
        panel=panel,
        organisation=organisation,
        nominated_by=actor,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        date_of_birth=date_of_birth,
        reason=reason.strip(),
    )
    audit.record(None, AuditEvent.Action.CREATE, nomination, user=actor, purpose="partner nomination")
    return nomination


def _ensure_pending(nomination: PartnerNomination) -> None:
    if nomination.status != PartnerNomination.Status.PENDING:
        raise ValidationError("This nomination has already been decided.")


@transaction.atomic
def partner_nomination_accept(
    *, nomination: PartnerNomination, case: Case, meeting: Meeting, actor
) -> PartnerNomination:
    """Accept the nomination: list the matched person's open case on an upcoming meeting's agenda."""
    PartnerNomination.all_objects.select_for_update().filter(pk=nomination.pk).first()
    nomination.refresh_from_db()
    _ensure_pending(nomination)
    if meeting.panel_id != nomination.panel_id:
        raise ValidationError({"meeting": "Choose a meeting of this panel"})
    if case.closed_on is not None:
        raise ValidationError({"case": "That case is closed: open a case before listing the person"})
    item = agenda_item_add(meeting=meeting, case=case, reason=AgendaItem.Reason.NOMINATION, actor=actor)
    nomination.status = PartnerNomination.Status.ACCEPTED
    nomination.perpetrator = case.perpetrator
    nomination.agenda_item = item
    nomination.decided_by = actor
    nomination.decided_at = timezone.now()
    nomination.decision_reason = ""
    save_versioned(
        nomination,
        expected_version=nomination.version,
        update_fields=["status", "perpetrator", "agenda_item", "decided_by", "decided_at", "decision_reason"],
    )
    audit.record(
        None, AuditEvent.Action.UPDATE, nomination, user=actor, purpose="partner nomination accepted"
    )
    return nomination


@transaction.atomic
def partner_nomination_decline(
    *, nomination: PartnerNomination, reason: str, actor, perpetrator: Perpetrator | None = None
) -> PartnerNomination:
    """Decline the nomination with a reason the nominating agency will see."""
    PartnerNomination.all_objects.select_for_update().filter(pk=nomination.pk).first()
    nomination.refresh_from_db()
    _ensure_pending(nomination)
    if not reason.strip():
        raise ValidationError({"decision_reason": "Give the reason for declining the nomination"})
    refuse_contact_details(decision_reason=reason)
    nomination.status = PartnerNomination.Status.DECLINED
    nomination.perpetrator = perpetrator
    nomination.decided_by = actor
    nomination.decided_at = timezone.now()
    nomination.decision_reason = reason.strip()
    save_versioned(
        nomination,
        expected_version=nomination.version,
        update_fields=["status", "perpetrator", "decided_by", "decided_at", "decision_reason"],
    )
    audit.record(
        None, AuditEvent.Action.UPDATE, nomination, user=actor, purpose="partner nomination declined"
    )
    return nomination
