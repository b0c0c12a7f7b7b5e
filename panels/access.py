"""Who may see and act on panels (registered with accounts.policy).

- Coordinators (role panel_coordinator in the panel's coordinator team) and the chair (the
  panel's named chair, or a panel_chair in the coordinator team) see and manage everything
  for their panels.
- Agency representatives see a panel only when they are one of its **named representatives**
  of a member agency (PanelMembership.representatives) and still hold the agency_rep role in
  that agency. They see the panel, its published meetings, the agenda items shared with
  agencies (shared fields only), their own agency's research, actions, packs and partner
  nominations. Another agency_rep of the same organisation who is not named sees nothing.
- Named representatives may nominate a perpetrator to a MATAC or perpetrator panel (NOMINATE).
- Everyone else sees nothing (404).

An API token's service user acts only for the token's organisation
(`accounts.backends.bind_to_organisation`): roles and represented agencies come from that
organisation's memberships alone, and being a panel's named chair counts only on a panel
coordinated by one of its teams.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from accounts import audit_scope, policy
from accounts.models import Role
from panels.models import (
    Action,
    AgendaItem,
    Meeting,
    MeetingPack,
    Panel,
    PanelMembership,
    PartnerNomination,
    Research,
)

MANAGE = "manage"  # build agendas, record attendance and minutes, request packs
APPROVE_MINUTES = "approve_minutes"
SUBMIT_RESEARCH = "submit_research"
UPDATE = "update"  # update an action's status
NOMINATE = "nominate"  # a partner agency nominates a perpetrator (MATAC, perpetrator panel)


def rep_organisation_ids(user) -> set[int]:
    """Organisations the user represents (role agency_rep)."""
    return {m.team.organisation_id for m in user.active_memberships() if m.role == Role.AGENCY_REP}


def _named_chair_q(user, prefix: str = "") -> Q:
    named = Q(**{f"{prefix}chair": user})
    bound = getattr(user, "bound_organisation_id", None)
    if bound is not None:
        named &= Q(**{f"{prefix}coordinator_team__organisation_id": bound})
    return named


def _is_named_chair(user, panel: Panel) -> bool:
    bound = getattr(user, "bound_organisation_id", None)
    return panel.chair_id == user.pk and (bound is None or panel.coordinator_team.organisation_id == bound)


def _chair_q(user, prefix: str = "") -> Q:
    return _named_chair_q(user, prefix) | Q(
        **{f"{prefix}coordinator_team_id__in": user.team_ids(Role.PANEL_CHAIR)}
    )


def _manager_q(user, prefix: str = "") -> Q:
    return Q(**{f"{prefix}coordinator_team_id__in": user.team_ids(Role.PANEL_COORDINATOR)}) | _chair_q(
        user, prefix
    )


def _seats(user):
    """The user's named seats: memberships where they are a representative of an agency they represent."""
    return PanelMembership.objects.filter(
        representatives=user, organisation_id__in=rep_organisation_ids(user)
    )


def _member_panel_ids(user):
    return _seats(user).values("panel_id")


def _own_agency_seat(user, panel_path: str) -> Exists:
    """The row's organisation is one the user represents, by name, on the row's panel."""
    return Exists(
        _seats(user).filter(panel_id=OuterRef(panel_path), organisation_id=OuterRef("organisation_id"))
    )


def managed_panels(user):
    return Panel.objects.filter(_manager_q(user))


def is_manager(user, panel: Panel) -> bool:
    return _is_named_chair(user, panel) or bool(
        panel.coordinator_team_id in user.team_ids(Role.PANEL_COORDINATOR, Role.PANEL_CHAIR)
    )


def is_chair(user, panel: Panel) -> bool:
    return _is_named_chair(user, panel) or panel.coordinator_team_id in user.team_ids(Role.PANEL_CHAIR)


