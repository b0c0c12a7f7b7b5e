"""Wires risk flags into the case page and admin (imported from CaseworkConfig.ready())."""

from casework import admin_flags  # noqa: F401  (registers the flag models in admin)
from casework.flags import case_flags
from casework.sections import CaseSection, register


def _flags_context(*, case, user) -> dict:
    # Only perpetrator-side flags: they carry no victim details, so anyone who can see the case may see them.
    return {"flags": case_flags(case=case)}


register(
    CaseSection(
        key="flags",
        title="Risk flags",
        order=5,
        template="casework/flags/case_section.html",
        context=_flags_context,
    )
)
