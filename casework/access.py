"""Who may see and act on a perpetrator's case (registered with accounts.policy).

Visible when: the user is a case manager or supervisor in the owning team (unless the case
is restricted), is the allocated case manager or supervisor, holds a direct object grant,
or has unexpired break-glass access. Nothing else opens a case: not admin, not superuser,
not a model-wide permission.

An API token's service user acts only for the token's organisation
(`accounts.backends.bind_to_organisation`): their team memberships are that organisation's
alone, an allocation counts only on a case of one of its teams, and break-glass (a person's
reasoned, time-limited act on a page) counts not at all. Grants are given to the named
practitioner for their work with the case, so they count through the API too.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from accounts import audit_scope, policy
from accounts.models import Role
from casework.models import BreakGlassAccess, Case, CaseUserObjectPermission, Perpetrator

CASE_TEAM_ROLES = (Role.CASE_MANAGER, Role.SUPERVISOR)

# Actions beyond viewing.
EDIT = policy.EDIT
ALLOCATE = "allocate"
APPROVE_CLOSURE = "approve_closure"
GRANT = "grant"


def granted_case_ids(user, codename: str = "view_case"):
    return CaseUserObjectPermission.objects.filter(user=user, permission__codename=codename).values(
        "content_object_id"
    )


def _bound_organisation_id(user) -> int | None:
    return getattr(user, "bound_organisation_id", None)


def _allocations(user, field: str):
    """Cases `user` is allocated to as `field` (case_manager or supervisor)."""
    cases = Case.objects.order_by().filter(**{field: user})
    if _bound_organisation_id(user) is not None:
        cases = cases.filter(team__organisation_id=_bound_organisation_id(user))
    return cases


def _break_glass_case_ids(user):
    if _bound_organisation_id(user) is not None:
        return BreakGlassAccess.objects.none().values("case_id")
    return BreakGlassAccess.objects.filter(user=user, expires_at__gt=timezone.now()).values("case_id")


def _allocated_q(user) -> Q:
    """The cases `user` is allocated to, as a condition on the case row (as `_allocations` counts)."""
    allocated = Q(case_manager=user) | Q(supervisor=user)
    if _bound_organisation_id(user) is not None:
        allocated &= Q(team__organisation_id=_bound_organisation_id(user))
    return allocated


def _allocated_as(user, case: Case, *fields: str) -> bool:
    """Whether `user` is allocated to `case` as one of `fields` (as `_allocations` counts)."""
    if not any(getattr(case, f"{field}_id") == user.pk for field in fields):
        return False
    bound = _bound_organisation_id(user)
    return bound is None or case.team.organisation_id == bound


def visible_case_ids(user):
    """The ids CaseRule.visible admits, as one index scan per relation joined by UNION ALL.

    For long lists (the caseload): the cost follows the cases this user can see, not the size
    of the table, where the OR in CaseRule.visible makes PostgreSQL read every case. Kept out of
    CaseRule.visible itself because nested several levels deep (an order's case's visibility)
    on tables without statistics the planner can loop over the union once per row.
    Must admit exactly what CaseRule.visible admits.
    """
    team_ids = user.team_ids(*CASE_TEAM_ROLES)
    related = Case.objects.order_by()
    return (
        related.filter(team_id__in=team_ids, restricted=False)
        .values("pk")
        .union(
            _allocations(user, "case_manager").values("pk"),
            _allocations(user, "supervisor").values("pk"),
            related.filter(pk__in=granted_case_ids(user)).values("pk"),
            related.filter(pk__in=_break_glass_case_ids(user)).values("pk"),
            all=True,
        )
    )


def on_visible_cases(queryset, user, case_path: str):
    """The rows of `queryset` whose case `user` may open, from `visible_case_ids` and with no
    DISTINCT (for admin lists, where a scan of every case per page is what must not happen).

    `case_path` is how the model reaches Case: "" (Case itself), "case" (a foreign key),
    "cases" (a perpetrator) or "perpetrator__cases" (a perpetrator's own records).
    """
    ids = visible_case_ids(user)
    if case_path == "":
        return queryset.filter(pk__in=ids)
    people = Case.objects.filter(pk__in=ids).values("perpetrator_id")
    if case_path == "cases":
        return queryset.filter(pk__in=people)
    if case_path == "perpetrator__cases":
        return queryset.filter(perpetrator_id__in=people)
    if "__" not in case_path:
        return queryset.filter(**{f"{case_path}_id__in": ids})
    raise ValueError(f"on_visible_cases does not know the path {case_path!r}")


class CaseRule:
    def visible(self, user):
        team_ids = user.team_ids(*CASE_TEAM_ROLES)
        return Case.objects.filter(
            Q(team_id__in=team_ids, restricted=False)
            | _allocated_q(user)
            | Q(pk__in=granted_case_ids(user))
            | Q(pk__in=_break_glass_case_ids(user))
        )

    def allows(self, user, action: str, case: Case) -> bool:
        supervises_team = case.team_id in user.team_ids(Role.SUPERVISOR)
        if action in (ALLOCATE, APPROVE_CLOSURE, GRANT):
            return supervises_team or _allocated_as(user, case, "supervisor")
        if action == EDIT:
            return (
                _allocated_as(user, case, "case_manager", "supervisor")
                or supervises_team
                or CaseUserObjectPermission.objects.filter(
                    user=user, content_object=case, permission__codename="change_case"
                ).exists()
            )
        return False


policy.register(Case, CaseRule())
audit_scope.register(Case, "team__area")
audit_scope.register(Perpetrator, "area")
