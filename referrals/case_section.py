"""The "Referral" section on the case page: where the case came from, and named victims (safe view)."""

from __future__ import annotations

from casework import sections


def _context(*, case, user):
    from referrals.models import Referral

    referrals = list(
        Referral.objects.filter(case=case)
        .select_related("signpost_service")
        .prefetch_related("named_victims")
        .order_by("-received_on")[:5]
    )
    if not referrals:
        return None
    named = [v for r in referrals for v in r.named_victims.all()]
    return {"case_referrals": referrals, "case_named_victims": named}


def register() -> None:
    sections.register(
        sections.CaseSection(
            key="referrals",
            title="Referral",
            order=15,
            template="referrals/case_section.html",
            context=_context,
        )
    )
