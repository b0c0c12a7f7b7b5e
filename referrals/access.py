"""Who may see and act on a referral (registered with accounts.policy).

Visible when the user made it (a referrer from another agency sees only their own
submissions), or, once submitted, when they are a case manager or supervisor in the
receiving team. Drafts are visible to their author only. Actions:

- EDIT: the author, while it is a draft;
- SCREEN (answer criteria, record first contact, check for existing people, decide):
  case managers and supervisors of the receiving team;
- ALLOCATE (open or reopen the case): supervisors of the receiving team.

Named victims' restricted details are a separate question (`may_see_victim_details`,
`may_pick_up`): once the referral is allocated each named victim is given to one of the
area's IDVA (partner-support) teams, and only that team's active IDVAs and supervisors may
read the details or pick the victim up. Nobody reads them before allocation: no IDVA team
has the work yet, and the referring or receiving case-management side never does.
"""

from __future__ import annotations

from django.db.models import Q

from accounts import audit_scope, policy
from accounts.models import Role, Team
from referrals.models import Referral

EDIT = policy.EDIT
SCREEN = "screen"
ALLOCATE = "allocate"

TEAM_ROLES = (Role.CASE_MANAGER, Role.SUPERVISOR)
IDVA_ROLES = (Role.IDVA, Role.SUPERVISOR)


class ReferralRule:
    def visible(self, user):
        return Referral.objects.filter(
            Q(created_by=user)
            | (Q(team_id__in=user.team_ids(*TEAM_ROLES)) & ~Q(status=Referral.Status.DRAFT))
        )

    def allows(self, user, action: str, referral: Referral) -> bool:
        if action == EDIT:
            return referral.created_by_id == user.pk and referral.status == Referral.Status.DRAFT
        if action == SCREEN:
            return referral.team_id in user.team_ids(*TEAM_ROLES)
        if action == ALLOCATE:
            return referral.team_id in user.team_ids(Role.SUPERVISOR)
        return False


policy.register(Referral, ReferralRule())


def idva_team_ids(user) -> set[int]:
    """IDVA (partner-support) teams the user actively works in as IDVA or supervisor."""
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    return {
        m.team_id
        for m in user.active_memberships()
        if m.role in IDVA_ROLES and m.team.kind == Team.Kind.PARTNER_SUPPORT
    }


# Named victims whose details an IDVA team holds: given to it to pick up, picked up, or
# recorded as not offered support. Before allocation ("not yet") nobody holds them.
PASSED_TO_IDVA_TEAM = ("awaiting", "picked_up", "not_offered")


def may_see_named_victim_details(user, referral_victim) -> bool:
    """One named victim's restricted details: the IDVA team it was given to, and nobody else."""
    return (
        referral_victim.pick_up_status in PASSED_TO_IDVA_TEAM
        and referral_victim.idva_team_id is not None
        and referral_victim.idva_team_id in idva_team_ids(user)
    )


def may_see_victim_details(user, referral: Referral) -> bool:
    """Victim-restricted details on a referral (DESIGN.md §3): only the area's IDVA team that
    was given the referral's named victims to pick up, once the referral is allocated."""
    team_ids = idva_team_ids(user)
    return (
        bool(team_ids)
        and referral.named_victims.filter(
            idva_team_id__in=team_ids, pick_up_status__in=PASSED_TO_IDVA_TEAM
        ).exists()
    )


def may_record_referrals(user) -> bool:
    return user.has_role(Role.CASE_MANAGER, Role.SUPERVISOR, Role.PANEL_COORDINATOR, Role.AGENCY_REP)


def may_merge_people(user) -> bool:
    return any(
        m.role == Role.SUPERVISOR and m.team.kind == Team.Kind.CASE_MANAGEMENT
        for m in user.active_memberships()
    )


audit_scope.register(Referral, "area")
