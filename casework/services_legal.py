"""Writes to orders, custody, incidents and RFG scores. Each takes the acting user and audits.

Incidents change the RFG score, so every incident write recomputes the "current" score of the
perpetrator's open cases (and records the "entry" score the first time a case scores).

Writes that can change risk (an incident, a breach, an order, release dates or a release)
enqueue the risk-flag jobs on commit (casework.tasks), so the people concerned are told within
minutes rather than at the next daily scan.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import audit
from accounts.models import AuditEvent
from accounts.records import save_versioned
from accounts.safe_text import refuse_contact_details
from casework.models import (
    Case,
    CustodyEvent,
    CustodyRecord,
    Incident,
    IncidentSource,
    Order,
    OrderBreach,
    Perpetrator,
    RfgModel,
    RfgScore,
)
from casework.scoring import IncidentFacts, RfgResult, RfgSpec, compute_rfg
from casework.tasks import (
    enqueue_flags_after_breach,
    enqueue_flags_after_custody,
    enqueue_flags_after_incident,
    enqueue_flags_after_order,
)

Action = AuditEvent.Action


def _check_links(perpetrator: Perpetrator, links, field: str) -> list:
    links = list(links or [])
    if any(link.perpetrator_id != perpetrator.pk for link in links):
        raise ValidationError({field: "Choose only victims linked to this person."})
    return links


def _full_clean(obj, exclude=()) -> None:
    obj.full_clean(exclude=["case", "perpetrator", "area", "created_by", *exclude], validate_unique=False)


# --- Orders ---------------------------------------------------------------------------------


@transaction.atomic
def order_create(*, actor, case: Case, protected_persons=(), **fields) -> Order:
    """Record an order for the case's perpetrator. Protected persons must be linked to them."""
    refuse_contact_details(conditions_detail=fields.get("conditions_detail"))
    links = _check_links(case.perpetrator, protected_persons, "protected_persons")
    order = Order(case=case, perpetrator=case.perpetrator, created_by=actor, **fields)
    _full_clean(order)
    order.save()
    order.protected_persons.set(links)
    audit.record(None, Action.CREATE, order, user=actor)
    enqueue_flags_after_order(order.pk)
    return order


@transaction.atomic
def order_update(*, actor, order: Order, expected_version: int, protected_persons=None, **fields) -> Order:
    """Change an order; refused with ConcurrentEditError if someone saved it since it was loaded."""
    refuse_contact_details(conditions_detail=fields.get("conditions_detail"))
    for name, value in fields.items():
        setattr(order, name, value)
    _full_clean(order)
    save_versioned(order, expected_version=expected_version)
    if protected_persons is not None:
        order.protected_persons.set(_check_links(order.perpetrator, protected_persons, "protected_persons"))
    audit.record(None, Action.UPDATE, order, user=actor)
    enqueue_flags_after_order(order.pk)
    return order


@transaction.atomic
def order_breach_record(
    *, actor, order: Order, occurred_on, description: str, action_taken: str = ""
) -> OrderBreach:
    refuse_contact_details(description=description, action_taken=action_taken)
    if occurred_on < order.made_on:
        raise ValidationError({"occurred_on": "A breach cannot be before the order was made"})
    breach = OrderBreach(
        order=order,
        occurred_on=occurred_on,
        description=description,
        action_taken=action_taken,
        created_by=actor,
    )
    breach.full_clean(exclude=["order", "created_by"])
    breach.save()
    audit.record(None, Action.CREATE, breach, user=actor)
    enqueue_flags_after_breach(breach.pk)
    return breach


# --- Custody --------------------------------------------------------------------------------


@transaction.atomic
def custody_record_create(*, actor, case: Case, **fields) -> CustodyRecord:
    custody = CustodyRecord(case=case, perpetrator=case.perpetrator, created_by=actor, **fields)
    _full_clean(custody)
    custody.save()
    audit.record(None, Action.CREATE, custody, user=actor)
    enqueue_flags_after_custody(custody.pk)
    return custody


