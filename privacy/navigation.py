"""privacy's place in the header and on the home page: subject access for the DPO, retention
for those who decide reviews. (The access reviews are reached from Caseload and Victims.)"""

from __future__ import annotations

from django.urls import reverse

from accounts.models import Role
from accounts.navigation import NavItem


def items(user, path: str) -> list[NavItem]:
    found = []
    if user.has_role(Role.DPO):
        url = reverse("privacy:sar_list")
        found.append(
            NavItem(
                "Subject access",
                url,
                "Subject access requests: gather, review and export.",
                path.startswith(url),
            )
        )
    if user.has_role(Role.DPO, Role.SUPERVISOR, Role.PANEL_COORDINATOR):
        url = reverse("privacy:retention")
        found.append(
            NavItem(
                "Retention", url, "Records due for a retention decision: erase or keep.", path.startswith(url)
            )
        )
    return found
