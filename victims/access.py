"""Who may see a victim-survivor's own record (registered with accounts.policy).

Only the victim's IDVA team (its active IDVAs and supervisors) and users with a direct
grant. Being the allocated IDVA opens nothing by itself: an IDVA who leaves the team, or
moves to another role (for example into case management), loses the record at their next
request even while `Victim.idva` still names them, until a supervisor reallocates.
Perpetrator-side users never reach a Victim row: they get the safe view in
victims.safe_view, which carries no location or contact detail.
"""

from __future__ import annotations

from django.db.models import Q

from accounts import audit_scope, policy
from accounts.models import Role, Team
from victims.models import Victim, VictimUserObjectPermission

IDVA_TEAM_ROLES = (Role.IDVA, Role.SUPERVISOR)


def granted_victim_ids(user, codename: str = "view_victim"):
    return VictimUserObjectPermission.objects.filter(user=user, permission__codename=codename).values(
        "content_object_id"
    )


def idva_team_ids(user, *roles: str) -> set[int]:
    """Partner-support teams the user actively belongs to as IDVA or supervisor (or `roles`)."""
    wanted = roles or IDVA_TEAM_ROLES
    return {
        m.team_id
        for m in user.active_memberships()
        if m.role in wanted and m.team.kind == Team.Kind.PARTNER_SUPPORT
    }


class VictimRule:
    def visible(self, user):
        return Victim.objects.filter(Q(team_id__in=idva_team_ids(user)) | Q(pk__in=granted_victim_ids(user)))

    def allows(self, user, action: str, victim: Victim) -> bool:
        if action == policy.EDIT:
            return (
                victim.team_id in idva_team_ids(user)
                or VictimUserObjectPermission.objects.filter(
                    user=user, content_object=victim, permission__codename="change_victim"
                ).exists()
            )
        if action == "allocate":
            return victim.team_id in idva_team_ids(user, Role.SUPERVISOR)
        return False


policy.register(Victim, VictimRule())
audit_scope.register(Victim, "area")