@transaction.atomic
def custody_record_update(*, actor, custody: CustodyRecord, expected_version: int, **fields) -> CustodyRecord:
    for name, value in fields.items():
        setattr(custody, name, value)
    _full_clean(custody)
    save_versioned(custody, expected_version=expected_version)
    audit.record(None, Action.UPDATE, custody, user=actor)
    enqueue_flags_after_custody(custody.pk)
    return custody


@transaction.atomic
def custody_event_record(
    *, actor, custody: CustodyRecord, kind: str, occurred_on: datetime.date, reason: str = ""
) -> CustodyEvent:
    """Record a recall, release or hearing. A release sets the actual release date; a recall
    after release puts the person back in custody (the release stays in the event history)."""
    refuse_contact_details(reason=reason)
    if occurred_on < custody.sentence_date:
        raise ValidationError({"occurred_on": "The date must be on or after the date sentenced"})
    if kind == CustodyEvent.Kind.RELEASE and not custody.in_custody:
        raise ValidationError({"kind": "This person is already recorded as released. Record a recall first."})
    if kind == CustodyEvent.Kind.RECALL and custody.in_custody:
        raise ValidationError({"kind": "This person is recorded as in custody, so cannot be recalled."})
    if kind == CustodyEvent.Kind.RECALL and not reason.strip():
        raise ValidationError({"reason": "Enter the reason for the recall"})
    event = CustodyEvent(custody=custody, kind=kind, occurred_on=occurred_on, reason=reason, created_by=actor)
    event.full_clean(exclude=["custody", "created_by"])
    event.save()
    if kind == CustodyEvent.Kind.RELEASE:
        custody.released_on = occurred_on
        custody.version += 1
        custody.save(update_fields=["released_on", "version", "updated_at"])
    elif kind == CustodyEvent.Kind.RECALL:
        custody.released_on = None
        custody.expected_release_on = None
        custody.expected_release_month = None
        custody.version += 1
        custody.save(
            update_fields=[
                "released_on",
                "expected_release_on",
                "expected_release_month",
                "version",
                "updated_at",
            ]
        )
    audit.record(None, Action.CREATE, event, user=actor)
    if kind == CustodyEvent.Kind.RELEASE:
        enqueue_flags_after_custody(custody.pk)
    return event


# --- Incidents ------------------------------------------------------------------------------


@transaction.atomic
def incident_create(
    *,
    actor,
    perpetrator: Perpetrator,
    case: Case | None = None,
    victim_links=(),
    source: str = IncidentSource.MANUAL,
    refresh_scores: bool = True,
    enqueue_flags: bool = True,
    **fields,
) -> Incident:
    """Record an incident. A police reference already on file in the person's area is refused:
    it identifies the incident there. References are unique per police force (area) only, so
    another area's incidents never decide this one.

    An import passes `refresh_scores=False, enqueue_flags=False` and does both once at its end.
    A summary carrying a location or contact detail is refused: feeds mask theirs first
    (accounts.safe_text.mask_contact_details), people are asked to take them out.
    """
    refuse_contact_details(summary=fields.get("summary"))
    links = _check_links(perpetrator, victim_links, "victim_links")
    if case is not None and case.perpetrator_id != perpetrator.pk:
        raise ValidationError({"case": "The case must be this person's case."})
    reference = (fields.get("police_reference") or "").strip()
    fields["police_reference"] = reference
    area_id = perpetrator.area_id
    if reference and Incident.all_objects.filter(area_id=area_id, police_reference=reference).exists():
        raise ValidationError(
            {"police_reference": "An incident with this police reference is already recorded"}
        )
    incident = Incident(
        perpetrator=perpetrator, case=case, area_id=area_id, source=source, created_by=actor, **fields
    )
    _full_clean(incident)
    incident.save()
    incident.victim_links.set(links)
    audit.record(None, Action.CREATE, incident, user=actor)
    if refresh_scores:
        rfg_refresh_for_perpetrator(perpetrator=perpetrator, actor=actor)
    if enqueue_flags:
        enqueue_flags_after_incident(incident.pk)
    return incident


