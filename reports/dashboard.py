"""Team and service dashboard measures. Each returns a Table built from database aggregates."""

from __future__ import annotations

import datetime

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, OuterRef, Q, Subquery

from casework.models import Attendance, Case, CaseClosure, CaseSession, ClosureReason, RiskFlag, RiskLevel
from referrals.models import Pathway, Referral, ReferralTargetRatio, ServiceTarget
from reports import cohorts
from reports.cohorts import ReportFilter
from reports.tables import AddsUp, Average, Chart, Percent, Share, Table
from reports.tables import Count as N

HIGH_RISK = (RiskLevel.HIGH, RiskLevel.VERY_HIGH)
# Figures more than one dashboard table prints or adds up to (tables.Count.key).
OPEN_TOTAL = "open.total"
BY_RISK = "open.risk"
REVIEWS_OVERDUE = "open.reviews_overdue"


def caseload_by_worker(f: ReportFilter, *, today: datetime.date) -> Table:
    """Open cases per allocated worker: total, high or very high risk, review overdue.

    Its columns add up to figures other dashboard tables print (open cases, high and very high
    risk, reviews overdue), so those sums are declared and a hidden worker's figure stays hidden.
    """
    rows = (
        cohorts.cases_open(f)
        .order_by()
        .values("case_manager__full_name")
        .annotate(
            total=Count("pk"),
            high=Count("pk", filter=Q(risk_level=RiskLevel.HIGH)),
            very_high=Count("pk", filter=Q(risk_level=RiskLevel.VERY_HIGH)),
            overdue=Count("pk", filter=Q(next_review_date__lt=today)),
        )
        .order_by("case_manager__full_name")
    )
    rows = list(rows)
    table_rows = [
        [
            row["case_manager__full_name"] or "Not allocated",
            N(row["total"]),
            N(row["high"] + row["very_high"]),
            N(row["overdue"]),
        ]
        for row in rows
    ]
    column = {index: [row[index] for row in table_rows] for index in (1, 2, 3)}

    def total(index: int, key: str) -> N:
        return N(sum(cell.value for cell in column[index]), key=key)

    high_levels = [N(sum(row[level] for row in rows), key=f"{BY_RISK}.{level}") for level in HIGH_RISK]
    return Table(
        "caseload_by_worker",
        "Caseload by worker",
        ["Worker", "Open cases", "High or very high risk", "Review overdue"],
        table_rows,
        chart=Chart(1),
        sums=[
            AddsUp(total(1, OPEN_TOTAL), column[1]),
            AddsUp(high_levels, column[2]),
            AddsUp(total(3, REVIEWS_OVERDUE), column[3]),
        ],
        sheet="Caseload by worker",
    )


def _by_choice(
    queryset, field: str, choices, *, title: str, key: str, column: str, sheet: str, skip=()
) -> Table:
    counts = dict(queryset.order_by().values(field).annotate(n=Count("pk")).values_list(field, "n"))
    prefix = BY_RISK if field == "risk_level" else f"open.{field}"
    cells = {
        value: N(counts.get(value, 0), key=f"{prefix}.{value}") for value, _ in choices if value not in skip
    }
    total = N(sum(cell.value for cell in cells.values()), key=OPEN_TOTAL)
    rows = [
        [label, cells[value], Share(cells[value], total)] for value, label in choices if value not in skip
    ]
    return Table(
        key,
        title,
        [column, "Open cases", "Share of open cases"],
        rows,
        chart=Chart(1),
        sums=[AddsUp(total, list(cells.values()))],
        sheet=sheet,
    )


def caseload_by_phase(f: ReportFilter) -> Table:
    return _by_choice(
        cohorts.cases_open(f),
        "phase",
        Case.Phase.choices,
        title="Caseload by phase",
        key="caseload_by_phase",
        column="Phase",
        sheet="Caseload by phase",
        skip=(Case.Phase.CLOSED,),
    )


def caseload_by_risk(f: ReportFilter) -> Table:
    return _by_choice(
        cohorts.cases_open(f),
        "risk_level",
        RiskLevel.choices,
        title="Caseload by risk level",
        key="caseload_by_risk",
        column="Risk level",
        sheet="Caseload by risk level",
    )


def _referrals(f: ReportFilter):
    referrals = Referral.objects.filter(
        team_id__in=f.scope.team_ids,
        area_id__in=f.scope.area_ids,
        received_on__gte=f.period.start,
        received_on__lte=f.period.end,
    ).exclude(status=Referral.Status.DRAFT)
    if f.intervention_type:
        referrals = referrals.filter(intervention_type=f.intervention_type)
    return referrals


