"""Retention: the daily scan that opens reviews, and the decisions that close them.

- `retention_scan(today=)` opens one `RetentionReview` per record past its retention period.
  Set-based per record type, idempotent (a partial unique index allows one open review per
  record), and it erases nothing.
- `review_extend(...)` keeps a record longer: a reason and a later date are required.
- `review_erase(...)` is the only path to erasure and needs a person's confirmation. It
  anonymises or removes the personal data (names, date of birth reduced to the year, addresses,
  contact details, free text, and the simple-history copies of them) and keeps what the
  reports count: rows, dates, risk levels, outcomes, offence types. Each erasure writes an audit
  event that names the record type and number only.
- Audit events are erased a calendar month at a time, by a data protection officer only,
  through `audit_month_erase`, which calls the database's one erasure function: the
  append-only trigger refuses every other DELETE, any UPDATE and TRUNCATE
  (accounts/migrations/0006_audit_erasure_only_through_retention.py).

Who decides: case-management supervisors for their teams' closed cases and incidents, IDVA
team supervisors (the IDVA manager) for their team's victim records, panel coordinators for
their panels' minutes and packs, and the DPO for everything in their area plus audit months.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.db.models import Q
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from accounts import audit
from accounts.models import AuditEvent, Role
from accounts.models_retention import DEFAULT_YEARS, RecordType, RetentionPolicy, RetentionReview

logger = logging.getLogger(__name__)

ERASED = "[erased]"
ERASED_NAME = "Erased"
BATCH = 1000


# --- Dates ---------------------------------------------------------------------------------------


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def years_after(day: datetime.date, years: int) -> datetime.date:
    return years_before(day, -years)


def _month_end(first: datetime.date) -> datetime.date:
    following = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def ensure_default_policies() -> None:
    """Create any missing policy with its default period (migration 0004 does this too)."""
    for record_type, years in DEFAULT_YEARS.items():
        RetentionPolicy.objects.get_or_create(record_type=record_type, defaults={"years": years})


def policy_years(record_type: str) -> int | None:
    """Years kept for a record type; None when an admin switched its reviews off."""
    policy = RetentionPolicy.objects.filter(record_type=record_type).first()
    if policy is None:
        return DEFAULT_YEARS[RecordType(record_type)]
    return policy.years if policy.active else None


# --- Who may see and decide ------------------------------------------------------------------------


def _dpo_area_ids(user) -> set[int]:
    return {m.team.area_id for m in user.active_memberships() if m.role == Role.DPO}


def reviews_visible_to(user) -> models.QuerySet[RetentionReview]:
    """Reviews the user may see and decide. Deny by default."""
    if user is None or not user.is_authenticated or not user.is_active:
        return RetentionReview.objects.none()
    rule = Q(pk__in=[])
    supervised = user.team_ids(Role.SUPERVISOR)
    if supervised:
        # A case-management supervisor's teams own cases and incidents; an IDVA team
        # supervisor's team owns victim records. The team on the review says which.
        rule |= Q(
            record_type__in=[RecordType.CASE, RecordType.INCIDENT, RecordType.VICTIM], team_id__in=supervised
        )
    coordinated = user.team_ids(Role.PANEL_COORDINATOR)
    if coordinated:
        rule |= Q(record_type=RecordType.MEETING, team_id__in=coordinated)
    if user.has_role(Role.DPO):
        rule |= Q(area_id__in=_dpo_area_ids(user)) & ~Q(record_type=RecordType.AUDIT)
        rule |= Q(record_type=RecordType.AUDIT)
    return RetentionReview.objects.filter(rule)


def get_review_for_user(user, pk) -> RetentionReview:
    try:
        return reviews_visible_to(user).select_related("team", "area", "decided_by").get(pk=pk)
    except (RetentionReview.DoesNotExist, ValueError, TypeError):
        raise Http404("Not found") from None


def can_decide(user, review: RetentionReview) -> bool:
    if review.record_type == RecordType.AUDIT:
        return user.has_role(Role.DPO)
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


def _candidates(record_type: str, cutoff: datetime.date) -> Iterable[tuple]:
    """(object id, reference, area id, team id, anchor date) for each record past `cutoff`."""
    if record_type == RecordType.CASE:
        from casework.models import Case

        rows = (
            Case.objects.filter(phase=Case.Phase.CLOSED, closed_on__lte=cutoff)
            .values_list("pk", "team__area_id", "team_id", "closed_on")
            .iterator(chunk_size=BATCH)
        )
        return ((pk, f"TL-{pk:06d}", area, team, day) for pk, area, team, day in rows)
    if record_type == RecordType.VICTIM:
        from victims.models import Victim

        rows = (
            Victim.objects.filter(support_status=Victim.SupportStatus.CLOSED, updated_at__date__lte=cutoff)
            .values_list("pk", "area_id", "team_id", "updated_at")
            .iterator(chunk_size=BATCH)
        )
        return ((pk, f"V-{pk:06d}", area, team, timezone.localdate(at)) for pk, area, team, at in rows)
    if record_type == RecordType.MEETING:
        from panels.models import Meeting

        rows = (
            Meeting.objects.filter(scheduled_for__date__lte=cutoff)
            .values_list("pk", "panel__area_id", "panel__coordinator_team_id", "scheduled_for", "panel__name")
            .iterator(chunk_size=BATCH)
        )
        return (
            (pk, f"{name[:40]} meeting {pk}", area, team, timezone.localdate(at))
            for pk, area, team, at, name in rows
        )
    if record_type == RecordType.INCIDENT:
        from casework.models import Incident

        rows = (
            Incident.objects.filter(occurred_on__lte=cutoff)
            .values_list("pk", "perpetrator__area_id", "case__team_id", "occurred_on")
            .iterator(chunk_size=BATCH)
        )
        return ((pk, f"Incident {pk}", area, team, day) for pk, area, team, day in rows)
    if record_type == RecordType.AUDIT:
        boundary = (cutoff + datetime.timedelta(days=1)).replace(day=1)
        months = (
            AuditEvent.objects.filter(occurred_at__date__lt=boundary)
            .annotate(month=TruncMonth("occurred_at"))
            .values_list("month", flat=True)
            .distinct()
        )
        firsts = sorted({timezone.localdate(m) if isinstance(m, datetime.datetime) else m for m in months})
        return ((f"{m:%Y-%m}", f"Audit events {m:%B %Y}", None, None, _month_end(m)) for m in firsts)
    raise ValueError(f"Unknown record type {record_type}")


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
        for object_id, reference, area_id, team_id, anchor in _candidates(record_type, cutoff):
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
    this order, as the database's erasure function checks both (accounts migration 0005).
    """
    review = _lock_pending(review, actor)
    eraser = ERASERS[review.record_type]
    if review.record_type == RecordType.AUDIT and not actor.has_role(Role.DPO):
        raise PermissionDenied("Only a data protection officer can erase audit events.")
    review.status = RetentionReview.Status.ERASED
    review.decided_by = actor
    review.decided_at = timezone.now()
    review.save()
    # The event names the record type and number only: never the erased data.
    label = {
        RecordType.CASE: "casework.case",
        RecordType.VICTIM: "victims.victim",
        RecordType.MEETING: "panels.meeting",
        RecordType.INCIDENT: "casework.incident",
        RecordType.AUDIT: "accounts.auditevent",
    }[RecordType(review.record_type)]
    audit.record(
        request,
        AuditEvent.Action.DELETE,
        user=actor,
        object_type=label,
        object_id=review.object_id,
        purpose=f"retention erasure (review {review.pk}): personal data removed, figures kept",
    )
    review.summary = eraser(review)
    review.save(update_fields=["summary"])
    return review