@transaction.atomic
def incident_update(
    *, actor, incident: Incident, expected_version: int, victim_links=None, **fields
) -> Incident:
    refuse_contact_details(summary=fields.get("summary"))
    reference = (fields.get("police_reference", incident.police_reference) or "").strip()
    fields["police_reference"] = reference
    if (
        reference
        and reference != incident.police_reference
        and Incident.all_objects.filter(area_id=incident.area_id, police_reference=reference)
        .exclude(pk=incident.pk)
        .exists()
    ):
        raise ValidationError(
            {"police_reference": "An incident with this police reference is already recorded"}
        )
    for name, value in fields.items():
        setattr(incident, name, value)
    _full_clean(incident)
    save_versioned(incident, expected_version=expected_version)
    if victim_links is not None:
        incident.victim_links.set(_check_links(incident.perpetrator, victim_links, "victim_links"))
    audit.record(None, Action.UPDATE, incident, user=actor)
    rfg_refresh_for_perpetrator(perpetrator=incident.perpetrator, actor=actor)
    # Victims identified later are told too; flags already raised are not raised again.
    enqueue_flags_after_incident(incident.pk)
    return incident


@transaction.atomic
def incident_delete(*, actor, incident: Incident, reason: str) -> None:
    """Soft-delete an incident recorded in error (its police reference stays taken)."""
    if not reason.strip():
        raise ValidationError({"reason": "Enter why this incident is being removed"})
    refuse_contact_details(reason=reason)
    incident.soft_delete()
    audit.record(None, Action.DELETE, incident, user=actor, purpose=reason)
    rfg_refresh_for_perpetrator(perpetrator=incident.perpetrator, actor=actor)


# --- RFG scores -----------------------------------------------------------------------------


def rfg_active_model() -> RfgModel | None:
    return RfgModel.objects.filter(is_active=True).prefetch_related("gravity_weights").first()


def incident_facts(incidents) -> list[IncidentFacts]:
    """Plain values for the scorer. `incidents` should prefetch `victim_links`."""
    return [
        IncidentFacts(
            occurred_on=i.occurred_on,
            offence=i.offence,
            victim_ids=frozenset(link.pk for link in i.victim_links.all()),
            is_domestic_abuse=i.is_domestic_abuse,
            offence_label=i.get_offence_display(),
        )
        for i in incidents
    ]


def rfg_compute(
    *, perpetrator: Perpetrator, model: RfgModel, as_of: datetime.date | None = None
) -> RfgResult:
    """The perpetrator's score under `model` today (or as_of), from their recorded incidents."""
    incidents = Incident.objects.filter(perpetrator=perpetrator).prefetch_related("victim_links")
    return compute_rfg(
        incidents=incident_facts(incidents),
        spec=RfgSpec.from_model(model),
        as_of=as_of or timezone.localdate(),
    )


def _store(*, case: Case, model: RfgModel, kind: str, result: RfgResult, as_of, actor) -> RfgScore:
    score = RfgScore.objects.create(
        case=case,
        model=model,
        kind=kind,
        score=result.score,
        components=result.components,
        explanation=result.why,
        as_of=as_of,
        computed_by=actor,
    )
    audit.record(None, Action.CREATE, score, user=actor, purpose=f"RFG {kind} score")
    return score


