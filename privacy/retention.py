"""Retention: the daily scan that opens reviews, and the decisions that close them.

- `retention_scan(today=)` opens one `RetentionReview` per record past its retention period.
  Set-based per record type, idempotent (a partial unique index allows one open review per
  record), and it erases nothing.
- `review_extend(...)` keeps a record longer: a reason and a later date are required.
- `review_erase(...)` is the only path to erasure and needs a person's confirmation. It runs
  the record type's erase steps, which anonymise or remove the personal data (names, date of
  birth reduced to the year, addresses, contact details, free text, and the simple-history
  copies of them) and keep what the reports count: rows, dates, risk levels, outcomes, offence
  types. Each erasure writes an audit event that names the record type and number only.
- Audit events are erased a calendar month at a time, by a data protection officer only,
  through accounts' erase step, which calls the database's one erasure function: the
  append-only trigger refuses every other DELETE, any UPDATE and TRUNCATE
  (accounts/migrations/0006_audit_erasure_only_through_retention.py).

Each app declares its record types, their candidates and erase steps in `<app>/personal_data.py`
(accounts.personal_data); this module walks that registry and knows no app's records.

Who decides: case-management supervisors for their teams' closed cases and incidents, IDVA
team supervisors (the IDVA manager) for their team's victim records, panel coordinators for
their panels' minutes and packs, and the DPO for everything in their area plus audit months.
"""

from __future__ import annotations

import datetime
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from accounts import audit
from accounts.erasure import years_after, years_before
from accounts.models import AuditEvent, Role
from accounts.personal_data import Erasure, erase_steps_for, retention_type_of, retention_types
from privacy.models import DEFAULT_YEARS, RecordType, RetentionPolicy, RetentionReview

logger = logging.getLogger(__name__)

BATCH = 1000


def ensure_default_policies() -> None:
    """Create any missing policy with its default period (the privacy migration does this too)."""
    for record_type, years in DEFAULT_YEARS.items():
        RetentionPolicy.objects.get_or_create(record_type=record_type, defaults={"years": years})


def policy_years(record_type: str) -> int | None:
    """Years kept for a record type; None when an admin switched its reviews off."""
    policy = RetentionPolicy.objects.filter(record_type=record_type).first()
    if policy is None:
        return DEFAULT_YEARS[RecordType(record_type)]
    return policy.years if policy.active else None


# --- Who may see and decide ------------------------------------------------------------------------


