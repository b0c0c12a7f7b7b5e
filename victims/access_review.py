"""Access review for victim-survivor records: who can reach each of the IDVA team's records,
and why; removing direct grants.

A victim record is reached through victims.access: membership of the IDVA team (IDVA or
supervisor), allocation as the record's IDVA, or a direct grant (django-guardian, direct
foreign key). There is no break-glass to victim records. The IDVA team's supervisor reviews
the team's records and removes grants; team membership is changed by administrators,
allocation by reallocating the record. Removing access ends all the person's sessions.

Only the IDVA side reaches these pages: a perpetrator-side supervisor has no visible victim
record, so every victim page here answers 404 for them and the team list is empty.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse

from accounts import audit, notify, policy
from accounts.models import AuditEvent, Membership, Role, Team, User
from accounts.sessions import sessions_end_for
from casework.access_review import REASON_MAX, Reach
from victims.access import IDVA_TEAM_ROLES
from victims.models import Victim, VictimUserObjectPermission

REVIEW = "allocate"  # victims.access: the IDVA team's supervisor

__all__ = ["REASON_MAX", "Reach", "victim_access_remove", "who_can_reach"]


def reviewable_victims(user) -> QuerySet[Victim]:
    """Victim records in the IDVA teams `user` supervises (and may see)."""
    return policy.visible(user, Victim).filter(team_id__in=user.team_ids(Role.SUPERVISOR))


def get_victim_for_review(user, pk) -> Victim:
    """404 when the record is not visible, 403 when the user may not manage its access."""
    return policy.get_for_user(
        user, Victim, pk, action=REVIEW, queryset=Victim.objects.select_related("team", "idva")
    )


def team_members(team_ids) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(
            team_id__in=team_ids,
            team__kind=Team.Kind.PARTNER_SUPPORT,
            active=True,
            role__in=IDVA_TEAM_ROLES,
            user__is_active=True,
        )
        .select_related("user", "team")
        .order_by("team__name", "user__full_name", "role")
    )


def direct_grants(victims) -> QuerySet[VictimUserObjectPermission]:
    return VictimUserObjectPermission.objects.filter(content_object__in=victims).select_related(
        "user", "permission", "content_object"
    )


def grant_label(grant: VictimUserObjectPermission) -> str:
    return "Granted: may change" if grant.permission.codename == "change_victim" else "Granted: may view"


def who_can_reach(victim: Victim) -> list[Reach]:
    """Everyone who can reach `victim` and every reason why, ordered by name."""
    people: dict[int, Reach] = {}

    def add(user, reason: str) -> Reach:
        reach = people.setdefault(user.pk, Reach(user=user))
        reach.reasons.append(reason)
        return reach

    for membership in team_members([victim.team_id]):
        add(membership.user, f"Member of {membership.team} ({membership.get_role_display().lower()})")
    if victim.idva_id and victim.idva.is_active:
        add(victim.idva, "Allocated IDVA")
    for grant in direct_grants([victim]).filter(user__is_active=True):
        add(grant.user, grant_label(grant)).grants.append(grant)
    return sorted(people.values(), key=lambda reach: (reach.user.full_name.lower(), reach.user.pk))


def reach_of(victim: Victim, user_pk) -> Reach | None:
    try:
        user_pk = int(user_pk)
    except (TypeError, ValueError):
        return None
    return next((reach for reach in who_can_reach(victim) if reach.user.pk == user_pk), None)


@transaction.atomic
def victim_access_remove(*, victim: Victim, user: User, reason: str, actor, request=None) -> int:
    """Remove `user`'s direct grants on `victim` and end all their sessions. Audited (REVOKE on
    the victim record). Raises ValidationError without a reason or when there is no grant."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why you are removing this access"})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"The reason must be {REASON_MAX} characters or fewer"})
    removed, _ = VictimUserObjectPermission.objects.filter(content_object=victim, user=user).delete()
    if not removed:
        raise ValidationError("This person has no grant to remove from this record.")
    audit.record(
        request,
        AuditEvent.Action.REVOKE,
        victim,
        user=actor,
        purpose=f"Removed access of {user.email}: {reason}",
    )
    link = settings.TIDELINE_BASE_URL.rstrip("/") + reverse("victims:victim_reach", args=[victim.pk])
    notify.tell_supervisors(
        [victim.team],
        subject="Tideline: access to your team's record has changed",
        body=(
            f"{user.email}'s access to a record your team holds was removed by {actor.email}.\n\n"
            f"Sign in to Tideline to see who can reach the record and why: {link}\n"
        ),
        exclude_user_ids=[actor.pk],
    )
    sessions_end_for(user)
    return removed