# --- Erasers: one per record type; each returns counts for the review's summary -----------------------


def _drop_history(model, ids) -> int:
    """Delete simple-history copies, which would otherwise keep the erased values."""
    history = getattr(model, "history", None)
    if history is None:
        return 0
    deleted, _ = history.model.objects.filter(id__in=list(ids)).delete()
    return deleted


def _scrub(model, ids, values: dict, *, soft_delete: bool = False) -> int:
    ids = list(ids)
    if not ids:
        return 0
    if soft_delete:
        values = {**values, "deleted_at": timezone.now()}
    changed = model._base_manager.filter(pk__in=ids).update(**values)
    _drop_history(model, ids)
    return changed


def _ids(queryset) -> list[int]:
    return list(queryset.values_list("pk", flat=True))


def _year_only(model, ids) -> None:
    """Keep only the year of birth (1 January), so age bands in reports survive."""
    for pk, dob in model._base_manager.filter(pk__in=ids, date_of_birth__isnull=False).values_list(
        "pk", "date_of_birth"
    ):
        model._base_manager.filter(pk=pk).update(date_of_birth=dob.replace(month=1, day=1))


def _erase_referrals(referral_ids: list[int]) -> int:
    from referrals.models import Referral, ReferralVictim

    if not referral_ids:
        return 0
    _year_only(Referral, referral_ids)
    count = _scrub(
        Referral,
        referral_ids,
        {
            "referrer_name": "",
            "referrer_phone": "",
            "referrer_email": "",
            "first_name": ERASED_NAME,
            "last_name": "",
            "other_names": "",
            "disability_details": "",
            "address_line_1": "",
            "address_line_2": "",
            "town": "",
            "postcode": "",
            "police_reference": "",
            "pnc_number": "",
            "prison_number": "",
            "concerns": "",
            "consent_notes": "",
            "decision_reason": "",
        },
    )
    named = _ids(ReferralVictim._base_manager.filter(referral_id__in=referral_ids))
    _erase_referral_victims(named)
    return count + len(named)


