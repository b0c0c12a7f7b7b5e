"""Break-glass: time-limited access to a case outside one's relations, with a written reason.

The reason is recorded in the audit trail, the access lasts four hours, and the case's team
supervisors are told at once (an email that says only that there is something to see).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import audit
from accounts.models import AuditEvent, Membership, Role
from casework.models import BreakGlassAccess, Case

REFERENCE = re.compile(r"^\s*(?:TL-?)?0*(\d{1,12})\s*$", re.IGNORECASE)
MIN_REASON = 20


def case_by_reference(reference: str) -> Case:
    match = REFERENCE.match(reference or "")
    case = Case.objects.filter(pk=int(match.group(1))).select_related("team").first() if match else None
    if case is None:
        raise ValidationError(
            {"reference": "There is no open record with that case reference. Check it and try again"}
        )
    return case


def _tell_the_team(case: Case, user) -> None:
    supervisors = (
        Membership.objects.filter(team=case.team, role=Role.SUPERVISOR, active=True, user__is_active=True)
        .exclude(user=user)
        .values_list("user__email", flat=True)
    )
    link = settings.TIDELINE_BASE_URL.rstrip("/") + reverse("casework:access_log", args=[case.pk])
    body = (
        "Someone outside your team has used break-glass access to a record your team holds.\n\n"
        f"Sign in to Tideline to see who, when and why: {link}\n"
    )
    messages = [
        ("Tideline: break-glass access to your team's record", body, None, [email]) for email in supervisors
    ]
    transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))


@transaction.atomic
def break_glass_open(*, reference: str, reason: str, actor, request=None) -> BreakGlassAccess:
    """Open a case to `actor` for four hours, record why, and tell the case's supervisors."""
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise ValidationError(
            {"reason": f"Explain why you need this record now, in at least {MIN_REASON} characters"}
        )
    case = case_by_reference(reference)
    now = timezone.now()
    grant = BreakGlassAccess.objects.create(
        case=case, user=actor, reason=reason, granted_at=now, expires_at=now + BreakGlassAccess.DURATION
    )
    audit.record(request, AuditEvent.Action.BREAK_GLASS, case, user=actor, purpose=reason)
    _tell_the_team(case, actor)
    return grant
