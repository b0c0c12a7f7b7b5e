"""The "Risk flags" place in the header and on the home page, with the count of open flags.

casework/navigation.py (owned by the case file) should add `*navigation_flags.items(user, path)`
to its items(); every signed-in user has a flag inbox, whatever their role.
"""

from __future__ import annotations

from django.urls import reverse

from accounts.navigation import NavItem
from casework.flags import open_flag_count


def items(user, path: str) -> list[NavItem]:
    if not user.is_authenticated or not user.active_memberships():
        return []
    url = reverse("casework:flags")
    count = open_flag_count(user)
    return [
        NavItem(
            f"Risk flags ({count})" if count else "Risk flags",
            url,
            "What has changed on the cases and people you work with, and what to do.",
            path.startswith(url),
        )
    ]
