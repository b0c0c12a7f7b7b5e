"""Extension point for the case page: other apps add sections without casework importing them.

Dependencies point one way (casework ← victims ← panels), yet the case page must show, for
example, the safe view of linked victims. An app registers a provider in its AppConfig.ready():

    casework.sections.register(CaseSection(key="victims", title="Victims", order=30,
                                           template="victims/case_section.html",
                                           context=lambda *, case, user: {...}))

The case page renders every registered section whose `context` returns a dict (None hides it).
Providers must apply the access policy themselves and return only what `user` may see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class CaseSection:
    key: str
    title: str
    order: int
    template: str
    context: Callable[..., dict | None]


_sections: dict[str, CaseSection] = {}


def register(section: CaseSection) -> None:
    _sections[section.key] = section


def sections_for(*, case, user) -> list[tuple[CaseSection, dict]]:
    rendered = []
    for section in sorted(_sections.values(), key=lambda s: s.order):
        context = section.context(case=case, user=user)
        if context is not None:
            rendered.append((section, context))
    return rendered
