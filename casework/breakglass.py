"""Break-glass: time-limited access to a case outside one's relations, with a written reason.

Who may use it, and why only they:

- case managers and supervisors of a perpetrator case-management team: out of hours or when a
  colleague is away, they may have to act on a case their own team does not hold;
- police representatives (an agency representative of a police organisation): an emergency
  call-out may need the perpetrator's risk history at once.

In both cases only for a case held in an area where they hold that membership: a practitioner's
work never needs another area's case in an emergency (that area's own people answer it). Nobody
else: other agencies' representatives, panel staff, analysts and the DPO reach cases through
grants, panels and reports; IDVAs work on the victim's side, and an IDVA of a victim linked to the
perpetrator is kept off the case by the same-worker rule (Home Office perpetrator standards), so
break-glass is refused to them even when they also hold an eligible membership.

A refusal says why, in words, and never whether the record exists: a reference that is not a case,
and a case in another area, get the same answer from the same single query.

The reason is recorded in the audit trail (it must hold no address, postcode, phone number or
email: accounts.safe_text), the access lasts four hours, and the case's team supervisors are told
at once (an email that says only that there is something to see).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import audit, notify
from accounts.models import AuditEvent, Organisation, Role, Team
from accounts.safe_text import validate_no_contact_details
from casework.models import BreakGlassAccess, Case

REFERENCE = re.compile(r"^\s*(?:TL-?)?0*(\d{1,12})\s*$", re.IGNORECASE)
MIN_REASON = 20

NOT_ELIGIBLE = (
    "Break-glass access is only for case managers and supervisors of a perpetrator case-management "
    "team and for police representatives: their work can need a case in an emergency. Your role "
    "does not, so ask the record's team to give you access instead."
)
NOT_IN_AREA = (
    "There is no open record with that case reference in your area. Break-glass access reaches only "
    "cases held in the area you work in. Check the reference and try again"
)
SAME_WORKER = (
    "You support a victim-survivor linked to the person on this case. The same worker must not work "
    "with both sides, so break-glass access to this case is refused. Ask the record's team."
)


def break_glass_area_ids(user) -> set[int]:
    """The areas in which `user`'s work can need break-glass access (see the module docstring)."""
    areas = set()
    for membership in user.active_memberships():
        team = membership.team
        case_work = membership.role in (Role.CASE_MANAGER, Role.SUPERVISOR) and (
            team.kind == Team.Kind.CASE_MANAGEMENT
        )
        police = membership.role == Role.AGENCY_REP and team.organisation.kind == Organisation.Kind.POLICE
        if case_work or police:
            areas.add(team.area_id)
    return areas


def may_break_glass(user) -> bool:
    return bool(break_glass_area_ids(user))


def case_by_reference(reference: str, *, area_ids) -> Case:
    """The case with this reference if it is held in one of `area_ids`; otherwise the same
    refusal whether or not such a case exists."""
    match = REFERENCE.match(reference or "")
    case = None
    if match:
        case = (
            Case.objects.filter(pk=int(match.group(1)), team__area_id__in=list(area_ids))
            .select_related("team", "perpetrator")
            .first()
        )
    if case is None:
        raise ValidationError({"reference": NOT_IN_AREA})
    return case


def _tell_the_team(case: Case, user) -> None:
    link = settings.TIDELINE_BASE_URL.rstrip("/") + reverse("casework:access_log", args=[case.pk])
    body = (
        "Someone outside your team has used break-glass access to a record your team holds.\n\n"
        f"Sign in to Tideline to see who, when and why: {link}\n"
    )
    notify.tell_supervisors(
        [case.team],
        subject="Tideline: break-glass access to your team's record",
        body=body,
        exclude_user_ids=[user.pk],
    )


@transaction.atomic
def break_glass_open(*, reference: str, reason: str, actor, request=None) -> BreakGlassAccess:
    """Open a case to `actor` for four hours, record why, and tell the case's supervisors.

    Refuses (ValidationError, nothing recorded): a role whose work cannot need it, a reason that is
    too short or holds contact details, a reference that is not a case in the actor's area (the
    same answer for one that does not exist), and the IDVA of a victim linked to the perpetrator.
    """
    areas = break_glass_area_ids(actor)
    if not areas:
        raise ValidationError(NOT_ELIGIBLE, code="not_eligible")
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise ValidationError(
            {"reason": f"Explain why you need this record now, in at least {MIN_REASON} characters"}
        )
    try:
        validate_no_contact_details(reason)
    except ValidationError as exc:
        raise ValidationError({"reason": exc.messages}) from None
    case = case_by_reference(reference, area_ids=areas)
    from victims.rules import check_not_supporting_linked_victim  # victims depends on casework

    try:
        check_not_supporting_linked_victim(actor, case.perpetrator)
    except ValidationError:
        raise ValidationError({"reference": SAME_WORKER}) from None
    now = timezone.now()
    grant = BreakGlassAccess.objects.create(
        case=case, user=actor, reason=reason, granted_at=now, expires_at=now + BreakGlassAccess.DURATION
    )
    audit.record(request, AuditEvent.Action.BREAK_GLASS, case, user=actor, purpose=reason)
    _tell_the_team(case, actor)
    return grant
