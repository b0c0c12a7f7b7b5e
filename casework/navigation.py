"""Casework's place in the header and on the home page."""

from __future__ import annotations

from django.urls import reverse

from accounts.models import Role, Team
from accounts.navigation import NavItem


def items(user, path: str) -> list[NavItem]:
    if not user.has_role(Role.CASE_MANAGER, Role.SUPERVISOR):
        if user.has_role(Role.AGENCY_REP):
            url = reverse("casework:caseload")
            return [
                NavItem(
                    "Shared cases",
                    url,
                    "Perpetrator cases a supervisor has given you access to.",
                    path.startswith(url),
                )
            ]
        return []
    url = reverse("casework:caseload")
    review = reverse("privacy:case_access_review")
    reviewing = path.startswith(review) or "/who-can-reach/" in path
    items = [
        NavItem(
            "Caseload",
            url,
            "Your cases and your team's: reviews due, risk levels, phases.",
            path.startswith(url) and not reviewing,
        )
    ]
    if any(
        m.role == Role.SUPERVISOR and m.team.kind == Team.Kind.CASE_MANAGEMENT
        for m in user.active_memberships()
    ):
        items.append(
            NavItem(
                "Access review",
                review,
                "Who can reach your team's cases and why; remove grants.",
                reviewing,
            )
        )
    return items
