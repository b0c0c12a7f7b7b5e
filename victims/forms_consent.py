"""The fields a form shows when something about a victim would be shared without consent.

Used by the shared-note form here and by the panels forms (listing a victim at MARAC,
publishing an agenda): the same three questions, checked by `victims.consent.require_basis`.
"""

from __future__ import annotations

from django import forms

from victims.consent import BASES_WITHOUT_CONSENT, WITHOUT_CONSENT_REASONS, WithoutConsent

NAMES = ("consent", "legal_basis", "basis_rationale")


NEEDED_WHEN = (
    "Only needed when the victim has not consented to this sharing, or it was unsafe to ask. "
    "Without consent or these answers, nothing is shared."
)


def without_consent_fields(
    *, prefix: str = "", about: str = "", hint: str = NEEDED_WHEN
) -> dict[str, forms.Field]:
    """Optional fields (the service says when they are needed). `about` starts each label."""
    lead = f"{about}: " if about else ""
    return {
        f"{prefix}consent": forms.ChoiceField(
            label=f"{lead}Why is there no consent to share?",
            choices=WITHOUT_CONSENT_REASONS,
            widget=forms.RadioSelect,
            required=False,
            help_text=hint,
        ),
        f"{prefix}legal_basis": forms.ChoiceField(
            label=f"{lead}Lawful basis for sharing without consent",
            choices=[("", "Choose the lawful basis"), *BASES_WITHOUT_CONSENT],
            required=False,
        ),
        f"{prefix}basis_rationale": forms.CharField(
            label=f"{lead}Why sharing without consent is necessary and proportionate",
            widget=forms.Textarea(attrs={"rows": 3}),
            required=False,
            max_length=2000,
            help_text="For example: high risk of serious harm to her or the children, and the agencies "
            "need to act before the next incident. This is kept in the consent ledger.",
        ),
    }


def without_consent_from(data: dict, *, prefix: str = "") -> WithoutConsent | None:
    """What was entered, or None when nothing was (the share then needs consent on record)."""
    values = [(data.get(f"{prefix}{name}") or "").strip() for name in NAMES]
    if not any(values):
        return None
    return WithoutConsent(consent=values[0], legal_basis=values[1], rationale=values[2])
