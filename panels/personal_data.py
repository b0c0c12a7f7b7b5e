"""panels' entries in the personal-data registry (accounts.personal_data).

Subject access, a perpetrator's request: every listing of his cases at a multi-agency meeting,
with the agencies' research and the actions agreed, agencies' nominations of him, all withheld
under crime and taxation; a victim-survivor's MARAC referral that names him, only as the panel
and date, withheld as information about other people.
A victim-survivor's request: every listing about her at a MARAC, its research and actions, and
her MARAC referrals, withheld under crime and taxation.

Retention: panel minutes and packs, a meeting at a time, decided by the panel's coordinators.
"""

from __future__ import annotations

from django.utils import timezone

from accounts import personal_data as registry
from accounts.erasure import ERASED, drop_history, ids, scrub
from accounts.models import Role
from accounts.personal_data import Candidate, Erasure, Exemption, Gathering, RecordType, Subject, held
from accounts.plain_words import written_date
from casework.models import Case
from panels import models as pm
from panels.packs import packs_dir

BATCH = 1000
CRIME = Exemption.CRIME_TAXATION
OTHERS = Exemption.THIRD_PARTY
SECTION = "Multi-agency meetings"


def _listings(g: Gathering, items, *, note: str) -> None:
    """Each listing, then its research and actions."""
    for item in items.select_related("meeting__panel"):
        meeting = f"{item.meeting.panel.name}, {written_date(item.meeting.scheduled_for)}"
        g.add(SECTION, f"Discussed at {meeting}", item, g.words.fields(item), exemption=CRIME, note=note)
        g.each(
            SECTION,
            held(pm.Research).filter(agenda_item_id=item.pk).select_related("organisation"),
            lambda r, meeting=meeting: f"Information from {r.organisation.name} for {meeting}",
            exemption=CRIME,
            note="An agency's research for a multi-agency meeting",
        )
        g.each(
            SECTION,
            held(pm.Action).filter(agenda_item_id=item.pk).select_related("organisation"),
            lambda a: f"Action for {a.organisation.name}, due {written_date(a.due_on)}",
            exemption=CRIME,
            note="An action agreed at a multi-agency meeting",
        )


@registry.collector(
    Subject.PERPETRATOR,
    order=50,
    models=(pm.AgendaItem, pm.Research, pm.Action, pm.PartnerNomination, pm.MaracReferral),
)
def meetings_about_him(g: Gathering) -> None:
    pid = g.subject.pk
    case_ids = list(held(Case).filter(perpetrator_id=pid).values_list("pk", flat=True))
    _listings(
        g,
        held(pm.AgendaItem).filter(case_id__in=case_ids).order_by("meeting__scheduled_for", "id"),
        note="A multi-agency (MATAC or MARAC) listing and its minutes",
    )
    g.each(
        SECTION,
        held(pm.PartnerNomination).filter(perpetrator_id=pid).select_related("organisation"),
        lambda n: f"Nomination by {n.organisation.name}, {written_date(n.created_at)}",
        exemption=CRIME,
        note="An agency's nomination for multi-agency tasking (MATAC)",
    )
    for referral in held(pm.MaracReferral).filter(perpetrator_id=pid).select_related("panel"):
        g.add(
            SECTION,
            "A referral to a multi-agency risk assessment conference (MARAC) that names you",
            referral,
            {"Meeting": referral.panel.name, "Referred on": written_date(referral.referred_on)},
            exemption=OTHERS,
            note="A victim-survivor's MARAC referral (only the panel and date are gathered)",
        )


@registry.collector(
    Subject.VICTIM, order=30, models=(pm.AgendaItem, pm.Research, pm.Action, pm.MaracReferral)
)
def meetings_about_her(g: Gathering) -> None:
    vid = g.subject.pk
    _listings(
        g, held(pm.AgendaItem).filter(victim_id=vid), note="A multi-agency (MARAC) listing and its minutes"
    )
    g.each(
        SECTION,
        held(pm.MaracReferral).filter(victim_id=vid).select_related("panel"),
        lambda r: f"Referral to {r.panel.name}, {written_date(r.referred_on)}",
        extra=lambda r: {"Meeting": r.panel.name},
        exemption=CRIME,
        note="A MARAC referral",
    )


# --- Retention ----------------------------------------------------------------------------------------------


def past_meetings(cutoff):
    rows = (
        pm.Meeting.objects.filter(scheduled_for__date__lte=cutoff)
        .values_list("pk", "panel__area_id", "panel__coordinator_team_id", "scheduled_for", "panel__name")
        .iterator(chunk_size=BATCH)
    )
    return (
        Candidate(pk, f"{name[:40]} meeting {pk}", area, team, timezone.localdate(at))
        for pk, area, team, at, name in rows
    )


@registry.erase_step(
    RecordType.MEETING,
    order=10,
    models=(pm.Meeting, pm.AgendaItem, pm.Research, pm.Action, pm.Attendance, pm.Observer, pm.MeetingPack),
)
def erase_meeting(erasure: Erasure) -> dict:
    meeting = pm.Meeting.all_objects.select_for_update().get(pk=int(erasure.object_id))
    pk = meeting.pk
    items = ids(pm.AgendaItem._base_manager.filter(meeting_id=pk))
    summary = {
        "agenda_items": scrub(pm.AgendaItem, items, {"discussion_summary": "", "decisions": ""}),
        "research": scrub(
            pm.Research, ids(pm.Research._base_manager.filter(agenda_item_id__in=items)), {"summary": ""}
        ),
        "actions": scrub(
            pm.Action,
            ids(pm.Action._base_manager.filter(agenda_item_id__in=items)),
            {"description": ERASED, "update_note": ""},
        ),
        "attendance": pm.Attendance.objects.filter(meeting_id=pk).update(attendee_name=""),
        "observers": pm.Observer.objects.filter(meeting_id=pk).update(name=ERASED, role=""),
    }
    files = 0
    for pack in pm.MeetingPack.objects.filter(meeting_id=pk).exclude(file_name=""):
        path = packs_dir() / pack.file_name
        if path.is_file():
            path.unlink()
            files += 1
    pm.MeetingPack.objects.filter(meeting_id=pk).update(
        file_name="", status=pm.MeetingPack.Status.FAILED, last_error="Erased under the retention schedule"
    )
    summary["pack_files"] = files
    drop_history(pm.Meeting, [pk])
    return summary


registry.retention_type(
    RecordType.MEETING,
    candidates=past_meetings,
    audit_label="panels.meeting",
    decided_by=Role.PANEL_COORDINATOR,
)


# --- Everything else ----------------------------------------------------------------------------------------

registry.history_of(pm.Panel, pm.Meeting, pm.AgendaItem, pm.Research, pm.Action, pm.PartnerNomination)
registry.no_subject_data(
    pm.Panel, pm.PanelMembership, reason="a panel, its chair and coordinating team, and its member agencies"
)