def referrals_by_pathway(f: ReportFilter) -> Table:
    """Referrals received in the period by pathway and outcome, against the team's target ratio.

    Targets are set per team, so they are shown only when the report covers one team.
    """
    status = Referral.Status
    rows = {
        row["pathway"]: row
        for row in _referrals(f)
        .order_by()
        .values("pathway")
        .annotate(
            total=Count("pk"),
            accepted=Count("pk", filter=Q(status=status.ACCEPTED) | Q(status=status.AWAITING_ALLOCATION)),
            declined=Count("pk", filter=Q(status=status.DECLINED)),
            signposted=Count("pk", filter=Q(status=status.SIGNPOSTED)),
            open=Count("pk", filter=Q(status__in=[status.NEW, status.SCREENING])),
        )
    }
    total = N(sum(row["total"] for row in rows.values()))
    targets: dict[str, object] = {}
    if len(f.scope.team_ids) == 1:
        targets = dict(
            ReferralTargetRatio.objects.filter(team_id__in=f.scope.team_ids).values_list(
                "pathway", "target_percent"
            )
        )
    table_rows, sums = [], []
    outcomes = ("accepted", "declined", "signposted", "open")
    for value, label in [*Pathway.choices, ("", "Not recorded")]:
        row = rows.get(value)
        if row is None and value not in targets:
            continue
        row = row or dict.fromkeys(["total", *outcomes], 0)
        target = targets.get(value)
        pathway = N(row["total"])
        by_outcome = [N(row[name]) for name in outcomes]
        table_rows.append(
            [label, pathway, Share(pathway, total), Percent(target), *by_outcome],
        )
        sums.append(AddsUp(pathway, by_outcome))  # every referral has exactly one of the outcomes
    sums.append(AddsUp(total, [row[1] for row in table_rows]))
    return Table(
        "referrals_by_pathway",
        "Referrals by pathway and outcome",
        [
            "Pathway",
            "Referrals",
            "Share of referrals",
            "Target share",
            "Accepted",
            "Declined",
            "Signposted",
            "Awaiting screening",
        ],
        table_rows,
        note="Referrals received in the period. Target shares are the team's referral-source ratios "
        "and show when the report covers one team.",
        chart=Chart(2, unit="%"),
        sums=sums,
        sheet="Referrals by pathway",
    )


def first_contact(f: ReportFilter, *, today: datetime.date) -> Table:
    """Time from referral to first contact, against the first-contact due date (the team's target)."""
    days = ExpressionWrapper(F("first_contact_on") - F("received_on"), output_field=DurationField())
    figures = (
        _referrals(f)
        .filter(first_contact_due_on__isnull=False)
        .aggregate(
            due=Count("pk"),
            on_time=Count("pk", filter=Q(first_contact_on__lte=F("first_contact_due_on"))),
            late=Count("pk", filter=Q(first_contact_on__gt=F("first_contact_due_on"))),
            waiting_overdue=Count(
                "pk", filter=Q(first_contact_on__isnull=True, first_contact_due_on__lt=today)
            ),
            waiting=Count("pk", filter=Q(first_contact_on__isnull=True, first_contact_due_on__gte=today)),
            contacted=Count("pk", filter=Q(first_contact_on__isnull=False)),
            average=Avg(days, filter=Q(first_contact_on__isnull=False)),
        )
    )
    average = figures["average"]
    average_days = average.total_seconds() / 86400 if average is not None else None
    target = ""
    if len(f.scope.team_ids) == 1:
        service = ServiceTarget.objects.filter(team_id__in=f.scope.team_ids).first()
        if service:
            target = f"Target: first contact within {service.first_contact_working_days} working days."
    contacted = N(figures["contacted"])
    on_time, late = N(figures["on_time"]), N(figures["late"])
    overdue, waiting = N(figures["waiting_overdue"]), N(figures["waiting"])
    # Not printed, but when every referral has a due date it is the referrals total, which the
    # pathway shares give away: declared, so a hidden figure here stays hidden.
    with_due_date = N(figures["due"])
    return Table(
        "first_contact",
        "Time from referral to first contact",
        ["Measure", "Referrals", "Share"],
        [
            ["First contact on time", on_time, Share(on_time, contacted)],
            ["First contact late", late, Share(late, contacted)],
            ["No contact yet, past the due date", overdue, ""],
            ["No contact yet, not yet due", waiting, ""],
            ["Average days from referral to first contact", Average(average_days, contacted), ""],
        ],
        note=f"Referrals received in the period with a first-contact due date. {target}".strip(),
        sums=[AddsUp(contacted, [on_time, late]), AddsUp(with_due_date, [on_time, late, overdue, waiting])],
        sheet="First contact",
    )


