"""The "Reports" entry in the header and on the home page, for supervisors and analysts."""

from __future__ import annotations

from django.urls import reverse

from accounts.navigation import NavItem
from reports.access import REPORT_ROLES


def items(user, path: str) -> list[NavItem]:
    if not user.has_role(*REPORT_ROLES):
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