def reviews_visible_to(user) -> models.QuerySet[RetentionReview]:
    """Reviews the user may see and decide. Deny by default.

    Each record type names the role that decides for the team on the review (a case-management
    supervisor's teams own cases and incidents, an IDVA team supervisor's team owns victim
    records, a panel's coordinating team its meetings); the DPO decides everything in their
    area. A whole-service type (audit months) has no area: anyone holding its role decides.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return RetentionReview.objects.none()
    types = retention_types().values()
    rule = Q(pk__in=[])
    for role in sorted({t.decided_by for t in types if not t.whole_service}):
        teams = user.team_ids(role)
        if teams:
            kinds = [t.record_type for t in types if t.decided_by == role and not t.whole_service]
            rule |= Q(record_type__in=kinds, team_id__in=teams)
    whole_service = [t.record_type for t in types if t.whole_service]
    if user.has_role(Role.DPO):
        rule |= Q(area_id__in=user.area_ids(Role.DPO)) & ~Q(record_type__in=whole_service)
    for t in types:
        if t.whole_service and user.has_role(t.decided_by):
            rule |= Q(record_type=t.record_type)
    return RetentionReview.objects.filter(rule)


def get_review_for_user(user, pk) -> RetentionReview:
    try:
        return reviews_visible_to(user).select_related("team", "area", "decided_by").get(pk=pk)
    except (RetentionReview.DoesNotExist, ValueError, TypeError):
        raise Http404("Not found") from None


def can_decide(user, review: RetentionReview) -> bool:
    kind = retention_type_of(review.record_type)
    if kind.whole_service:
        return user.has_role(kind.decided_by)
    return reviews_visible_to(user).filter(pk=review.pk).exists()


# --- The scan ------------------------------------------------------------------------------------------


def _blocked_ids(record_type: str, today: datetime.date) -> set[str]:
    """Records that need no new review: one is open, they are erased, or kept past today."""
    return set(
        RetentionReview.objects.filter(record_type=record_type)
        .filter(
            Q(status__in=[RetentionReview.Status.PENDING, RetentionReview.Status.ERASED])
            | Q(status=RetentionReview.Status.EXTENDED, extended_until__gt=today)
        )
        .values_list("object_id", flat=True)
    )


def retention_scan(*, today: datetime.date | None = None) -> dict[str, int]:
    """Open a review for every record past its retention period. Returns new reviews per type."""
    today = today or timezone.localdate()
    opened: dict[str, int] = {}
    for record_type in RecordType.values:
        years = policy_years(record_type)
        if years is None:
            continue
        cutoff = years_before(today, years)
        blocked = _blocked_ids(record_type, today)
        before = RetentionReview.objects.filter(record_type=record_type).count()
        batch: list[RetentionReview] = []
        for object_id, reference, area_id, team_id, anchor in retention_type_of(record_type).candidates(
            cutoff
        ):
            if str(object_id) in blocked:
                continue
            batch.append(
                RetentionReview(
                    record_type=record_type,
                    object_id=str(object_id),
                    reference=reference,
                    area_id=area_id,
                    team_id=team_id,
                    anchor_date=anchor,
                    due_on=years_after(anchor, years),
                )
            )
            if len(batch) >= BATCH:
                RetentionReview.objects.bulk_create(batch, ignore_conflicts=True)
                batch = []
        if batch:
            RetentionReview.objects.bulk_create(batch, ignore_conflicts=True)
        opened[record_type] = RetentionReview.objects.filter(record_type=record_type).count() - before
    logger.info("retention scan for %s opened %s", today, opened)
    return opened


# --- Decisions ------------------------------------------------------------------------------------------


def _lock_pending(review: RetentionReview, actor) -> RetentionReview:
    locked = RetentionReview.objects.select_for_update().get(pk=review.pk)
    if locked.status != RetentionReview.Status.PENDING:
        raise ValidationError("This review has already been decided.")
    if not can_decide(actor, locked):
        raise PermissionDenied("You cannot decide this review.")
    return locked


@transaction.atomic
def review_extend(
    *, review: RetentionReview, actor, reason: str, until: datetime.date, request=None
) -> RetentionReview:
    """Keep the record until `until` (after today) for a written reason. The scan reopens it then."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the record must be kept longer"})
    if until <= timezone.localdate():
        raise ValidationError({"until": "The new review date must be in the future"})
    review = _lock_pending(review, actor)
    review.status = RetentionReview.Status.EXTENDED
    review.reason = reason[:2000]
    review.extended_until = until
    review.decided_by = actor
    review.decided_at = timezone.now()
    review.save()
    audit.record(
        request,
        AuditEvent.Action.UPDATE,
        review,
        user=actor,
        purpose=f"retention: {review.get_record_type_display().lower()} {review.object_id} kept until {until:%Y-%m-%d}",
    )
    return review


@transaction.atomic
def review_erase(*, review: RetentionReview, actor, request=None) -> RetentionReview:
    """Erase the personal data in the reviewed record, on the actor's confirmation.

    The decision and its audit event are written first, then the eraser runs, all in one
    transaction: a refusal from the eraser rolls the decision back too. Audit months need it in
    this order, as the database's erasure function checks both (accounts migration 0006).
    """
    review = _lock_pending(review, actor)
    kind = retention_type_of(review.record_type)
    if review.record_type == RecordType.AUDIT and not actor.has_role(Role.DPO):
        raise PermissionDenied("Only a data protection officer can erase audit events.")
    review.status = RetentionReview.Status.ERASED
    review.decided_by = actor
    review.decided_at = timezone.now()
    review.save()
    # The event names the record type and number only: never the erased data.
    audit.record(
        request,
        AuditEvent.Action.DELETE,
        user=actor,
        object_type=kind.audit_label,
        object_id=review.object_id,
        purpose=f"retention erasure (review {review.pk}): personal data removed, figures kept",
    )
    review.summary = _erase(review)
    review.save(update_fields=["summary"])
    return review


def _erase(review: RetentionReview) -> dict:
    """Run the record type's erase steps in order; their counts make the review's summary."""
    erasure = Erasure(
        record_type=review.record_type,
        object_id=review.object_id,
        review_id=review.pk,
        years=policy_years(review.record_type) or DEFAULT_YEARS[RecordType(review.record_type)],
        erased=_erased,
    )
    summary: dict = {}
    for step in erase_steps_for(review.record_type):
        summary.update(step.function(erasure))
    return summary


def _erased(record_type: str, object_ids) -> set[str]:
    return set(
        RetentionReview.objects.filter(
            record_type=record_type,
            object_id__in=[str(i) for i in object_ids],
            status=RetentionReview.Status.ERASED,
        ).values_list("object_id", flat=True)
    )
