"""Who may see a victim-survivor's own record (registered with accounts.policy).

Only the victim's IDVA team (IDVAs and their supervisors), the allocated IDVA and users
with a direct grant. Perpetrator-side users never reach a Victim row: they get the safe
view in victims.safe_view, which carries no location or contact detail.
"""

from __future__ import annotations

from django.db.models import Q

from accounts import policy
from accounts.models import Role
from victims.models import Victim, VictimUserObjectPermission

IDVA_TEAM_ROLES = (Role.IDVA, Role.SUPERVISOR)


def granted_victim_ids(user, codename: str = "view_victim"):
    return VictimUserObjectPermission.objects.filter(user=user, permission__codename=codename).values(
        "content_object_id"
    )


class VictimRule:
    def visible(self, user):
        return Victim.objects.filter(
            Q(team_id__in=user.team_ids(*IDVA_TEAM_ROLES)) | Q(idva=user) | Q(pk__in=granted_victim_ids(user))
        )

    def allows(self, user, action: str, victim: Victim) -> bool:
        if action == policy.EDIT:
            return (
                victim.idva_id == user.pk
                or victim.team_id in user.team_ids(*IDVA_TEAM_ROLES)
                or VictimUserObjectPermission.objects.filter(
                    user=user, content_object=victim, permission__codename="change_victim"
                ).exists()
            )
        if action == "allocate":
            return victim.team_id in user.team_ids(Role.SUPERVISOR)
        return False


policy.register(Victim, VictimRule())