def member_organisation_ids(user, panel: Panel) -> set[int]:
    """The agencies the user is a named representative of on this panel (empty for non-members)."""
    if not rep_organisation_ids(user):
        return set()
    return set(_seats(user).filter(panel=panel).values_list("organisation_id", flat=True))


class PanelRule:
    def visible(self, user):
        return Panel.objects.filter(_manager_q(user) | Q(pk__in=_member_panel_ids(user)))

    def allows(self, user, action: str, panel: Panel) -> bool:
        if action == MANAGE:
            return is_manager(user, panel)
        if action == APPROVE_MINUTES:
            return is_chair(user, panel)
        if action == NOMINATE:
            return panel.kind != Panel.Kind.MARAC and bool(member_organisation_ids(user, panel))
        return False


class MeetingRule:
    def visible(self, user):
        return Meeting.objects.filter(
            Q(panel__in=managed_panels(user))
            | Q(panel_id__in=_member_panel_ids(user), published_at__isnull=False)
            & ~Q(status=Meeting.Status.CANCELLED)
        )

    def allows(self, user, action: str, meeting: Meeting) -> bool:
        return PanelRule().allows(user, action, meeting.panel)


class AgendaItemRule:
    def visible(self, user):
        return AgendaItem.objects.filter(
            Q(meeting__panel__in=managed_panels(user))
            | Q(
                meeting__panel_id__in=_member_panel_ids(user),
                meeting__published_at__isnull=False,
                shared_with_agencies=True,
            )
            & ~Q(meeting__status=Meeting.Status.CANCELLED)
        )

    def allows(self, user, action: str, item: AgendaItem) -> bool:
        panel = item.meeting.panel
        if action == SUBMIT_RESEARCH:
            return bool(member_organisation_ids(user, panel)) and not item.meeting.minutes_locked
        return PanelRule().allows(user, action, panel)


class ActionRule:
    def visible(self, user):
        return Action.objects.filter(
            Q(agenda_item__meeting__panel__in=managed_panels(user))
            | _own_agency_seat(user, "agenda_item__meeting__panel_id")
        )

    def allows(self, user, action: str, obj: Action) -> bool:
        panel = obj.agenda_item.meeting.panel
        if action == UPDATE:
            return is_manager(user, panel) or obj.organisation_id in member_organisation_ids(user, panel)
        return PanelRule().allows(user, action, panel)


class ResearchRule:
    def visible(self, user):
        return Research.objects.filter(
            Q(agenda_item__meeting__panel__in=managed_panels(user))
            | _own_agency_seat(user, "agenda_item__meeting__panel_id")
        )

    def allows(self, user, action: str, research: Research) -> bool:
        return action == policy.EDIT and research.organisation_id in member_organisation_ids(
            user, research.agenda_item.meeting.panel
        )


class MeetingPackRule:
    def visible(self, user):
        return MeetingPack.objects.filter(
            Q(meeting__panel__in=managed_panels(user))
            | Q(_own_agency_seat(user, "meeting__panel_id"), status=MeetingPack.Status.READY)
        )

    def allows(self, user, action: str, pack: MeetingPack) -> bool:
        return False


class PartnerNominationRule:
    """Coordinators and chairs see and decide their panels' nominations; the nominating
    agency's named representatives see their own agency's nominations and the outcome."""

    def visible(self, user):
        return PartnerNomination.objects.filter(
            Q(panel__in=managed_panels(user)) | _own_agency_seat(user, "panel_id")
        )

    def allows(self, user, action: str, nomination: PartnerNomination) -> bool:
        if action == MANAGE:
            return is_manager(user, nomination.panel)
        return False


policy.register(Panel, PanelRule())
policy.register(Meeting, MeetingRule())
policy.register(AgendaItem, AgendaItemRule())
policy.register(Action, ActionRule())
policy.register(Research, ResearchRule())
policy.register(MeetingPack, MeetingPackRule())
policy.register(PartnerNomination, PartnerNominationRule())
audit_scope.register(Panel, "area")
audit_scope.register(Meeting, "panel__area")
