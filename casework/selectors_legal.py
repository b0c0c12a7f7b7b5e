"""Reads of orders, custody, incidents and RFG scores.

Every order, custody record and incident is reached through its own case, under that case's
policy. A case's tabs list its own records and, because they are facts about the same person,
those of the person's other cases the user may also open (each linking to its own case); a
record of a case the user may not open (another team's, or a restricted one) is never shown.
Incidents imported with no case (the person's police record) show on each of the person's cases.
A URL that names a case and a record finds the record only on that case (`order_for_case`,
`custody_record_for_case`, `incident_for_case`). Callers pass a case they have already fetched
through `get_case_for_user`, so the case itself has passed the policy.

Scores derived from all of the person's incidents (RFG, serial status) count every incident.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from casework.models import Case, CustodyRecord, Incident, Offence, Order, Perpetrator, RfgModel, RfgScore
from casework.scoring import RfgResult, RfgSpec, compute_rfg, window_start
from casework.selectors import cases_visible_to
from casework.services_legal import incident_facts, rfg_active_model


def person_case_ids(case: Case, user) -> QuerySet:
    """Ids of the cases about `case`'s person that `user` may open (`case` itself included)."""
    return cases_visible_to(user).filter(perpetrator_id=case.perpetrator_id).order_by().values("pk")


def safe_victim_links(*, perpetrator: Perpetrator) -> QuerySet:
    """The perpetrator's victim links with only the safe-view fields (label, relationship, dates).

    Never joins the victim: nothing here can name or locate them.
    """
    VictimLink = apps.get_model("victims", "VictimLink")
    return VictimLink.objects.filter(perpetrator=perpetrator).only(
        "id", "perpetrator_id", "relationship", "label_number", "started_on", "ended_on", "is_current"
    )


def _safe_links_prefetch(name: str) -> Prefetch:
    VictimLink = apps.get_model("victims", "VictimLink")
    return Prefetch(
        name, queryset=VictimLink.objects.only("id", "perpetrator_id", "relationship", "label_number")
    )


def orders_for_case(case: Case, user) -> QuerySet[Order]:
    """The person's orders on cases `user` may open."""
    return (
        Order.objects.filter(perpetrator_id=case.perpetrator_id, case_id__in=person_case_ids(case, user))
        .select_related("case")
        .prefetch_related(_safe_links_prefetch("protected_persons"))
        .annotate(breach_count=Count("breaches", distinct=True))
    )


def order_for_case(case: Case, pk) -> Order:
    """The order `pk` recorded on `case` (Order.DoesNotExist for any other case's order)."""
    return (
        Order.objects.filter(case=case)
        .select_related("case", "created_by")
        .prefetch_related(_safe_links_prefetch("protected_persons"), "breaches__created_by")
        .get(pk=pk)
    )


def order_flags(order: Order, today: datetime.date) -> list[tuple[str, str]]:
    """Deadlines and warnings to show beside an order, as (text, GOV.UK tag colour).

    Each carries its meaning in words, never by colour alone.
    """
    flags = []
    due = order.notification_due_on
    if due is not None:
        if order.notified_on:
            flags.append((f"Name and address notified {order.notified_on:%-d %b %Y}", "grey"))
        elif order.notification_overdue(today):
            flags.append((f"Notification overdue: was due {due:%-d %b %Y}", "red"))
        else:
            flags.append((f"Name and address due by {due:%-d %b %Y}", "orange"))
    hearing = order.hearing_due_on
    if hearing is not None:
        if hearing >= today:
            flags.append((f"DVPO hearing due by {hearing:%-d %b %Y}", "orange"))
        else:
            flags.append((f"DVPO hearing was due by {hearing:%-d %b %Y}", "grey"))
    if order.expires_on is not None and order.expires_soon(today):
        days = (order.expires_on - today).days
        flags.append(
            ("Expires today" if days == 0 else f"Expires in {days} day{'s' if days != 1 else ''}", "orange")
        )
    count = getattr(order, "breach_count", None)
    if count is None:
        count = len(order.breaches.all())
    if count:
        flags.append((f"{count} breach{'es' if count != 1 else ''} recorded", "red"))
    return flags


def custody_for_case(case: Case, user) -> QuerySet[CustodyRecord]:
    """The person's custody records on cases `user` may open."""
    return (
        CustodyRecord.objects.filter(
            perpetrator_id=case.perpetrator_id, case_id__in=person_case_ids(case, user)
        )
        .select_related("case")
        .prefetch_related("events__created_by")
    )


