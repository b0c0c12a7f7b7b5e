"""Access review: who can reach each of a team's records, and why; removing direct access.

One module for both kinds of record a supervisor reviews, each described by a `Subject`:

- a perpetrator's **case** (casework.access): membership of the owning team (not for restricted
  cases), allocation (case manager or supervisor), a direct grant (django-guardian, direct
  foreign key) or unexpired break-glass access. Supervisors review the cases of the teams they
  supervise and the cases they supervise; grants and break-glass can be removed.
- a **victim-survivor record** (victims.access): membership of the IDVA team (IDVA or
  supervisor), allocation as the record's IDVA, or a direct grant. There is no break-glass to
  victim records. The IDVA team's supervisor reviews the team's records and removes grants.
  Only the IDVA side reaches these pages: a perpetrator-side supervisor has no visible victim
  record, so every victim page answers 404 for them and the team list is empty.

Team membership is changed by administrators, allocation by reallocating the record. Removing
someone's access ends all their sessions (accounts.sessions), so their next request goes to the
sign-in page and, signed in again, they no longer reach the record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts import audit, notify, policy
from accounts.models import AuditEvent, Membership, Role, Team, User
from accounts.sessions import sessions_end_for
from casework.access import CASE_TEAM_ROLES, GRANT
from casework.models import BreakGlassAccess, Case, CaseUserObjectPermission
from victims.access import IDVA_TEAM_ROLES
from victims.models import Victim, VictimUserObjectPermission

REASON_MAX = 500


@dataclass
class Reach:
    """One person who can reach a record, with every reason why."""

    user: User
    reasons: list[str] = field(default_factory=list)
    grants: list[models.Model] = field(default_factory=list)
    break_glass: list[BreakGlassAccess] = field(default_factory=list)

    @property
    def removable(self) -> bool:
        """Has access this page can take away (a grant or break-glass)."""
        return bool(self.grants or self.break_glass)

    @property
    def stays(self) -> bool:
        """Still reaches the record through team or allocation after removal."""
        return len(self.reasons) > len(self.grants) + len(self.break_glass)


@dataclass(frozen=True)
class Subject:
    """A kind of record under review, and what differs between the kinds."""

    key: str  # "case" or "victim": in URL names and templates
    noun: str  # what people call one: "case", "record"
    model: type[models.Model]
    grant_model: type[models.Model]
    review_action: str  # the policy action that lets a user manage the record's access
    team_roles: tuple[str, ...]
    team_kind: str | None  # members counted only in teams of this kind (None: any)
    change_codename: str
    select_related: tuple[str, ...]
    grant_select_related: tuple[str, ...]
    reviewable: Callable[[User], QuerySet]
    allocated: Callable[[models.Model], list[tuple[User, str]]]
    has_break_glass: bool
    nothing_to_remove: str


def _reviewable_cases(user) -> QuerySet[Case]:
    """Cases visible to `user` in a team they supervise, or supervised by them."""
    return policy.visible(user, Case).filter(
        Q(team_id__in=user.team_ids(Role.SUPERVISOR)) | Q(supervisor=user)
    )


def _reviewable_victims(user) -> QuerySet[Victim]:
    """Victim records in the IDVA teams `user` supervises (and may see)."""
    return policy.visible(user, Victim).filter(team_id__in=user.team_ids(Role.SUPERVISOR))


def _allocated_to_case(case: Case) -> list[tuple[User, str]]:
    people = []
    if case.case_manager_id and case.case_manager.is_active:
        people.append((case.case_manager, "Allocated case manager"))
    if case.supervisor_id and case.supervisor.is_active:
        people.append((case.supervisor, "Supervisor of this case"))
    return people


def _allocated_to_victim(victim: Victim) -> list[tuple[User, str]]:
    return [(victim.idva, "Allocated IDVA")] if victim.idva_id and victim.idva.is_active else []


CASE = Subject(
    key="case",
    noun="case",
    model=Case,
    grant_model=CaseUserObjectPermission,
    review_action=GRANT,
    team_roles=CASE_TEAM_ROLES,
    team_kind=None,
    change_codename="change_case",
    select_related=("perpetrator", "team", "case_manager", "supervisor"),
    grant_select_related=("user", "permission", "content_object__perpetrator"),
    reviewable=_reviewable_cases,
    allocated=_allocated_to_case,
    has_break_glass=True,
    nothing_to_remove="This person has no grant or break-glass access to remove from this case.",
)
VICTIM = Subject(
    key="victim",
    noun="record",
    model=Victim,
    grant_model=VictimUserObjectPermission,
    review_action="allocate",  # victims.access: the IDVA team's supervisor
    team_roles=IDVA_TEAM_ROLES,
    team_kind=Team.Kind.PARTNER_SUPPORT,
    change_codename="change_victim",
    select_related=("team", "idva"),
    grant_select_related=("user", "permission", "content_object"),
    reviewable=_reviewable_victims,
    allocated=_allocated_to_victim,
    has_break_glass=False,
    nothing_to_remove="This person has no grant to remove from this record.",
)
SUBJECTS = {CASE.key: CASE, VICTIM.key: VICTIM}


def subject_of(record: models.Model) -> Subject:
    return next(s for s in SUBJECTS.values() if isinstance(record, s.model))


# --- Selectors -------------------------------------------------------------------------------------


def reviewable(user, subject: Subject) -> QuerySet:
    """The records of this kind whose access `user` may review."""
    return subject.reviewable(user)


def get_for_review(user, subject: Subject, pk):
    """404 when the record is not visible, 403 when the user may not manage its access."""
    return policy.get_for_user(
        user,
        subject.model,
        pk,
        action=subject.review_action,
        queryset=subject.model.objects.select_related(*subject.select_related),
    )


def team_members(subject: Subject, team_ids) -> QuerySet[Membership]:
    """Active team memberships: these people reach every (unrestricted) record of the team."""
    members = Membership.objects.filter(
        team_id__in=team_ids, active=True, role__in=subject.team_roles, user__is_active=True
    )
    if subject.team_kind is not None:
        members = members.filter(team__kind=subject.team_kind)
    return members.select_related("user", "team").order_by("team__name", "user__full_name", "role")


def direct_grants(subject: Subject, records) -> QuerySet:
    return subject.grant_model.objects.filter(content_object__in=records).select_related(
        *subject.grant_select_related
    )


def live_break_glass(cases) -> QuerySet[BreakGlassAccess]:
    return BreakGlassAccess.objects.filter(case__in=cases, expires_at__gt=timezone.now()).select_related(
        "user", "case__perpetrator"
    )


def grant_label(grant) -> str:
    subject = subject_of(grant.content_object)
    return (
        "Granted: may change" if grant.permission.codename == subject.change_codename else "Granted: may view"
    )


def who_can_reach(record: models.Model) -> list[Reach]:
    """Everyone who can reach `record` (a case or a victim record) and every reason why, by name."""
    subject = subject_of(record)
    people: dict[int, Reach] = {}

    def add(user, reason: str) -> Reach:
        reach = people.setdefault(user.pk, Reach(user=user))
        reach.reasons.append(reason)
        return reach

    if not getattr(record, "restricted", False):
        for membership in team_members(subject, [record.team_id]):
            add(membership.user, f"Member of {membership.team} ({membership.get_role_display().lower()})")
    for user, reason in subject.allocated(record):
        add(user, reason)
    for grant in direct_grants(subject, [record]).filter(user__is_active=True):
        add(grant.user, grant_label(grant)).grants.append(grant)
    if subject.has_break_glass:
        for access in live_break_glass([record]).filter(user__is_active=True):
            add(
                access.user, f"Break-glass until {timezone.localtime(access.expires_at):%H:%M %d %b}"
            ).break_glass.append(access)
    return sorted(people.values(), key=lambda reach: (reach.user.full_name.lower(), reach.user.pk))


def reach_of(record: models.Model, user_pk) -> Reach | None:
    try:
        user_pk = int(user_pk)
    except (TypeError, ValueError):
        return None
    return next((reach for reach in who_can_reach(record) if reach.user.pk == user_pk), None)


# --- Services --------------------------------------------------------------------------------------


@transaction.atomic
def access_remove(*, record: models.Model, user: User, reason: str, actor, request=None) -> int:
    """Remove `user`'s direct grants on `record` (a case or a victim record) and end their
    break-glass access to a case; end all their sessions. Audited (one REVOKE event on the
    record naming the person and the reason); the record team's supervisors are emailed.

    Returns how many grants and break-glass accesses were removed. Raises ValidationError
    when there is nothing this service can remove (team membership and allocation are not
    removed here) or the reason is missing.
    """
    subject = subject_of(record)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why you are removing this access"})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"The reason must be {REASON_MAX} characters or fewer"})
    removed, _ = subject.grant_model.objects.filter(content_object=record, user=user).delete()
    ended = _end_break_glass(record, user) if subject.has_break_glass else 0
    if not removed and not ended:
        raise ValidationError(subject.nothing_to_remove)
    audit.record(
        request,
        AuditEvent.Action.REVOKE,
        record,
        user=actor,
        purpose=f"Removed access of {user.email}: {reason}",
    )
    removal = f"{user.email}'s access to a {subject.noun} your team holds was removed by {actor.email}."
    _tell_the_team(subject, record, removal, actor)
    sessions_end_for(user)
    return removed + ended


def _end_break_glass(case: Case, user: User) -> int:
    now = timezone.now()
    ended = 0
    for access in BreakGlassAccess.objects.select_for_update().filter(
        case=case, user=user, expires_at__gt=now
    ):
        # The row is kept (it is evidence); it simply stops opening the case.
        access.expires_at = max(now, access.granted_at + timezone.timedelta(microseconds=1))
        access.save(update_fields=["expires_at"])
        ended += 1
    return ended


def _tell_the_team(subject: Subject, record, sentence: str, actor) -> None:
    """Email the record team's supervisors (not the actor): who and by whom, and a link to the
    record's "who can reach" page, nothing about the person."""
    link = settings.TIDELINE_BASE_URL.rstrip("/") + reverse(f"privacy:{subject.key}_reach", args=[record.pk])
    notify.tell_supervisors(
        [record.team],
        subject="Tideline: access to your team's record has changed",
        body=f"{sentence}\n\nSign in to Tideline to see who can reach the record and why: {link}\n",
        exclude_user_ids=[actor.pk],
    )
