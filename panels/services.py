"""Writes to panels. Each takes the acting user, checks the meeting's state and writes the audit event.

Access (who may call these for which panel) is checked by the views through
panels.selectors.get_*_for_user; these functions enforce the business rules: a locked
(approved) meeting cannot change, a subject is a case or a victim, research belongs to a
member agency, and packs are generated after the transaction commits.
"""

from __future__ import annotations

import datetime
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import audit
from accounts.models import AuditEvent, Organisation
from accounts.records import save_versioned
from casework.models import Case, RiskLevel
from panels.models import (
    SHAREABLE_KEYS,
    Action,
    AgendaItem,
    Attendance,
    MaracReferral,
    Meeting,
    MeetingPack,
    Observer,
    Panel,
    PanelMembership,
    Research,
)
from victims.models import Victim


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
    if (case is None) == (victim is None):
        raise ValidationError("Choose either a perpetrator's case or a victim for this item, not both.")
    area_id = case.team.area_id if case is not None else victim.area_id
    if area_id != meeting.panel.area_id:
        raise ValidationError("That case or victim is not in this panel's area.")


def _clean_shared(shared_fields: list[str], *, case: Case | None) -> list[str]:
    allowed = {key for key in SHAREABLE_KEYS} & set(default_shared_fields(case=case))
    unknown = set(shared_fields) - allowed
    if unknown:
        raise ValidationError("Only the listed safe fields can be shared with agencies.")
    return sorted(shared_fields)


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
) -> AgendaItem:
    """Add an item at the end of the agenda; its slot follows the previous item unless given."""
    _ensure_open(meeting)
    _check_subject(meeting, case, victim)
    Meeting.all_objects.select_for_update().filter(pk=meeting.pk).first()
    if AgendaItem.objects.filter(meeting=meeting, case=case, victim=victim).exists():
        raise ValidationError("This case is already on the agenda.")
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
            shared_fields if shared_fields is not None else default_shared_fields(case=case), case=case
        ),
        shared_with_agencies=shared_with_agencies,
    )
    item.full_clean()
    item.save()
    audit.record(None, AuditEvent.Action.CREATE, item, user=actor)
    return item


@transaction.atomic
def agenda_item_update(*, item: AgendaItem, expected_version: int, actor, **changes) -> AgendaItem:
    """Change an item's reason, order, slot, risk when listed or what is shared."""
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
        changes["shared_fields"] = _clean_shared(changes["shared_fields"], case=item.case)
    for name, value in changes.items():
        setattr(item, name, value)
    item.full_clean()
    save_versioned(item, expected_version=expected_version, update_fields=sorted(changes))
    audit.record(None, AuditEvent.Action.UPDATE, item, user=actor, purpose="agenda item changed")
    return item


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, actor) -> None:
    if item.meeting.status != Meeting.Status.PLANNING and item.meeting.status != Meeting.Status.PUBLISHED:
        raise ValidationError("Items can only be removed before the meeting is held.")
    if item.actions.exists() or item.research.exists():
        raise ValidationError("This item has research or actions recorded, so it cannot be removed.")
    item.soft_delete()
    audit.record(None, AuditEvent.Action.DELETE, item, user=actor)


@transaction.atomic
def agenda_publish(*, meeting: Meeting, actor) -> Meeting:
    """Publish the agenda to member agencies (they then see shared items and can submit research)."""
    _ensure_open(meeting)
    if not meeting.items.exists():
        raise ValidationError("Add at least one item before publishing the agenda.")
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
        transaction.on_commit(lambda pack_id=pack.pk: tasks.generate_meeting_pack.delay(pack_id))
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
    previous = (
        MaracReferral.objects.filter(
            victim_id=victim_id, perpetrator_id=perpetrator_id, referred_on__lt=incident_on
        )
        .order_by("-referred_on")
        .first()
    )
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
    return referral
