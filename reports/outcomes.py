"""Outcome measures (DESIGN.md §2 "Outcomes"), each one grouped query over a cohort.

- Behaviour change: of cases closed in the period with the behaviour recorded at intake and
  exit, and where it was happening at intake (frequency above 0), the share where it stopped
  (0 at exit) or reduced (lower at exit) — the Drive evaluation's measure.
- IDVA-assessed victim risk at intake and exit (victims.VictimOutcome).
- RFG score from entry to exit (casework.RfgScore).
- Repeat MARAC rate: repeat cases heard / all cases heard at MARAC meetings in the period.
- Needs prevalence: cases worked in the period with three or more distinct needs on their
  support plan, and the most common needs.
- Cost avoidance: counts above multiplied by admin-set unit costs; always an estimate.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Avg, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models import Case as CaseWhen
from django.utils import timezone

from casework.models import BehaviourType, NeedDomain, OutcomeMeasure, RfgScore, RiskLevel, SupportGoal
from panels.models import AgendaItem, Meeting, Panel
from reports import cohorts
from reports.cohorts import ReportFilter
from reports.models import CostAssumption
from reports.tables import Average, Chart, Money, Share, Table
from reports.tables import Count as N
from victims.models import VictimOutcome

RISK_RANK = {RiskLevel.STANDARD: 1, RiskLevel.MEDIUM: 2, RiskLevel.HIGH: 3, RiskLevel.VERY_HIGH: 4}


def _exit_frequency() -> Subquery:
    return Subquery(
        OutcomeMeasure.objects.filter(
            case_id=OuterRef("case_id"),
            behaviour=OuterRef("behaviour"),
            time_point=OutcomeMeasure.TimePoint.EXIT,
        ).values("frequency")[:1]
    )


def behaviour_counts(f: ReportFilter) -> dict[str, dict[str, int]]:
    """Per behaviour type: present at intake (with an exit measure), stopped, reduced, same, increased."""
    rows = (
        OutcomeMeasure.objects.filter(
            case__in=cohorts.cases_closed(f), time_point=OutcomeMeasure.TimePoint.INTAKE, frequency__gt=0
        )
        .annotate(exit_frequency=_exit_frequency())
        .filter(exit_frequency__isnull=False)
        .order_by()
        .values("behaviour")
        .annotate(
            present=Count("pk"),
            stopped=Count("pk", filter=Q(exit_frequency=0)),
            reduced=Count("pk", filter=Q(exit_frequency__gt=0, exit_frequency__lt=F("frequency"))),
            same=Count("pk", filter=Q(exit_frequency=F("frequency"))),
            increased=Count("pk", filter=Q(exit_frequency__gt=F("frequency"))),
        )
    )
    return {row["behaviour"]: row for row in rows}


def behaviour_change(f: ReportFilter, counts: dict | None = None) -> Table:
    counts = counts if counts is not None else behaviour_counts(f)
    rows = []
    for value, label in BehaviourType.choices:
        row = counts.get(value, {"present": 0, "stopped": 0, "reduced": 0, "same": 0, "increased": 0})
        present = row["present"]
        rows.append(
            [
                label,
                N(present),
                N(row["stopped"]),
                N(row["reduced"]),
                Share(row["stopped"] + row["reduced"], present),
                N(row["same"]),
                N(row["increased"]),
            ]
        )
    return Table(
        "behaviour_change",
        "Change in abusive behaviour from intake to exit",
        [
            "Behaviour type",
            "Cases where it was happening at intake",
            "Stopped",
            "Reduced",
            "Stopped or reduced",
            "No change",
            "Increased",
        ],
        rows,
        note="Cases closed in the period with the behaviour recorded at both intake and exit, where it was "
        "happening at intake (Drive evaluation style: share where it stopped or reduced).",
        chart=Chart(4, unit="%"),
    )


def _rank(field: str) -> CaseWhen:
    return CaseWhen(
        *[When(**{field: level}, then=Value(rank)) for level, rank in RISK_RANK.items()],
        default=Value(0),
        output_field=IntegerField(),
    )


def victim_risk_counts(f: ReportFilter) -> dict:
    """IDVA-assessed risk at intake and exit for victims whose exit outcome falls in the period."""
    intake = Subquery(
        VictimOutcome.objects.filter(
            victim_id=OuterRef("victim_id"), stage=VictimOutcome.Stage.INTAKE
        ).values("idva_risk")[:1]
    )
    exits = (
        VictimOutcome.objects.filter(
            victim__in=cohorts.victims_in_scope(f),
            stage=VictimOutcome.Stage.EXIT,
            recorded_on__gte=f.period.start,
            recorded_on__lte=f.period.end,
        )
        .annotate(intake_risk=intake)
        .filter(intake_risk__isnull=False)
        .annotate(exit_rank=_rank("idva_risk"), intake_rank=_rank("intake_risk"))
    )
    aggregates = {"total": Count("pk")}
    for level in RISK_RANK:
        aggregates[f"intake_{level}"] = Count("pk", filter=Q(intake_risk=level))
        aggregates[f"exit_{level}"] = Count("pk", filter=Q(idva_risk=level))
    aggregates["reduced"] = Count("pk", filter=Q(exit_rank__lt=F("intake_rank")))
    aggregates["same"] = Count("pk", filter=Q(exit_rank=F("intake_rank")))
    aggregates["increased"] = Count("pk", filter=Q(exit_rank__gt=F("intake_rank")))
    return exits.aggregate(**aggregates)


def victim_risk(f: ReportFilter, counts: dict | None = None) -> Table:
    counts = counts if counts is not None else victim_risk_counts(f)
    total = counts["total"]
    rows = [
        [
            label,
            N(counts[f"intake_{level}"]),
            Share(counts[f"intake_{level}"], total),
            N(counts[f"exit_{level}"]),
            Share(counts[f"exit_{level}"], total),
        ]
        for level, label in RiskLevel.choices
    ]
    rows.append(["Risk fell", "", "", N(counts["reduced"]), Share(counts["reduced"], total)])
    rows.append(["Risk stayed the same", "", "", N(counts["same"]), Share(counts["same"], total)])
    rows.append(["Risk rose", "", "", N(counts["increased"]), Share(counts["increased"], total)])
    return Table(
        "victim_risk",
        "IDVA-assessed victim risk at intake and exit",
        ["Risk level", "At intake", "Share at intake", "At exit", "Share at exit"],
        rows,
        note="Victim-survivors whose exit outcomes were recorded in the period, with an intake record.",
        chart=Chart(4, unit="%"),
    )


def rfg_change(f: ReportFilter) -> Table:
    def score(kind: str) -> Subquery:
        return Subquery(RfgScore.objects.filter(case_id=OuterRef("pk"), kind=kind).values("score")[:1])

    figures = (
        cohorts.cases_closed(f)
        .annotate(entry=score(RfgScore.Kind.ENTRY), exit=score(RfgScore.Kind.EXIT))
        .filter(entry__isnull=False, exit__isnull=False)
        .aggregate(
            n=Count("pk"),
            entry_mean=Avg("entry"),
            exit_mean=Avg("exit"),
            fell=Count("pk", filter=Q(exit__lt=F("entry"))),
        )
    )
    n = figures["n"]
    change = None
    if figures["entry_mean"] is not None and figures["exit_mean"] is not None:
        change = Decimal(str(figures["exit_mean"])) - Decimal(str(figures["entry_mean"]))
    return Table(
        "rfg_change",
        "RFG score from entry to exit",
        ["Measure", "Value"],
        [
            ["Cases with entry and exit scores", N(n)],
            ["Average entry score", Average(figures["entry_mean"], n)],
            ["Average exit score", Average(figures["exit_mean"], n)],
            ["Average change (exit minus entry)", Average(change, n)],
            ["Cases whose score fell", N(figures["fell"])],
            ["Share of cases whose score fell", Share(figures["fell"], n)],
        ],
        note="Cases closed in the period with both an entry and an exit RFG score.",
    )


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


def repeat_marac(f: ReportFilter) -> Table:
    figures = marac_items(f).aggregate(
        heard=Count("pk"), repeats=Count("pk", filter=Q(reason=AgendaItem.Reason.REPEAT))
    )
    return Table(
        "repeat_marac",
        "Repeat MARAC rate",
        ["Measure", "Value"],
        [
            ["Cases heard at MARAC", N(figures["heard"])],
            ["Repeat cases", N(figures["repeats"])],
            ["Repeat rate", Share(figures["repeats"], figures["heard"])],
        ],
        note="MARAC meetings held in the period in the chosen area(s). SafeLives suggests a repeat rate "
        "of 28–40% shows a MARAC is identifying repeats. Team and intervention filters do not apply.",
    )


def needs(f: ReportFilter) -> Table:
    cases = cohorts.cases_worked(f)
    # Both figures count live goals only: a deleted goal is no need (the per-need query goes
    # through all_objects with the same rule spelled out, so neither depends on a manager).
    goals = Q(support_goals__deleted_at__isnull=True)
    figures = cases.annotate(
        needs=Count("support_goals__need_domain", filter=goals, distinct=True)
    ).aggregate(total=Count("pk"), three_plus=Count("pk", filter=Q(needs__gte=3)))
    total = figures["total"]
    per_need = dict(
        SupportGoal.all_objects.filter(case__in=cases, deleted_at__isnull=True)
        .order_by()
        .values("need_domain")
        .annotate(n=Count("case", distinct=True))
        .values_list("need_domain", "n")
    )
    rows = [["Three or more needs", N(figures["three_plus"]), Share(figures["three_plus"], total)]]
    ranked = sorted(NeedDomain.choices, key=lambda choice: (-per_need.get(choice[0], 0), choice[1]))
    rows += [
        [label, N(per_need.get(value, 0)), Share(per_need.get(value, 0), total)] for value, label in ranked
    ]
    return Table(
        "needs",
        "Needs prevalence",
        ["Need", "Cases", "Share of cases worked"],
        rows,
        note="Cases open at any time in the period; a need counts when the support plan has a goal for it.",
        chart=Chart(2, unit="%"),
    )


def cost_avoidance(f: ReportFilter, *, behaviour: dict | None = None, victims: dict | None = None) -> Table:
    """Estimate = count × unit cost × share assumed avoided, for each active assumption."""
    behaviour = behaviour if behaviour is not None else behaviour_counts(f)
    victims = victims if victims is not None else victim_risk_counts(f)
    physical = behaviour.get(BehaviourType.PHYSICAL, {})
    counts = {
        CostAssumption.Basis.CASES_ABUSE_REDUCED: physical.get("stopped", 0) + physical.get("reduced", 0),
        CostAssumption.Basis.VICTIMS_RISK_REDUCED: victims["reduced"],
    }
    rows = []
    total = Decimal(0)
    smallest = None
    for assumption in CostAssumption.objects.filter(active=True).order_by("name"):
        count = counts[assumption.basis]
        estimate = Decimal(count) * assumption.unit_cost * assumption.avoided_percent / 100
        total += estimate
        smallest = count if smallest is None else min(smallest, count)
        rows.append(
            [
                assumption.name,
                assumption.get_basis_display(),
                N(count),
                Money(assumption.unit_cost),
                f"{assumption.avoided_percent}%",
                Money(estimate, backed_by=count),
            ]
        )
    if rows:
        rows.append(["Total estimated cost avoided", "", "", "", "", Money(total, backed_by=smallest)])
    return Table(
        "cost_avoidance",
        "Cost avoidance (estimate)",
        [
            "Unit cost",
            "Counted against",
            "Number",
            "Unit cost (£)",
            "Share assumed avoided",
            "Estimate",
        ],
        rows,
        note="This is an estimate, not a saving: it multiplies outcomes by published unit costs and by the "
        "share of each cost the service assumes it avoids. The assumptions are set by your administrator; "
        "each unit cost's source and assumption are listed in the next table.",
    )


def cost_assumptions() -> Table:
    """The assumptions behind the estimate, shown beside it wherever it appears."""
    return Table(
        "cost_assumptions",
        "Cost avoidance: assumptions and sources",
        ["Unit cost", "What the service assumes", "Source of the unit cost"],
        [
            [assumption.name, assumption.assumption, assumption.source]
            for assumption in CostAssumption.objects.filter(active=True).order_by("name")
        ],
        numeric=False,
    )


def tables(f: ReportFilter) -> list[Table]:
    behaviour = behaviour_counts(f)
    victims = victim_risk_counts(f)
    return [
        behaviour_change(f, behaviour),
        victim_risk(f, victims),
        rfg_change(f),
        repeat_marac(f),
        needs(f),
        cost_avoidance(f, behaviour=behaviour, victims=victims),
        cost_assumptions(),
    ]
