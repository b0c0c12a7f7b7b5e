"""Who sees which reports, over which teams and areas.

- Supervisors (role "supervisor") see the dashboards and reports for the teams they supervise.
  On screen, their own team dashboard shows exact figures; everything outward (exports, the
  commissioner's PDF) is suppressed.
- Analysts and commissioners (role "analyst") see aggregates for their own area only, always
  with small numbers suppressed, and never a name or identifying detail (there are none in any
  report: every figure is a count or a share; worker names appear only to supervisors).
- MARAC coordinators (role "panel_coordinator") open the MARAC data return only, for the MARAC
  panels their coordination team runs. They run those meetings and know every case heard, so
  the return shows exact figures on screen; its exports are suppressed like every other.

Reports are aggregates, so there is no object rule: the scope below is the access check, and
every selector in reports.measures takes a scope and filters by it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from accounts.models import Area, Role, Team
from accounts.routing import roles
from panels.models import Panel

REPORT_ROLES = (Role.SUPERVISOR, Role.ANALYST)
MARAC_RETURN_ROLES = (*REPORT_ROLES, Role.PANEL_COORDINATOR)
REPORTS = roles(*REPORT_ROLES)
MARAC_RETURN = roles(*MARAC_RETURN_ROLES)
# The export URL serves every report; the view then checks the chosen report's own roles.
ANY_REPORT = MARAC_RETURN


def suppression_threshold() -> int:
    return settings.TIDELINE_SUPPRESSION_THRESHOLD


@dataclass(frozen=True)
class ReportScope:
    """The teams and areas a user's reports cover, and how figures must be shown."""

    area_ids: frozenset[int]
    team_ids: frozenset[int]
    aggregate_only: bool
    # MARAC panels the MARAC measures may count; None means every MARAC in `area_ids`.
    panel_ids: frozenset[int] | None = None

    @property
    def show_workers(self) -> bool:
        return not self.aggregate_only

    def narrowed(self, *, area_id: int | None = None, team_id: int | None = None) -> ReportScope:
        """The same scope limited to one area and/or one team (ids outside the scope give nothing)."""
        team_ids = self.team_ids
        area_ids = self.area_ids
        if area_id is not None:
            area_ids = area_ids & {area_id}
            team_ids = frozenset(
                Team.objects.filter(pk__in=team_ids, area_id__in=area_ids).values_list("pk", flat=True)
            )
        if team_id is not None:
            team_ids = team_ids & {team_id}
        return ReportScope(
            area_ids=frozenset(area_ids),
            team_ids=frozenset(team_ids),
            aggregate_only=self.aggregate_only,
            panel_ids=self.panel_ids,
        )


def _coordinator_scope(user) -> ReportScope:
    """The MARAC panels run by the user's coordination teams (for the MARAC data return only)."""
    panels = list(
        Panel.objects.filter(
            kind=Panel.Kind.MARAC, coordinator_team_id__in=user.team_ids(Role.PANEL_COORDINATOR)
        ).values_list("pk", "area_id")
    )
    return ReportScope(
        area_ids=frozenset(area for _, area in panels),
        team_ids=frozenset(),
        aggregate_only=False,
        panel_ids=frozenset(pk for pk, _ in panels),
    )


def scope_for(user, *, report: str = "") -> ReportScope:
    """The report scope for `user` on `report` (a registry key): empty when they hold no report role.

    Analysts' scope wins over a supervisor's, and a supervisor's over a coordinator's; the
    coordinator's scope applies to the MARAC data return only.
    """
    memberships = user.active_memberships()
    analyst_areas = user.area_ids(Role.ANALYST)
    if analyst_areas:
        team_ids = Team.objects.filter(
            area_id__in=analyst_areas, kind__in=[Team.Kind.CASE_MANAGEMENT, Team.Kind.PARTNER_SUPPORT]
        ).values_list("pk", flat=True)
        return ReportScope(
            area_ids=frozenset(analyst_areas), team_ids=frozenset(team_ids), aggregate_only=True
        )
    supervised = [m.team for m in memberships if m.role == Role.SUPERVISOR]
    if not supervised and report == "marac-return" and user.has_role(Role.PANEL_COORDINATOR):
        return _coordinator_scope(user)
    return ReportScope(
        area_ids=frozenset(t.area_id for t in supervised),
        team_ids=frozenset(t.pk for t in supervised),
        aggregate_only=False,
    )


def areas_in(scope: ReportScope):
    return Area.objects.filter(pk__in=scope.area_ids).order_by("name")


def teams_in(scope: ReportScope, *, kind: str | None = None):
    teams = Team.objects.filter(pk__in=scope.team_ids).select_related("area").order_by("name")
    return teams.filter(kind=kind) if kind else teams
