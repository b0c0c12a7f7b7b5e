"""Access review: who can reach each of a team's cases, and why; removing direct access.

A case is reached through one of the relations in casework.access: membership of the owning
team (not for restricted cases), allocation (case manager or supervisor), a direct grant
(django-guardian, direct foreign key) or unexpired break-glass access. Supervisors review
the cases of the teams they supervise and the cases they supervise. Grants and break-glass
can be removed here; team membership is changed by administrators, allocation by
reallocating the case.

Removing someone's access ends all their sessions (accounts.sessions), so their next request
goes to the sign-in page and, signed in again, they no longer reach the case.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts import audit, policy
from accounts.models import AuditEvent, Membership, Role, User
from accounts.sessions import sessions_end_for
from casework.access import CASE_TEAM_ROLES, GRANT
from casework.grants import tell_case_team
from casework.models import BreakGlassAccess, Case, CaseUserObjectPermission

REASON_MAX = 500


@dataclass
class Reach:
    """One person who can reach a case, with every reason why."""

    user: User
    reasons: list[str] = field(default_factory=list)
    grants: list[CaseUserObjectPermission] = field(default_factory=list)
    break_glass: list[BreakGlassAccess] = field(default_factory=list)

    @property
    def removable(self) -> bool:
        """Has access this page can take away (a grant or break-glass)."""
        return bool(self.grants or self.break_glass)


# --- Selectors -------------------------------------------------------------------------------------


def reviewable_cases(user) -> QuerySet[Case]:
    """Cases whose access `user` may review: visible to them, in a team they supervise or
    supervised by them."""
    return policy.visible(user, Case).filter(
        Q(team_id__in=user.team_ids(Role.SUPERVISOR)) | Q(supervisor=user)
    )


def get_case_for_review(user, pk) -> Case:
    """404 when the case is not visible, 403 when the user may not manage its access."""
    return policy.get_for_user(
        user,
        Case,
        pk,
        action=GRANT,
        queryset=Case.objects.select_related("perpetrator", "team", "case_manager", "supervisor"),
    )


def team_members(team_ids) -> QuerySet[Membership]:
    """Active case-team memberships: these people reach every unrestricted case of the team."""
    return (
        Membership.objects.filter(
            team_id__in=team_ids, active=True, role__in=CASE_TEAM_ROLES, user__is_active=True
        )
        .select_related("user", "team")
        .order_by("team__name", "user__full_name", "role")
    )


def direct_grants(cases) -> QuerySet[CaseUserObjectPermission]:
    return CaseUserObjectPermission.objects.filter(content_object__in=cases).select_related(
        "user", "permission", "content_object__perpetrator"
    )


def live_break_glass(cases) -> QuerySet[BreakGlassAccess]:
    return BreakGlassAccess.objects.filter(case__in=cases, expires_at__gt=timezone.now()).select_related(
        "user", "case__perpetrator"
    )


def grant_label(grant: CaseUserObjectPermission) -> str:
    return "Granted: may change" if grant.permission.codename == "change_case" else "Granted: may view"


def who_can_reach(case: Case) -> list[Reach]:
    """Everyone who can reach `case` and every reason why, ordered by name."""
    people: dict[int, Reach] = {}

    def add(user, reason: str) -> Reach:
        reach = people.setdefault(user.pk, Reach(user=user))
        reach.reasons.append(reason)
        return reach

    if not case.restricted:
        for membership in team_members([case.team_id]):
            add(membership.user, f"Member of {membership.team} ({membership.get_role_display().lower()})")
    if case.case_manager_id and case.case_manager.is_active:
        add(case.case_manager, "Allocated case manager")
    if case.supervisor_id and case.supervisor.is_active:
        add(case.supervisor, "Supervisor of this case")
    for grant in direct_grants([case]).filter(user__is_active=True):
        add(grant.user, grant_label(grant)).grants.append(grant)
    for access in live_break_glass([case]).filter(user__is_active=True):
        add(
            access.user, f"Break-glass until {timezone.localtime(access.expires_at):%H:%M %d %b}"
        ).break_glass.append(access)
    return sorted(people.values(), key=lambda reach: (reach.user.full_name.lower(), reach.user.pk))


def reach_of(case: Case, user_pk) -> Reach | None:
    try:
        user_pk = int(user_pk)
    except (TypeError, ValueError):
        return None
    return next((reach for reach in who_can_reach(case) if reach.user.pk == user_pk), None)


# --- Services --------------------------------------------------------------------------------------


@transaction.atomic
def case_access_remove(*, case: Case, user: User, reason: str, actor, request=None) -> int:
    """Remove `user`'s direct grants on `case` and end their break-glass access to it; end all
    their sessions. Audited (one REVOKE event on the case naming the person and the reason).

    Returns how many grants and break-glass accesses were removed. Raises ValidationError
    when there is nothing this service can remove (team membership and allocation are not
    removed here) or the reason is missing.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why you are removing this access"})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"The reason must be {REASON_MAX} characters or fewer"})
    grants = CaseUserObjectPermission.objects.filter(content_object=case, user=user)
    removed, _ = grants.delete()
    now = timezone.now()
    ended = 0
    for access in BreakGlassAccess.objects.select_for_update().filter(
        case=case, user=user, expires_at__gt=now
    ):
        # The row is kept (it is evidence); it simply stops opening the case.
        access.expires_at = max(now, access.granted_at + timezone.timedelta(microseconds=1))
        access.save(update_fields=["expires_at"])
        ended += 1
    if not removed and not ended:
        raise ValidationError("This person has no grant or break-glass access to remove from this case.")
    audit.record(
        request,
        AuditEvent.Action.REVOKE,
        case,
        user=actor,
        purpose=f"Removed access of {user.email}: {reason}",
    )
    tell_case_team(
        case, f"{user.email}'s access to a case your team holds was removed by {actor.email}.", actor
    )
    sessions_end_for(user)
    return removed + ended
