"""The "Victims" and "To pick up (N)" items in the header, for IDVA team roles."""

from __future__ import annotations

from django.urls import reverse

from accounts.models import Role, Team
from accounts.navigation import NavItem


def items(user, path: str) -> list[NavItem]:
    in_idva_team = any(
        m.team.kind == Team.Kind.PARTNER_SUPPORT and m.role in (Role.IDVA, Role.SUPERVISOR)
        for m in user.active_memberships()
    )
    if not in_idva_team:
        return []
    from victims.selectors import pick_up_counts

    url = reverse("victims:list")
    queue = reverse("victims:pick_up_queue")
    waiting = pick_up_counts(user)["total"]
    return [
        NavItem(
            "Victims",
            url,
            "Victim-survivors you support: contact and safety, DASH, consent, children and new partners to pick up.",
            path.startswith(url) and not path.startswith((url + "cases/", queue)),
        ),
        NavItem(
            f"To pick up ({waiting})",
            queue,
            "People named on allocated referrals and new partners, waiting for your IDVA team to contact.",
            path.startswith(queue),
        ),
    ]
