"""Referrals in the header: the team queue for case managers and supervisors, the referrals
they made for coordinators and agency representatives."""

from __future__ import annotations

from django.urls import reverse

from accounts.models import Role
from accounts.navigation import NavItem


def items(user, path: str) -> list[NavItem]:
    base = reverse("referrals:queue")
    current = path.startswith(base)
    if user.has_role(Role.CASE_MANAGER, Role.SUPERVISOR, Role.PANEL_COORDINATOR):
        from referrals.selectors import queue_teams_for

        if queue_teams_for(user):
            return [
                NavItem("Referrals", base, "New referrals, screening, allocation and time targets.", current)
            ]
        return [
            NavItem(
                "Referrals",
                reverse("referrals:mine"),
                "Record a referral and follow what happened to it.",
                current,
            )
        ]
    if user.has_role(Role.AGENCY_REP):
        return [
            NavItem(
                "My referrals", reverse("referrals:mine"), "Refer someone and follow what happened.", current
            )
        ]
    return []
