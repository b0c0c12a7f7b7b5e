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

from casework.models import BehaviourType, NeedDomain, OutcomeMeasure, RfgScore, RiskLevel, SupportGoal
from panels.models import AgendaItem
from reports import cohorts
from reports.cohorts import ReportFilter, marac_items
from reports.models import CostAssumption
from reports.tables import AddsUp, Average, Chart, Money, Percent, Share, Table
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


# Figures the outcome report prints in two tables (tables.Count.key).
PHYSICAL_STOPPED_OR_REDUCED = "behaviour.physical.stopped_or_reduced"
VICTIM_RISK_FELL = "victim_risk.fell"
MARAC_HEARD = "marac.heard"
MARAC_REPEATS = "marac.repeats"


def behaviour_change(f: ReportFilter, counts: dict | None = None) -> Table:
    counts = counts if counts is not None else behaviour_counts(f)
    rows, sums = [], []
    for value, label in BehaviourType.choices:
        row = counts.get(value, {"present": 0, "stopped": 0, "reduced": 0, "same": 0, "increased": 0})
        present, stopped, reduced, same, increased = (
            N(row[name]) for name in ("present", "stopped", "reduced", "same", "increased")
        )
        better = N(
            stopped.value + reduced.value,
            key=PHYSICAL_STOPPED_OR_REDUCED if value == BehaviourType.PHYSICAL else "",
        )
        rows.append([label, present, stopped, reduced, Share(better, present), same, increased])
        # Each case where it was happening at intake stopped, reduced, stayed the same or increased.
        sums += [AddsUp(present, [better, same, increased]), AddsUp(better, [stopped, reduced])]
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
        sums=sums,
        sheet="Behaviour change",
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
    total = N(counts["total"])
    intake = {level: N(counts[f"intake_{level}"]) for level, _ in RiskLevel.choices}
    exit_ = {level: N(counts[f"exit_{level}"]) for level, _ in RiskLevel.choices}
    fell = N(counts["reduced"], key=VICTIM_RISK_FELL)
    same, rose = N(counts["same"]), N(counts["increased"])
    rows = [
        [label, intake[level], Share(intake[level], total), exit_[level], Share(exit_[level], total)]
        for level, label in RiskLevel.choices
    ]
    rows.append(["Risk fell", "", "", fell, Share(fell, total)])
    rows.append(["Risk stayed the same", "", "", same, Share(same, total)])
    rows.append(["Risk rose", "", "", rose, Share(rose, total)])
    return Table(
        "victim_risk",
        "IDVA-assessed victim risk at intake and exit",
        ["Risk level", "At intake", "Share at intake", "At exit", "Share at exit"],
        rows,
        note="Victim-survivors whose exit outcomes were recorded in the period, with an intake record.",
        chart=Chart(4, unit="%"),
        sums=[
            AddsUp(total, list(intake.values())),
            AddsUp(total, list(exit_.values())),
            AddsUp(total, [fell, same, rose]),
        ],
        sheet="Victim risk",
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
    n = N(figures["n"])
    fell = N(figures["fell"])
    change = None
    if figures["entry_mean"] is not None and figures["exit_mean"] is not None:
        change = Decimal(str(figures["exit_mean"])) - Decimal(str(figures["entry_mean"]))
    return Table(
        "rfg_change",
        "RFG score from entry to exit",
        ["Measure", "Value"],
        [
            ["Cases with entry and exit scores", n],
            ["Average entry score", Average(figures["entry_mean"], n)],
            ["Average exit score", Average(figures["exit_mean"], n)],
            ["Average change (exit minus entry)", Average(change, n)],
            ["Cases whose score fell", fell],
            ["Share of cases whose score fell", Share(fell, n)],
        ],
        note="Cases closed in the period with both an entry and an exit RFG score.",
        sheet="RFG scores",
    )


def repeat_marac(f: ReportFilter, *, heard: int | None = None, repeats: int | None = None) -> Table:
    """The repeat rate. Its two counts are the MARAC data return's "All meetings" figures (keyed
    the same), so this table hides them wherever the return does."""
    if heard is None or repeats is None:
        figures = marac_items(f).aggregate(
            heard=Count("pk"), repeats=Count("pk", filter=Q(reason=AgendaItem.Reason.REPEAT))
        )
        heard, repeats = figures["heard"], figures["repeats"]
    heard_count, repeat_count = N(heard, key=MARAC_HEARD), N(repeats, key=MARAC_REPEATS)
    return Table(
        "repeat_marac",
        "Repeat MARAC rate",
        ["Measure", "Value"],
        [
            ["Cases heard at MARAC", heard_count],
            ["Repeat cases", repeat_count],
            ["Repeat rate", Share(repeat_count, heard_count)],
        ],
        note="MARAC meetings held in the period in the chosen area(s). SafeLives suggests a repeat rate "
        "of 28–40% shows a MARAC is identifying repeats. Team and intervention filters do not apply.",
        sheet="Repeat MARAC",
    )


def needs(f: ReportFilter) -> Table:
    cases = cohorts.cases_worked(f)
    # Both figures count live goals only: a deleted goal is no need (the per-need query goes
    # through all_objects with the same rule spelled out, so neither depends on a manager).
    goals = Q(support_goals__deleted_at__isnull=True)
    figures = cases.annotate(
        needs=Count("support_goals__need_domain", filter=goals, distinct=True)
    ).aggregate(total=Count("pk"), three_plus=Count("pk", filter=Q(needs__gte=3)))
    total = N(figures["total"])
    per_need = dict(
        SupportGoal.all_objects.filter(case__in=cases, deleted_at__isnull=True)
        .order_by()
        .values("need_domain")
        .annotate(n=Count("case", distinct=True))
        .values_list("need_domain", "n")
    )
    three_plus = N(figures["three_plus"])
    rows = [["Three or more needs", three_plus, Share(three_plus, total)]]
    ranked = sorted(NeedDomain.choices, key=lambda choice: (-per_need.get(choice[0], 0), choice[1]))
    for value, label in ranked:
        cases = N(per_need.get(value, 0))
        rows.append([label, cases, Share(cases, total)])
    return Table(
        "needs",
        "Needs prevalence",
        ["Need", "Cases", "Share of cases worked"],
        rows,
        note="Cases open at any time in the period; a need counts when the support plan has a goal for it.",
        chart=Chart(2, unit="%"),
        sheet="Needs",
    )


def cost_avoidance(f: ReportFilter, *, behaviour: dict | None = None, victims: dict | None = None) -> Table:
    """Estimate = count × unit cost × share assumed avoided, for each active assumption."""
    behaviour = behaviour if behaviour is not None else behaviour_counts(f)
    victims = victims if victims is not None else victim_risk_counts(f)
    physical = behaviour.get(BehaviourType.PHYSICAL, {})
    # The same figures as in the behaviour and victim risk tables: hidden here whenever there.
    counts = {
        CostAssumption.Basis.CASES_ABUSE_REDUCED: N(
            physical.get("stopped", 0) + physical.get("reduced", 0), key=PHYSICAL_STOPPED_OR_REDUCED
        ),
        CostAssumption.Basis.VICTIMS_RISK_REDUCED: N(victims["reduced"], key=VICTIM_RISK_FELL),
    }
    rows = []
    total = Decimal(0)
    used = []
    for assumption in CostAssumption.objects.filter(active=True).order_by("name"):
        count = counts[assumption.basis]
        estimate = Decimal(count.value) * assumption.unit_cost * assumption.avoided_percent / 100
        total += estimate
        used.append(count)
        rows.append(
            [
                assumption.name,
                assumption.get_basis_display(),
                count,
                Money(assumption.unit_cost),
                Percent(assumption.avoided_percent),
                Money(estimate, built_from=(count,)),
            ]
        )
    if rows:
        # The total would give away any one hidden number beside the others: hidden with any of them.
        rows.append(["Total estimated cost avoided", "", "", "", "", Money(total, built_from=tuple(used))])
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
        sheet="Cost avoidance",
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
        sheet="Cost assumptions",
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