def _erase_referral_victims(ids: list[int]) -> None:
    from referrals.models import ReferralVictim, ReferralVictimDetails

    _scrub(ReferralVictim, ids, {"first_name": ERASED_NAME, "last_name": ""})
    ReferralVictimDetails.objects.filter(referral_victim_id__in=ids).update(
        address="", postcode="", phone="", email="", safe_contact="", children_details=""
    )


def _erase_incidents(ids: list[int]) -> int:
    from casework.models import Incident

    return _scrub(Incident, ids, {"summary": "", "police_reference": ""})


def _erase_perpetrator(perpetrator_id: int) -> dict:
    from casework.models import (
        Incident,
        Perpetrator,
        PerpetratorAddress,
        PerpetratorAlias,
        PerpetratorIdentifier,
    )

    _year_only(Perpetrator, [perpetrator_id])
    _scrub(Perpetrator, [perpetrator_id], {"first_name": ERASED_NAME, "last_name": "", "known_as": ""})
    aliases = _scrub(
        PerpetratorAlias,
        _ids(PerpetratorAlias._base_manager.filter(perpetrator_id=perpetrator_id)),
        {"name": ERASED, "note": ""},
        soft_delete=True,
    )
    identifiers = _scrub(
        PerpetratorIdentifier,
        _ids(PerpetratorIdentifier._base_manager.filter(perpetrator_id=perpetrator_id)),
        {"value": ERASED},
        soft_delete=True,
    )
    addresses = _scrub(
        PerpetratorAddress,
        _ids(PerpetratorAddress._base_manager.filter(perpetrator_id=perpetrator_id)),
        {"line_1": ERASED, "line_2": "", "town": ERASED, "postcode": ""},
        soft_delete=True,
    )
    incidents = _erase_incidents(_ids(Incident._base_manager.filter(perpetrator_id=perpetrator_id)))
    return {"aliases": aliases, "identifiers": identifiers, "addresses": addresses, "incidents": incidents}


