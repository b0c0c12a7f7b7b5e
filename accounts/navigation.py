"""What a user can reach: the role navigation and the home page's list of places.

Each app may offer `<app>.navigation.items(user, path) -> list[NavItem]`; this module gathers
them in app order, so the header fits the user's roles without accounts knowing every app.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from django.urls import reverse

APPS_WITH_NAVIGATION = ["referrals", "casework", "victims", "panels", "reports", "accounts", "privacy"]


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    description: str = ""
    current: bool = False


def _own_items(user, path: str) -> list[NavItem]:
    if not user.has_role("dpo"):
        return []
    url = reverse("accounts:audit")
    return [
        NavItem("Audit trail", url, "Who viewed, printed or exported what, and when.", path.startswith(url))
    ]


def _admin_items(user) -> list[NavItem]:
    if not user.is_staff:
        return []
    return [NavItem("Admin", reverse("admin:index"), "Organisations, teams, users and reference data.")]


def navigation_for(user, path: str = "") -> list[NavItem]:
    if not user.is_authenticated:
        return []
    home = reverse("accounts:home")
    items = [NavItem("Home", home, current=path == home)]
    for app in APPS_WITH_NAVIGATION:
        if app == "accounts":
            items.extend(_own_items(user, path))
            continue
        try:
            module = import_module(f"{app}.navigation")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.navigation":
                raise
            continue
        items.extend(module.items(user, path))
    return items + _admin_items(user)


def reachable_areas(user) -> list[NavItem]:
    return [item for item in navigation_for(user) if item.description]
