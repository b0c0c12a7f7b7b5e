"""Panel risk rules (found by casework.flags through autodiscover_modules("flag_rules")).

- Repeat MARAC: a new incident involving a victim within 12 months of their last MARAC
  referral is flagged to that MARAC's coordinators. The flag gives the victim's reference,
  never their name, location or contact details.
- Panel action overdue: to the owning agency (the named owner, or its named representatives
  on the panel) and
  the panel's coordinators. The action's own wording stays on the action: it may be sensitive.
"""

from __future__ import annotations

import datetime

from accounts.models import Membership, Role
from casework.flags import (
    Fallback,
    FlagSpec,
    Recipient,
    Rule,
    flags_raise,
    long_date,
    register,
    safe_url,
    team_members,
)
from casework.jobs import OVERDUE_LOOKBACK_DAYS
from casework.models import FlagAudience, FlagKind, Incident
from panels.models import Action, MaracReferral, PanelMembership
from victims.flag_rules import incident_candidates

REPEAT_WINDOW = datetime.timedelta(days=365)


def _coordination_fallback(team_id: int) -> Fallback:
    """No coordinator in the panel's team: its chairs, then the area's admins and coordinators."""
    return Fallback(team_id=team_id, roles=(Role.PANEL_CHAIR,))


def _coordinators(team_ids) -> dict[int, list[Recipient]]:
    members = team_members(team_ids, [Role.PANEL_COORDINATOR])
    return {
        team_id: [Recipient(user_id, "You coordinate this panel", team_id) for user_id in users]
        for team_id, users in members.items()
    }


def repeat_marac_raise(ids: list[int], today: datetime.date) -> int:
    incidents = list(
        Incident.objects.filter(pk__in=ids, is_domestic_abuse=True).prefetch_related("victim_links__victim")
    )
    victim_ids = {link.victim_id for incident in incidents for link in incident.victim_links.all()}
    referrals: dict[int, list[MaracReferral]] = {}
    for referral in (
        MaracReferral.objects.filter(victim_id__in=victim_ids, panel__kind="marac")
        .select_related("panel")
        .order_by("victim_id", "-referred_on", "-id")
    ):
        referrals.setdefault(referral.victim_id, []).append(referral)
    coordinators = _coordinators({r.panel.coordinator_team_id for rows in referrals.values() for r in rows})
    specs = []
    for incident in incidents:
        for link in incident.victim_links.all():
            # The last referral before the incident, for this perpetrator when the referral names one.
            last = next(
                (
                    r
                    for r in referrals.get(link.victim_id, [])
                    if r.referred_on <= incident.occurred_on
                    and (r.perpetrator_id is None or r.perpetrator_id == incident.perpetrator_id)
                ),
                None,
            )
            if last is None or incident.occurred_on > last.referred_on + REPEAT_WINDOW:
                continue
            victim = link.victim
            specs.append(
                FlagSpec(
                    kind=FlagKind.REPEAT_MARAC,
                    audience=FlagAudience.PANEL,
                    subject_key=f"incident:{incident.pk}/victim:{victim.pk}",
                    trigger_date=incident.occurred_on,
                    title=(
                        f"Repeat MARAC: new incident on {long_date(incident.occurred_on)} for victim "
                        f"{victim.reference}, referred to {last.panel.name} on {long_date(last.referred_on)}"
                    ),
                    why="A new incident within 12 months of a MARAC referral is a repeat and goes back to MARAC.",
                    todo="Add the case to the next MARAC agenda as a repeat, and tell the referring agency.",
                    url=safe_url("panels:panel_detail", last.panel_id),
                    recipients=coordinators.get(last.panel.coordinator_team_id, []),
                    fallback=_coordination_fallback(last.panel.coordinator_team_id),
                )
            )
    return flags_raise(specs)


register(
    Rule(
        "repeat_marac", incident_candidates, repeat_marac_raise, event="incident", description="Repeat MARAC"
    )
)


def panel_action_candidates(today: datetime.date):
    """Open actions that fell due in the last 60 days (action_open_org_due_idx)."""
    return Action.objects.filter(
        status=Action.Status.OPEN,
        due_on__range=(
            today - datetime.timedelta(days=OVERDUE_LOOKBACK_DAYS),
            today - datetime.timedelta(days=1),
        ),
    ).values_list("pk", flat=True)


def panel_action_raise(ids: list[int], today: datetime.date) -> int:
    actions = list(
        Action.objects.filter(pk__in=ids, status=Action.Status.OPEN, due_on__lt=today).select_related(
            "organisation", "agenda_item__meeting__panel"
        )
    )
    # The agency's named representatives on the action's panel (not every rep of the agency).
    named: dict[tuple[int, int], set[int]] = {}
    for panel_id, org_id, user_id in PanelMembership.objects.filter(
        panel_id__in={a.agenda_item.meeting.panel_id for a in actions},
        organisation_id__in={a.organisation_id for a in actions},
        representatives__isnull=False,
    ).values_list("panel_id", "organisation_id", "representatives"):
        named.setdefault((panel_id, org_id), set()).add(user_id)
    reps: dict[int, list[tuple[int, int]]] = {}
    for org_id, user_id, team_id in Membership.objects.filter(
        team__organisation_id__in={a.organisation_id for a in actions},
        role=Role.AGENCY_REP,
        active=True,
        user__is_active=True,
    ).values_list("team__organisation_id", "user_id", "team_id"):
        reps.setdefault(org_id, []).append((user_id, team_id))
    coordinators = _coordinators({a.agenda_item.meeting.panel.coordinator_team_id for a in actions})
    specs = []
    for action in actions:
        meeting = action.agenda_item.meeting
        seats = named.get((meeting.panel_id, action.organisation_id), set())
        agency = [(user, team) for user, team in reps.get(action.organisation_id, []) if user in seats]
        if action.owner_id:
            team_id = next((team for user, team in agency if user == action.owner_id), None)
            recipients = [Recipient(action.owner_id, "You own this action", team_id)]
        else:
            recipients = [Recipient(user, "Your agency owns this action", team) for user, team in agency]
        recipients += coordinators.get(meeting.panel.coordinator_team_id, [])
        specs.append(
            FlagSpec(
                kind=FlagKind.PANEL_ACTION_OVERDUE,
                audience=FlagAudience.PANEL,
                subject_key=f"action:{action.pk}",
                trigger_date=action.due_on + datetime.timedelta(days=1),
                title=(
                    f"{meeting.panel.name}: {action.organisation.name} action from the meeting on "
                    f"{long_date(meeting.scheduled_for.date())} is overdue (due {long_date(action.due_on)})"
                ),
                why="Unfinished actions leave the risks the panel agreed to reduce in place.",
                todo="Complete the action or record an update saying why it has not been possible.",
                url=safe_url("panels:action_update", action.pk),
                recipients=recipients,
                fallback=_coordination_fallback(meeting.panel.coordinator_team_id),
            )
        )
    return flags_raise(specs)


register(
    Rule(
        "panel_action_overdue",
        panel_action_candidates,
        panel_action_raise,
        description="Panel action overdue",
    )
)
