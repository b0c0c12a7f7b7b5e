"""Referral risk rules (found by casework.flags through autodiscover_modules("flag_rules")).

First-contact target missed: an open referral whose first contact was due and has not been
recorded is flagged to the receiving team's supervisors. The flag names the referred person
(the perpetrator) by reference and name only; no victim is named.
"""

from __future__ import annotations

import datetime

from accounts.models import Role
from casework.flags import (
    Fallback,
    FlagSpec,
    Recipient,
    Rule,
    flags_raise,
    long_date,
    register,
    safe_url,
    team_members,
)
from casework.jobs import OVERDUE_LOOKBACK_DAYS
from casework.models import FlagAudience, FlagKind
from referrals.models import Referral


def first_contact_candidates(today: datetime.date):
    """Open referrals whose first-contact date passed in the last 60 days (referral_overdue_idx)."""
    return Referral.objects.filter(
        first_contact_on__isnull=True,
        status__in=Referral.OPEN_STATUSES,
        first_contact_due_on__range=(
            today - datetime.timedelta(days=OVERDUE_LOOKBACK_DAYS),
            today - datetime.timedelta(days=1),
        ),
    ).values_list("pk", flat=True)


def first_contact_raise(ids: list[int], today: datetime.date) -> int:
    referrals = [r for r in Referral.objects.filter(pk__in=ids) if r.is_overdue(today)]
    supervisors = team_members({r.team_id for r in referrals}, [Role.SUPERVISOR])
    specs = [
        FlagSpec(
            kind=FlagKind.FIRST_CONTACT_MISSED,
            audience=FlagAudience.REFERRAL,
            subject_key=f"referral:{referral.pk}",
            trigger_date=referral.first_contact_due_on + datetime.timedelta(days=1),
            title=(
                f"{referral.reference} {referral.person_name}: first contact target missed "
                f"(due {long_date(referral.first_contact_due_on)})"
            ),
            why="Quick first contact keeps people engaged and is a target the service reports on.",
            todo="Make first contact, or record it if it has happened, and allocate the referral if it is waiting.",
            url=safe_url("referrals:detail", referral.pk),
            recipients=[
                Recipient(user_id, "You supervise the receiving team", referral.team_id)
                for user_id in supervisors.get(referral.team_id, [])
            ],
            # No supervisor: the team's case managers, then the area's admins and coordinators.
            fallback=Fallback(team_id=referral.team_id, roles=(Role.CASE_MANAGER,)),
        )
        for referral in referrals
    ]
    return flags_raise(specs)


register(
    Rule(
        "first_contact_missed",
        first_contact_candidates,
        first_contact_raise,
        description="First contact target missed",
    )
)