def erase_case(review: RetentionReview) -> dict:
    from casework import models as cw
    from referrals.models import Referral
    from victims.models import NewPartnerNotice

    case = cw.Case.all_objects.select_for_update().get(pk=int(review.object_id))
    if case.phase != cw.Case.Phase.CLOSED:
        raise ValidationError("This case has been reopened since the review was opened: keep it or wait.")
    pk = case.pk
    summary = {
        "sessions": _scrub(
            cw.CaseSession, _ids(cw.CaseSession._base_manager.filter(case_id=pk)), {"notes": ""}
        ),
        "notes": _scrub(cw.CaseNote, _ids(cw.CaseNote._base_manager.filter(case_id=pk)), {"text": ERASED}),
        "support_goals": _scrub(
            cw.SupportGoal, _ids(cw.SupportGoal._base_manager.filter(case_id=pk)), {"goal": ERASED}
        ),
        "disruption_actions": _scrub(
            cw.DisruptionAction,
            _ids(cw.DisruptionAction._base_manager.filter(case_id=pk)),
            {"description": ERASED, "outcome": ""},
        ),
        "assessments": _scrub(
            cw.Assessment, _ids(cw.Assessment._base_manager.filter(case_id=pk)), {"answers": {}}
        ),
        "orders": _scrub(
            cw.Order,
            _ids(cw.Order._base_manager.filter(case_id=pk)),
            {"conditions_detail": "", "court_or_issuer": ""},
        ),
        "breaches": _scrub(
            cw.OrderBreach,
            _ids(cw.OrderBreach._base_manager.filter(order__case_id=pk)),
            {"description": ERASED, "action_taken": ""},
        ),
        "custody_records": _scrub(
            cw.CustodyRecord, _ids(cw.CustodyRecord._base_manager.filter(case_id=pk)), {"establishment": ""}
        ),
        "custody_events": _scrub(
            cw.CustodyEvent, _ids(cw.CustodyEvent._base_manager.filter(custody__case_id=pk)), {"reason": ""}
        ),
        "incidents": _erase_incidents(_ids(cw.Incident._base_manager.filter(case_id=pk))),
        "referrals": _erase_referrals(_ids(Referral._base_manager.filter(case_id=pk))),
    }
    cw.CaseClosure.objects.filter(case_id=pk).update(summary=ERASED, decision_note="", reopen_reason="")
    cw.RiskLevelChange.objects.filter(case_id=pk).update(reason=ERASED)
    cw.RiskFlag.objects.filter(case_id=pk).update(title=ERASED, why=ERASED, todo=ERASED)
    NewPartnerNotice.objects.filter(case_id=pk).update(what_is_known=ERASED)
    _drop_history(cw.Case, [pk])
    # The person's identity goes only when no other case of theirs is still held.
    others = cw.Case.all_objects.filter(perpetrator_id=case.perpetrator_id).exclude(pk=pk)
    other_ids = {str(i) for i in others.values_list("pk", flat=True)}
    erased_ids = set(
        RetentionReview.objects.filter(
            record_type=RecordType.CASE, object_id__in=other_ids, status=RetentionReview.Status.ERASED
        ).values_list("object_id", flat=True)
    )
    if other_ids <= erased_ids:
        summary["person"] = _erase_perpetrator(case.perpetrator_id)
    else:
        summary["person"] = "kept: another case about this person is still held"
    return summary


def erase_victim(review: RetentionReview) -> dict:
    from referrals.models import ReferralVictim
    from victims import models as vm

    victim = vm.Victim.all_objects.select_for_update().get(pk=int(review.object_id))
    if victim.support_status != vm.Victim.SupportStatus.CLOSED:
        raise ValidationError("Support has been reopened since the review was opened: keep the record.")
    pk = victim.pk
    _year_only(vm.Victim, [pk])
    _scrub(
        vm.Victim,
        [pk],
        {
            "first_name": ERASED_NAME,
            "last_name": "",
            "known_as": "",
            "disability_needs": "",
            "vlo_name": "",
            "vlo_contact": "",
        },
    )
    children = _ids(vm.Child._base_manager.filter(victim_id=pk))
    _year_only(vm.Child, children)
    summary = {
        "addresses": _scrub(
            vm.VictimAddress,
            _ids(vm.VictimAddress._base_manager.filter(victim_id=pk)),
            {"line_1": ERASED, "line_2": "", "town": "", "postcode": ""},
            soft_delete=True,
        ),
        "contacts": _scrub(
            vm.VictimContact,
            _ids(vm.VictimContact._base_manager.filter(victim_id=pk)),
            {"value": ERASED, "note": ""},
            soft_delete=True,
        ),
        "safe_contact": _scrub(
            vm.VictimSafeContact,
            _ids(vm.VictimSafeContact._base_manager.filter(victim_id=pk)),
            {"safe_contact_method": "", "safe_times": "", "housing_notes": ""},
        ),
        "safety_plan": _scrub(
            vm.SafetyPlan, _ids(vm.SafetyPlan._base_manager.filter(victim_id=pk)), {"plan": ERASED}
        ),
        "safety_notes": _scrub(
            vm.SafetyNote, _ids(vm.SafetyNote._base_manager.filter(victim_id=pk)), {"text": ERASED}
        ),
        "children": _scrub(
            vm.Child, children, {"first_name": ERASED_NAME, "last_name": "", "school": "", "address": ""}
        ),
        "shared_notes": vm.SharedNote.objects.filter(victim_id=pk).update(text=ERASED),
    }
    vm.ConsentDecision.objects.filter(victim_id=pk).exclude(rationale="").update(rationale=ERASED)
    dash = 0
    for assessment in vm.DashAssessment.objects.filter(victim_id=pk).only("pk", "answers", "judgement_level"):
        answers = {
            key: {"answer": (value or {}).get("answer")} for key, value in (assessment.answers or {}).items()
        }
        vm.DashAssessment.objects.filter(pk=assessment.pk).update(
            answers=answers, judgement_rationale=ERASED if assessment.judgement_level else ""
        )
        dash += 1
    summary["dash_assessments"] = dash
    named = _ids(ReferralVictim._base_manager.filter(picked_up_victim_id=pk))
    _erase_referral_victims(named)
    summary["referral_entries"] = len(named)
    return summary