def custody_records_of_case(case: Case) -> QuerySet[CustodyRecord]:
    """The custody records recorded on `case` itself: the ones its URLs may name."""
    return CustodyRecord.objects.filter(case=case)


def incidents_for_case(case: Case, user) -> QuerySet[Incident]:
    """The person's incidents on cases `user` may open, and those on no case (their police record)."""
    return (
        Incident.objects.filter(perpetrator_id=case.perpetrator_id)
        .filter(Q(case__isnull=True) | Q(case_id__in=person_case_ids(case, user)))
        .select_related("case")
        .prefetch_related(_safe_links_prefetch("victim_links"))
    )


def incidents_of_case(case: Case) -> QuerySet[Incident]:
    """The incidents `case`'s URLs may name: its own, and its person's incidents on no case."""
    return Incident.objects.filter(perpetrator_id=case.perpetrator_id).filter(
        Q(case=case) | Q(case__isnull=True)
    )


def gravity_weights() -> dict[str, object]:
    """Offence → gravity weight under the active model (empty when there is none)."""
    model = rfg_active_model()
    if model is None:
        return {}
    spec = RfgSpec.from_model(model)
    return {offence: spec.gravity(offence) for offence in Offence.values}


@dataclass(frozen=True)
class CaseRfg:
    model: RfgModel | None
    live: RfgResult | None
    entry: RfgScore | None
    current: RfgScore | None
    exit: RfgScore | None
    history: list[RfgScore]


def rfg_for_case(case: Case) -> CaseRfg:
    """Scores kept for the case plus a live score under the active model as of today."""
    model = rfg_active_model()
    live = None
    if model is not None:
        facts = incident_facts(
            Incident.objects.filter(perpetrator_id=case.perpetrator_id).prefetch_related(
                _safe_links_prefetch("victim_links")
            )
        )
        live = compute_rfg(incidents=facts, spec=RfgSpec.from_model(model), as_of=timezone.localdate())
    scores = list(RfgScore.objects.filter(case=case).select_related("model", "computed_by")[:50])
    by_kind: dict[str, RfgScore] = {}
    for score in scores:  # newest first
        by_kind.setdefault(score.kind, score)
    return CaseRfg(
        model=model,
        live=live,
        entry=by_kind.get(RfgScore.Kind.ENTRY),
        current=by_kind.get(RfgScore.Kind.CURRENT),
        exit=by_kind.get(RfgScore.Kind.EXIT),
        history=[s for s in scores if s.kind == RfgScore.Kind.CURRENT],
    )


@dataclass(frozen=True)
class MatacCandidate:
    perpetrator: Perpetrator
    case: Case | None  # the most recent open case, if any
    score: RfgResult

    @property
    def why(self) -> str:
        return self.score.why


def matac_candidates(*, area, limit: int = 50, as_of: datetime.date | None = None) -> list[MatacCandidate]:
    """Perpetrators in `area` ranked by their RFG score today under the active model, highest first.

    Only people with a domestic-abuse incident inside the look-back window are scored. The caller
    (the MATAC nomination page) applies its own access rule before showing names; this selector
    returns no victim data beyond counts.
    """
    model = rfg_active_model()
    if model is None:
        return []
    as_of = as_of or timezone.localdate()
    spec = RfgSpec.from_model(model)
    start = window_start(as_of, spec.lookback_months)
    incidents = (
        Incident.objects.filter(
            perpetrator__area=area,
            perpetrator__deleted_at__isnull=True,
            is_domestic_abuse=True,
            occurred_on__gt=start,
            occurred_on__lte=as_of,
        )
        .prefetch_related(_safe_links_prefetch("victim_links"))
        .order_by("perpetrator_id")
    )
    by_person: dict[int, list[Incident]] = {}
    for incident in incidents:
        by_person.setdefault(incident.perpetrator_id, []).append(incident)
    results = {
        pk: compute_rfg(incidents=incident_facts(rows), spec=spec, as_of=as_of)
        for pk, rows in by_person.items()
    }
    ranked = sorted(results, key=lambda pk: (-results[pk].score, pk))[:limit]
    people = Perpetrator.objects.in_bulk(ranked)
    open_cases: dict[int, Case] = {}
    for case in Case.objects.filter(perpetrator_id__in=ranked, closed_on__isnull=True).order_by(
        "opened_on", "id"
    ):
        open_cases[case.perpetrator_id] = case  # the latest opened wins
    return [
        MatacCandidate(perpetrator=people[pk], case=open_cases.get(pk), score=results[pk]) for pk in ranked
    ]
