"""Synthetic MARAC and MATAC panels, meetings and agendas for one area (see bench.dataset)."""

from __future__ import annotations

import datetime
import random

from django.db import connection
from django.utils import timezone

from bench.profiles import (
    DAY,
    PANEL_AGENCIES,
    AreaWorld,
    Size,
    Writer,
    moment_on,
)
from casework.models import (
    RiskLevel,
)
from panels.models import (
    Action,
    AgendaItem,
    MaracReferral,
    Meeting,
    Panel,
    PanelMembership,
    Research,
)
from panels.models import Attendance as PanelAttendance
from victims.models import (
    Victim,
)

# --- Panels -------------------------------------------------------------------------------------


def panels_for_area(world: AreaWorld, size: Size, *, seed, today, write: Writer) -> None:
    rng = random.Random(f"{seed}:{world.area.code}:panels")  # noqa: S311
    base = world.area.name.replace(" (synthetic)", "")
    agencies = [world.orgs[key] for key in PANEL_AGENCIES]
    reps = {org.pk: world.reps.get(key, []) for key, org in zip(PANEL_AGENCIES, agencies, strict=True)}
    panels = {
        "marac": Panel(
            name=f"{base} MARAC",
            kind=Panel.Kind.MARAC,
            area=world.area,
            coordinator_team=world.coordinators["marac"][0],
            chair=world.chair,
            meeting_frequency=Panel.Frequency.FORTNIGHTLY,
        ),
        "matac": Panel(
            name=f"{base} MATAC",
            kind=Panel.Kind.MATAC,
            area=world.area,
            coordinator_team=world.coordinators["matac"][0],
            chair=world.chair,
            meeting_frequency=Panel.Frequency.FOUR_WEEKLY,
        ),
    }
    write(Panel, list(panels.values()))
    memberships = [
        PanelMembership(panel=panel, organisation=org) for panel in panels.values() for org in agencies
    ]
    write(PanelMembership, memberships)
    through = PanelMembership.representatives.through
    seats = []
    for membership in memberships:
        for user in reps.get(membership.organisation_id, [])[:2]:
            seats.append(through(panelmembership_id=membership.pk, user_id=user.pk))
    write(through, seats, label="panels.PanelMembership_representatives")

    start = today - DAY * (365 * size.years)
    victims = sorted(world.victims, key=lambda v: v[3])  # by link start
    high = [v for v in victims if v[4] == RiskLevel.HIGH] or victims
    cases = world.cases

    meetings: list[tuple[Meeting, str, int]] = []
    for key, every, items in (("marac", 14, size.marac_items), ("matac", 28, size.matac_items)):
        day = start + DAY * rng.randint(0, every - 1)
        upcoming = 0
        while day <= today + DAY * 42:
            past = day < today
            scheduled = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))
            count = items
            if not past:
                upcoming += 1
                if key == "marac" and upcoming == 1:
                    count = size.busy_meeting_items  # the next MARAC is a busy one: the 30-item pack
            meetings.append(
                (
                    Meeting(
                        panel=panels[key],
                        scheduled_for=scheduled,
                        venue="Video call" if rng.random() < 0.6 else "Civic Centre, Committee Room 2",
                        status=Meeting.Status.APPROVED
                        if past
                        else (Meeting.Status.PUBLISHED if upcoming == 1 else Meeting.Status.PLANNING),
                        published_at=scheduled - DAY * 7 if past or upcoming == 1 else None,
                        minutes_approved_at=scheduled + DAY * 5 if past else None,
                        minutes_approved_by=world.chair if past else None,
                        created_at=scheduled - DAY * 21,
                    ),
                    key,
                    count,
                )
            )
            day += DAY * every
    write(Meeting, [meeting for meeting, _, _ in meetings])

    items: list[AgendaItem] = []
    referrals: list[MaracReferral] = []
    last_marac: dict[int, datetime.date] = {}
    for meeting, key, count in meetings:
        day = timezone.localtime(meeting.scheduled_for).date()
        chosen = []
        if key == "marac":
            eligible = [v for v in high if v[3] <= day] or [v for v in victims if v[3] <= day]
            for victim in rng.sample(eligible, min(count, len(eligible))):
                chosen.append(("victim", victim))
        else:
            open_then = [c for c in cases if c[1] <= day and (c[2] is None or c[2] >= day)]
            for case in rng.sample(open_then, min(count, len(open_then))):
                chosen.append(("case", case))
        for order, (kind, subject) in enumerate(chosen, start=1):
            minutes = 12
            start_minutes = 9 * 60 + 30 + (order - 1) * minutes
            past = meeting.status == Meeting.Status.APPROVED
            if kind == "victim":
                victim_id, perpetrator_id, _link_id, _started, risk, idva_id = subject
                repeat = victim_id in last_marac and (day - last_marac[victim_id]).days <= 365
                item = AgendaItem(
                    meeting=meeting,
                    victim_id=victim_id,
                    reason=AgendaItem.Reason.REPEAT if repeat else AgendaItem.Reason.NEW,
                    order=order,
                    slot_start=datetime.time(start_minutes // 60 % 24, start_minutes % 60),
                    slot_minutes=minutes,
                    risk_level=RiskLevel.HIGH if risk != RiskLevel.STANDARD else RiskLevel.MEDIUM,
                    shared_fields=["label", "relationship", "risk_level"],
                    discussion_summary="Agencies shared what they hold; safety planning agreed."
                    if past
                    else "",
                    agreed_risk_level=RiskLevel.HIGH if past else "",
                    decisions="Actions agreed for police, housing and the IDVA service." if past else "",
                )
                referrals.append(
                    MaracReferral(
                        panel=meeting.panel,
                        victim_id=victim_id,
                        perpetrator_id=perpetrator_id,
                        referred_on=day - DAY * rng.randint(7, 13),
                        reason=MaracReferral.Reason.REPEAT if repeat else MaracReferral.Reason.DASH_THRESHOLD,
                        agenda_item=item,
                        referred_by_id=idva_id or world.idva_teams[0].supervisor.pk,
                    )
                )
                last_marac[victim_id] = day
            else:
                case_id, _opened, _closed, risk = subject
                item = AgendaItem(
                    meeting=meeting,
                    case_id=case_id,
                    reason=AgendaItem.Reason.NOMINATION if rng.random() < 0.6 else AgendaItem.Reason.REVIEW,
                    order=order,
                    slot_start=datetime.time(start_minutes // 60 % 24, start_minutes % 60),
                    slot_minutes=minutes,
                    risk_level=risk,
                    shared_fields=["name", "date_of_birth", "risk_level"],
                    discussion_summary="Tactics agreed: disruption through bail conditions and a housing move."
                    if past
                    else "",
                    agreed_risk_level=risk if past else "",
                )
            items.append(item)
    write(AgendaItem, items)
    write(MaracReferral, referrals)

    research, actions, attendance = [], [], []
    meeting_day = {meeting.pk: timezone.localtime(meeting.scheduled_for).date() for meeting, _, _ in meetings}
    for meeting, _, _ in meetings:
        if meeting.status in (Meeting.Status.APPROVED, Meeting.Status.PUBLISHED):
            for org in agencies:
                status = (
                    PanelAttendance.Status.PRESENT
                    if rng.random() < 0.85
                    else PanelAttendance.Status.INFORMATION_SENT
                )
                people = reps.get(org.pk) or [None]
                person = rng.choice(people)
                attendance.append(
                    PanelAttendance(
                        meeting=meeting,
                        organisation=org,
                        status=status,
                        attendee_name=person.full_name if person else "",
                    )
                )
    for item in items:
        day = meeting_day[item.meeting_id]
        if item.meeting.status == Meeting.Status.PLANNING:
            continue
        for org in agencies:
            if rng.random() < 0.7:
                people = reps.get(org.pk) or [world.chair]
                research.append(
                    Research(
                        agenda_item=item,
                        organisation=org,
                        holds_information=rng.random() < 0.6,
                        summary="Two call-outs in the last year; no current conditions."
                        if rng.random() < 0.6
                        else "",
                        submitted_by=rng.choice(people),
                        created_at=moment_on(day - DAY * 3, rng),
                    )
                )
        if item.meeting.status == Meeting.Status.APPROVED:
            for org in rng.sample(agencies, 2):
                due = day + DAY * 28
                done = due < today and rng.random() < 0.85
                people = reps.get(org.pk) or []
                actions.append(
                    Action(
                        agenda_item=item,
                        organisation=org,
                        owner=rng.choice(people) if people else None,
                        description="Check for changes of address and share with the IDVA service.",
                        due_on=due,
                        status=Action.Status.DONE
                        if done
                        else (Action.Status.OPEN if due >= today - DAY * 60 else Action.Status.NOT_ACTIONED),
                        closed_on=due - DAY * rng.randint(0, 20) if done else None,
                    )
                )
    write(PanelAttendance, attendance, label="panels.Attendance")
    write(Research, research)
    write(Action, actions)
    # The victim record keeps its last MARAC referral date (one set-based update).
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {Victim._meta.db_table} AS v SET last_marac_referral_on = r.last
            FROM (SELECT victim_id, MAX(referred_on) AS last FROM {MaracReferral._meta.db_table}
                  WHERE panel_id = ANY(%s) GROUP BY victim_id) AS r
            WHERE v.id = r.victim_id
            """,  # noqa: S608 (table names come from the models, values are parameters)
            [[panel.pk for panel in panels.values()]],
        )
