"""Reads of orders, custody, incidents and RFG scores.

Orders, custody and incidents are facts about the perpetrator, so a case shows every one held
for its perpetrator (whichever case recorded it). Callers pass a case they have already
fetched through `get_case_for_user`, so the access policy has been applied.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from casework.models import Case, CustodyRecord, Incident, Order, Perpetrator, RfgModel, RfgScore
from casework.scoring import RfgResult, RfgSpec, compute_rfg, window_start
from casework.services_legal import incident_facts, rfg_active_model


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


def orders_for_case(case: Case) -> QuerySet[Order]:
    return (
        Order.objects.filter(perpetrator_id=case.perpetrator_id)
        .select_related("case")
        .prefetch_related(_safe_links_prefetch("protected_persons"))
        .annotate(breach_count=Count("breaches", distinct=True))
    )


def order_for_case(case: Case, pk) -> Order:
    return (
        Order.objects.filter(perpetrator_id=case.perpetrator_id)
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
    if order.expires_soon(today):
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


def custody_for_case(case: Case) -> QuerySet[CustodyRecord]:
    return (
        CustodyRecord.objects.filter(perpetrator_id=case.perpetrator_id)
        .select_related("case")
        .prefetch_related("events__created_by")
    )


def incidents_for_case(case: Case) -> QuerySet[Incident]:
    return (
        Incident.objects.filter(perpetrator_id=case.perpetrator_id)
        .select_related("case")
        .prefetch_related(_safe_links_prefetch("victim_links"))
    )


def gravity_weights() -> dict[str, object]:
    """Offence → gravity weight under the active model (empty when there is none)."""
    model = rfg_active_model()
    if model is None:
        return {}
    spec = RfgSpec.from_model(model)
    return {offence: spec.gravity(offence) for offence, _ in Incident._meta.get_field("offence").choices}


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