def erase_meeting(review: RetentionReview) -> dict:
    from panels import models as pm
    from panels.packs import packs_dir

    meeting = pm.Meeting.all_objects.select_for_update().get(pk=int(review.object_id))
    pk = meeting.pk
    items = _ids(pm.AgendaItem._base_manager.filter(meeting_id=pk))
    summary = {
        "agenda_items": _scrub(pm.AgendaItem, items, {"discussion_summary": "", "decisions": ""}),
        "research": _scrub(
            pm.Research, _ids(pm.Research._base_manager.filter(agenda_item_id__in=items)), {"summary": ""}
        ),
        "actions": _scrub(
            pm.Action,
            _ids(pm.Action._base_manager.filter(agenda_item_id__in=items)),
            {"description": ERASED, "update_note": ""},
        ),
        "attendance": pm.Attendance.objects.filter(meeting_id=pk).update(attendee_name=""),
        "observers": pm.Observer.objects.filter(meeting_id=pk).update(name=ERASED, role=""),
    }
    files = 0
    for pack in pm.MeetingPack.objects.filter(meeting_id=pk).exclude(file_name=""):
        path = packs_dir() / pack.file_name
        if path.is_file():
            path.unlink()
            files += 1
    pm.MeetingPack.objects.filter(meeting_id=pk).update(
        file_name="", status=pm.MeetingPack.Status.FAILED, last_error="Erased under the retention schedule"
    )
    summary["pack_files"] = files
    _drop_history(pm.Meeting, [pk])
    return summary


def erase_incident(review: RetentionReview) -> dict:
    return {"incidents": _erase_incidents([int(review.object_id)])}


def audit_month_erase(review: RetentionReview) -> dict:
    """Delete one month of audit events, for a review `review_erase` has just confirmed.

    On PostgreSQL the rows can only go through `accounts_audit_erase_month`, which runs as its
    own role and checks the confirmation, the DPO, the erasure's audit event and the retention
    period again in SQL (accounts migration 0005); the append-only trigger refuses any other
    DELETE. The check here gives the DPO a clear message first.
    """
    first = datetime.date.fromisoformat(f"{review.object_id}-01")
    years = policy_years(RecordType.AUDIT) or DEFAULT_YEARS[RecordType.AUDIT]
    if _month_end(first) > years_before(timezone.localdate(), years):
        raise ValidationError("These audit events are still inside their retention period.")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT accounts_audit_erase_month(%s, %s)", [review.pk, settings.TIME_ZONE])
            deleted = cursor.fetchone()[0]
        else:  # SQLite (the demo) has no append-only trigger
            start = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
            end = timezone.make_aware(
                datetime.datetime.combine(_month_end(first) + datetime.timedelta(days=1), datetime.time.min)
            )
            cursor.execute(
                "DELETE FROM accounts_auditevent WHERE occurred_at >= %s AND occurred_at < %s", [start, end]
            )
            deleted = cursor.rowcount
    return {"audit_events": deleted}


ERASERS = {
    RecordType.CASE: erase_case,
    RecordType.VICTIM: erase_victim,
    RecordType.MEETING: erase_meeting,
    RecordType.INCIDENT: erase_incident,
    RecordType.AUDIT: audit_month_erase,
}