@transaction.atomic
def rfg_refresh_case(*, case: Case, actor, as_of: datetime.date | None = None) -> RfgScore | None:
    """Recompute the case's current score; record the entry score when the case first scores.

    Nothing is stored when there is no active scoring model, when the case is closed, or when
    the current score is unchanged (same model, same score, same reason) since the last one.
    """
    model = rfg_active_model()
    if model is None or not case.is_open:
        return None
    as_of = as_of or timezone.localdate()
    result = rfg_compute(perpetrator=case.perpetrator, model=model, as_of=as_of)
    # Lock the case so two refreshes at once cannot both record an entry score.
    Case.all_objects.select_for_update().filter(pk=case.pk).first()
    scores = RfgScore.objects.filter(case=case)
    if result.score > 0 and not scores.filter(kind=RfgScore.Kind.ENTRY).exists():
        _store(case=case, model=model, kind=RfgScore.Kind.ENTRY, result=result, as_of=as_of, actor=actor)
    last = scores.filter(kind=RfgScore.Kind.CURRENT).first()
    if last and last.model_id == model.pk and last.score == result.score and last.explanation == result.why:
        return last
    if last is None and result.score == 0:
        return None
    return _store(case=case, model=model, kind=RfgScore.Kind.CURRENT, result=result, as_of=as_of, actor=actor)


def rfg_refresh_for_perpetrator(*, perpetrator: Perpetrator, actor) -> None:
    for case in Case.objects.filter(perpetrator=perpetrator, closed_on__isnull=True).select_related(
        "perpetrator"
    ):
        rfg_refresh_case(case=case, actor=actor)


@transaction.atomic
def rfg_record_exit(*, case: Case, actor, as_of: datetime.date | None = None) -> RfgScore | None:
    """Record the exit score for the closure flow. Idempotent: a case keeps its first exit score.

    Returns None when no scoring model is active (closure must not fail for want of one).
    """
    existing = RfgScore.objects.filter(case=case, kind=RfgScore.Kind.EXIT).first()
    if existing is not None:
        return existing
    model = rfg_active_model()
    if model is None:
        return None
    as_of = as_of or case.closed_on or timezone.localdate()
    result = rfg_compute(perpetrator=case.perpetrator, model=model, as_of=as_of)
    return _store(case=case, model=model, kind=RfgScore.Kind.EXIT, result=result, as_of=as_of, actor=actor)


@transaction.atomic
def rfg_model_new_version(*, actor, based_on: RfgModel | None = None, name: str = "") -> RfgModel:
    """A new, inactive version copying `based_on` (weights included), ready to be edited."""
    from django.db.models import Max

    from casework.models import RfgGravityWeight

    next_version = (RfgModel.objects.aggregate(n=Max("version"))["n"] or 0) + 1
    model = RfgModel(version=next_version, name=name or (based_on.name if based_on else ""))
    if based_on is not None:
        for field in (
            "lookback_months",
            "recency_bands",
            "frequency_points",
            "default_gravity",
            "victim_step",
        ):
            setattr(model, field, getattr(based_on, field))
    model.full_clean()
    model.save()
    if based_on is not None:
        RfgGravityWeight.objects.bulk_create(
            RfgGravityWeight(model=model, offence=w.offence, weight=w.weight)
            for w in based_on.gravity_weights.all()
        )
    audit.record(None, Action.CREATE, model, user=actor)
    return model


@transaction.atomic
def rfg_model_seed_default(*, actor) -> RfgModel:
    """Version 1 with the default bands and gravity weights, active, unless a version exists."""
    from casework.models import RfgGravityWeight
    from casework.scoring import DEFAULT_GRAVITY_WEIGHTS

    existing = RfgModel.objects.order_by("version").first()
    if existing is not None:
        return existing
    model = RfgModel.objects.create(version=1, name="Starting model (review locally)", is_active=True)
    RfgGravityWeight.objects.bulk_create(
        RfgGravityWeight(model=model, offence=offence, weight=Decimal(weight))
        for offence, weight in DEFAULT_GRAVITY_WEIGHTS.items()
    )
    audit.record(None, Action.CREATE, model, user=actor)
    return model


@transaction.atomic
def rfg_model_activate(*, actor, model: RfgModel) -> RfgModel:
    """Make `model` the only active version. Existing scores keep the version they were made with."""
    RfgModel.objects.filter(is_active=True).exclude(pk=model.pk).update(is_active=False)
    model.is_active = True
    model.save(update_fields=["is_active"])
    audit.record(None, Action.UPDATE, model, user=actor, purpose="activated")
    return model
