"""The "Reports" entry in the header and on the home page, for supervisors and analysts."""

from __future__ import annotations

from django.urls import reverse

from accounts.models import Role
from accounts.navigation import NavItem
from reports.access import REPORT_ROLES


def items(user, path: str) -> list[NavItem]:
    if not user.has_role(*REPORT_ROLES):
        if user.has_role(Role.PANEL_COORDINATOR):
            url = reverse("reports:marac_return")
            return [
                NavItem(
                    "MARAC data return",
                    url,
                    "The quarterly meeting-level return for the MARAC your team runs.",
                    path.startswith(url),
                )
            ]
        return []
    url = reverse("reports:dashboard")
    return [
        NavItem(
            "Reports",
            url,
            "Dashboards, outcomes, equality monitoring, the MARAC data return and cost avoidance.",
            path.startswith(url),
        )
    ]
