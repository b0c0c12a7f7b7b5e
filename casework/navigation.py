"""Casework's place in the header and on the home page."""

from __future__ import annotations

from django.urls import reverse

from accounts.models import Role
from accounts.navigation import NavItem


def items(user, path: str) -> list[NavItem]:
    if not user.has_role(Role.CASE_MANAGER, Role.SUPERVISOR):
        return []
    url = reverse("casework:caseload")
    return [
        NavItem(
            "Caseload",
            url,
            "Your cases and your team's: reviews due, risk levels, phases.",
            path.startswith(url),
        )
    ]
