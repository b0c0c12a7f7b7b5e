"""The "Panels" entries in the header and on the home page, for coordinators, chairs and agency reps."""

from __future__ import annotations

from django.urls import reverse

from accounts.models import Role
from accounts.navigation import NavItem


def items(user, path: str) -> list[NavItem]:
    if not user.has_role(Role.PANEL_COORDINATOR, Role.PANEL_CHAIR, Role.AGENCY_REP):
        return []
    panels = reverse("panels:panel_list")
    tracker = reverse("panels:action_tracker")
    return [
        NavItem(
            "Panels",
            panels,
            "MARAC, MATAC and perpetrator panels: agendas, research, minutes and meeting packs.",
            path.startswith(panels) and not path.startswith(tracker),
        ),
        NavItem(
            "Panel actions",
            tracker,
            "Actions your agency owes across panel meetings, and which are overdue.",
            path.startswith(tracker),
        ),
    ]