def engagement(f: ReportFilter) -> Table:
    """Sessions offered and attended in the period (contacts with the person, not agency liaison)."""
    offered_q = ~Q(attendance=Attendance.CANCELLED_BY_SERVICE)
    figures = (
        CaseSession.objects.filter(
            case__in=cohorts.cases_worked(f),
            held_on__gte=f.period.start,
            held_on__lte=f.period.end,
        )
        .exclude(kind=CaseSession.Kind.LIAISON)
        .aggregate(
            offered=Count("pk", filter=offered_q),
            attended=Count("pk", filter=Q(attendance=Attendance.ATTENDED)),
            dna=Count("pk", filter=Q(attendance=Attendance.DID_NOT_ATTEND)),
            cancelled=Count("pk", filter=Q(attendance=Attendance.CANCELLED_BY_PERSON)),
            people=Count("case__perpetrator", distinct=True, filter=offered_q),
        )
    )
    # Session counts are events, but they can still point at a handful of people: they are
    # hidden whenever the number of people offered sessions is.
    people = N(figures["people"])
    offered, attended, dna, cancelled = (
        N(figures[name], backed_by=people) for name in ("offered", "attended", "dna", "cancelled")
    )
    return Table(
        "engagement",
        "Engagement: sessions attended out of sessions offered",
        ["Sessions", "Number", "Share of sessions offered"],
        [
            ["Offered", offered, ""],
            ["Attended", attended, Share(attended, offered)],
            ["Did not attend", dna, Share(dna, offered)],
            ["Cancelled by the person", cancelled, Share(cancelled, offered)],
            ["People offered sessions", people, ""],
        ],
        note="Sessions held in the period. Sessions cancelled by the service and multi-agency liaison "
        "are not counted as offered.",
        chart=Chart(2, unit="%"),
        sums=[AddsUp(offered, [attended, dna, cancelled])],
        sheet="Engagement",
    )


def completion(f: ReportFilter) -> Table:
    """Cases closed in the period by the reason on their latest approved closure."""
    latest_reason = Subquery(
        CaseClosure.objects.filter(case=OuterRef("pk"), decision=CaseClosure.Decision.APPROVED)
        .order_by("-decided_at", "-pk")
        .values("reason")[:1]
    )
    counts = dict(
        cohorts.cases_closed(f)
        .order_by()
        .annotate(reason=latest_reason)
        .values("reason")
        .annotate(n=Count("pk"))
        .values_list("reason", "n")
    )
    reasons = list(ClosureReason.choices)
    if counts.get(None):
        reasons.append((None, "Not recorded"))
    cells = [(label, N(counts.get(value, 0))) for value, label in reasons]
    total = N(sum(counts.values()))
    return Table(
        "completion",
        "Completion: cases closed in the period, by reason",
        ["Reason for closure", "Cases", "Share of closed cases"],
        [[label, cell, Share(cell, total)] for label, cell in cells],
        chart=Chart(2, unit="%"),
        sums=[AddsUp(total, [cell for _, cell in cells])],
        sheet="Completion",
    )


def flags_and_reviews(f: ReportFilter, *, today: datetime.date) -> Table:
    """Risk flags nobody has acknowledged yet, and reviews overdue or due in the next 14 days."""
    flags = (
        RiskFlag.objects.filter(case__in=cohorts.cases_open(f), recipients__acknowledged_at__isnull=True)
        .order_by()
        .values("kind")
        .annotate(n=Count("pk", distinct=True))
    )
    flag_counts = {row["kind"]: N(row["n"]) for row in flags}
    reviews = cohorts.cases_open(f).aggregate(
        overdue=Count("pk", filter=Q(next_review_date__lt=today)),
        soon=Count(
            "pk",
            filter=Q(next_review_date__gte=today, next_review_date__lte=today + datetime.timedelta(days=14)),
        ),
        none=Count("pk", filter=Q(next_review_date__isnull=True)),
    )
    all_flags = N(sum(cell.value for cell in flag_counts.values()))
    rows = [
        ["Reviews overdue", N(reviews["overdue"], key=REVIEWS_OVERDUE)],
        ["Reviews due in the next 14 days", N(reviews["soon"])],
        ["Open cases with no review date", N(reviews["none"])],
        ["Open risk flags (all kinds)", all_flags],
    ]
    labels = dict(RiskFlag._meta.get_field("kind").choices)
    rows.extend([f"Open flags: {labels.get(kind, kind)}", n] for kind, n in sorted(flag_counts.items()))
    return Table(
        "flags_and_reviews",
        "Open risk flags and overdue reviews",
        ["Measure", "Cases or flags"],
        rows,
        sums=[AddsUp(all_flags, list(flag_counts.values()))],
        sheet="Risk flags and reviews",
    )


def tables(f: ReportFilter, *, today: datetime.date) -> list[Table]:
    result = [caseload_by_worker(f, today=today)] if f.scope.show_workers else []
    result += [
        caseload_by_phase(f),
        caseload_by_risk(f),
        referrals_by_pathway(f),
        first_contact(f, today=today),
        engagement(f),
        completion(f),
        flags_and_reviews(f, today=today),
    ]
    return result
