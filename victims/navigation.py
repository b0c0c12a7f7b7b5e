"""The "Victims" item in the header, for IDVA team roles."""

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
    url = reverse("victims:list")
    return [
        NavItem(
            "Victims",
            url,
            "Victim-survivors you support: contact and safety, DASH, consent, children and new partners to pick up.",
            path.startswith(url) and not path.startswith(url + "cases/"),
        )
    ]
