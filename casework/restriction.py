"""Restricting a case: open only to the people named on it (casework.access).

A restricted case is not opened by team membership. Its allocated case manager, its allocated
supervisor, users given the case by name (direct grants) and live break-glass access still open
it. A supervisor of the case's team, or its allocated supervisor (the `ALLOCATE` action),
restricts it with a reason (for example: the perpetrator works for a partner agency) and clears
it with a reason; both are audited, and the case keeps the current reason, who and when (its
history keeps earlier ones).

Who stays named: a case restricted with no allocated supervisor gets the restricting supervisor
as its supervisor, so someone who can clear the restriction can still open it. A team supervisor
who restricts a case supervised by someone else no longer opens it afterwards; the page says so
before they confirm.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import audit, policy
from accounts.models import AuditEvent
from accounts.records import save_versioned
from accounts.safe_text import validate_no_contact_details
from casework.access import ALLOCATE
from casework.models import Case, CaseUserObjectPermission

RESTRICT = ALLOCATE  # the same people: supervisors of the case's team and its allocated supervisor
REASON_MAX = 2000


def _checked_reason(reason: str, *, missing: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": missing})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"The reason must be {REASON_MAX} characters or fewer."})
    try:
        validate_no_contact_details(reason)
    except ValidationError as error:
        raise ValidationError({"reason": error.messages}) from None
    return reason


def _may_restrict(actor, case: Case) -> None:
    if not policy.can(actor, RESTRICT, case):
        raise PermissionDenied("Only a supervisor of the case's team can restrict or clear access to it.")


def named_people(case: Case, *, actor=None) -> list[str]:
    """Who opens the case once it is restricted, as the confirmation page lists them."""
    names = []
    if case.case_manager_id:
        names.append(f"{case.case_manager} (case manager)")
    supervisor = case.supervisor or actor
    if supervisor is not None:
        names.append(f"{supervisor} (supervisor)")
    granted = (
        CaseUserObjectPermission.objects.filter(content_object=case).values("user_id").distinct().count()
    )
    if granted:
        names.append(f"{granted} {'person' if granted == 1 else 'people'} given this case by name")
    return names


def keeps_sight(case: Case, user) -> bool:
    """Whether `user` still opens the case once it is restricted (break-glass aside)."""
    return (
        case.supervisor_id in (None, user.pk)
        or case.case_manager_id == user.pk
        or CaseUserObjectPermission.objects.filter(content_object=case, user=user).exists()
    )


@transaction.atomic
def case_restrict(*, case: Case, actor, reason: str, expected_version: int) -> Case:
    """Restrict the case to the people named on it, for a reason. Refused if already restricted."""
    _may_restrict(actor, case)
    reason = _checked_reason(reason, missing="Enter why access to this case is being restricted.")
    if case.restricted:
        raise ValidationError("This case is already restricted.")
    changed = ["restricted", "restricted_reason", "restricted_by", "restricted_at"]
    purpose = f"access restricted: {reason}"
    if case.supervisor_id is None:
        from victims.rules import check_not_supporting_linked_victim  # victims depends on casework

        check_not_supporting_linked_victim(actor, case.perpetrator)
        case.supervisor = actor
        changed.append("supervisor")
        purpose = f"access restricted (supervised by {actor}): {reason}"
    case.restricted = True
    case.restricted_reason = reason
    case.restricted_by = actor
    case.restricted_at = timezone.now()
    save_versioned(case, expected_version=expected_version, update_fields=changed)
    audit.record(None, AuditEvent.Action.UPDATE, case, user=actor, purpose=purpose)
    return case


@transaction.atomic
def case_unrestrict(*, case: Case, actor, reason: str, expected_version: int) -> Case:
    """Open the case to its team again, for a reason. Refused if it is not restricted."""
    _may_restrict(actor, case)
    reason = _checked_reason(reason, missing="Enter why the restriction is being removed.")
    if not case.restricted:
        raise ValidationError("This case is not restricted.")
    case.restricted = False
    case.restricted_reason = ""
    case.restricted_by = None
    case.restricted_at = None
    save_versioned(
        case,
        expected_version=expected_version,
        update_fields=["restricted", "restricted_reason", "restricted_by", "restricted_at"],
    )
    audit.record(
        None, AuditEvent.Action.UPDATE, case, user=actor, purpose=f"access restriction removed: {reason}"
    )
    return case
