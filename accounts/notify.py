"""Telling a team's supervisors that access to their team or its records changed.

The emails name practitioners and teams only, never a service user: they say what kind of change
happened and where to look, and are sent once the change has committed (`on_commit`), so a change
that rolls back tells no one.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.mail import send_mass_mail
from django.db import transaction

from accounts.models import Membership, Role, Team


def supervisor_emails(team: Team, *, exclude_user_ids: Iterable[int] = ()) -> list[str]:
    """The team's active supervisors, or for a team that has none the data protection officers of
    its area, so that someone who oversees the team is told; less `exclude_user_ids` (the person
    who made the change need not be told of it)."""
    active = Membership.objects.filter(active=True, user__is_active=True)
    people = active.filter(team=team, role=Role.SUPERVISOR)
    if not people.exists():
        people = active.filter(team__area_id=team.area_id, role=Role.DPO)
    excluded = [pk for pk in exclude_user_ids if pk is not None]
    return sorted(set(people.exclude(user_id__in=excluded).values_list("user__email", flat=True)))


def tell_supervisors(
    teams: Iterable[Team], *, subject: str, body: str, exclude_user_ids: Iterable[int] = ()
) -> list[str]:
    """Email `body` to the supervisors of each of `teams` after commit. Returns the addresses."""
    excluded = list(exclude_user_ids)
    recipients = sorted(
        {email for team in teams for email in supervisor_emails(team, exclude_user_ids=excluded)}
    )
    messages = [(subject, body, None, [email]) for email in recipients]
    if messages:
        transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))
    return recipients
