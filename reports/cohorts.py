"""The groups of people and cases each report counts, already narrowed to the user's scope.

Every function returns a queryset (nothing is evaluated here), so the measures can aggregate
in the database. "Cohort" names say exactly what is counted:

- cases_open: cases open today in the scope's teams (the dashboard caseload);
- cases_worked: cases open at any time in the period (needs prevalence, equality);
- cases_closed: cases closed in the period (exit outcomes, completion, RFG change);
- victims_in_scope: victim-survivors held by a scope team, or linked to a perpetrator whose
  case a scope team holds, in the scope's areas.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from casework.models import Case
from panels.models import AgendaItem, Meeting, Panel
from reports.access import ReportScope
from reports.periods import Period
from victims.models import Victim, VictimLink


@dataclass(frozen=True)
class ReportFilter:
    """What the user chose: a period, a scope (already narrowed to any area/team chosen) and
    optionally one intervention type."""

    period: Period
    scope: ReportScope
    intervention_type: str = ""


def _cases(f: ReportFilter) -> QuerySet[Case]:
    cases = Case.objects.filter(team_id__in=f.scope.team_ids, team__area_id__in=f.scope.area_ids)
    if f.intervention_type:
        cases = cases.filter(intervention_type=f.intervention_type)
    return cases


def cases_open(f: ReportFilter) -> QuerySet[Case]:
    return _cases(f).filter(closed_on__isnull=True)


def cases_worked(f: ReportFilter) -> QuerySet[Case]:
    return (
        _cases(f)
        .filter(opened_on__lte=f.period.end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=f.period.start))
    )


def cases_closed(f: ReportFilter) -> QuerySet[Case]:
    return _cases(f).filter(closed_on__gte=f.period.start, closed_on__lte=f.period.end)


def victims_in_scope(f: ReportFilter) -> QuerySet[Victim]:
    linked_case = _cases(f).filter(perpetrator_id=OuterRef("perpetrator_id"))
    linked = VictimLink.objects.filter(victim_id=OuterRef("pk")).filter(Exists(linked_case))
    victims = Victim.objects.filter(area_id__in=f.scope.area_ids)
    if f.intervention_type:
        # Only victims linked to a perpetrator on that kind of intervention.
        return victims.filter(Exists(linked))
    return victims.filter(Q(team_id__in=f.scope.team_ids) | Exists(linked))


def marac_items(f: ReportFilter):
    """Cases heard at MARAC meetings in the scope's areas (and panels, for a coordinator) held in
    the period (so far, not cancelled)."""
    items = AgendaItem.objects.filter(
        meeting__panel__kind=Panel.Kind.MARAC,
        meeting__panel__area_id__in=f.scope.area_ids,
        meeting__scheduled_for__date__gte=f.period.start,
        meeting__scheduled_for__date__lte=f.period.end,
        meeting__scheduled_for__lte=timezone.now(),
        meeting__deleted_at__isnull=True,
    ).exclude(meeting__status=Meeting.Status.CANCELLED)
    if f.scope.panel_ids is not None:
        items = items.filter(meeting__panel_id__in=f.scope.panel_ids)
    return items


def today():
    return timezone.localdate()
