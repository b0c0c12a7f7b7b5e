"""The case page's sub-navigation. Each part of casework lists its tabs in its own module."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CaseTab:
    key: str
    label: str
    url_name: str  # reversed with the case's pk: reverse(f"casework:{url_name}", args=[case.pk])
    order: int


_tabs: dict[str, CaseTab] = {}


def register(*tabs: CaseTab) -> None:
    for tab in tabs:
        _tabs[tab.key] = tab


def case_tabs() -> list[CaseTab]:
    return sorted(_tabs.values(), key=lambda t: t.order)
