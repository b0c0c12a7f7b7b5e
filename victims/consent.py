"""The consent ledger, read before anything about a victim-survivor is shared.

SafeLives practice: information about a victim is shared with consent, or, where consent is
refused or it is unsafe to ask, only when the person sharing records the lawful basis for
sharing without it and why it is necessary and proportionate. Every share of a victim passes
through `require_basis` (listing at MARAC and publishing an agenda to agencies in panels, a note
shared with the case manager here), so forms, jobs and the API cannot go round it.

- The latest decision for the purpose and receiving agency decides: "consent given" lets the
  share go ahead; a refusal, "not sought because unsafe" or no decision at all does not.
- A basis for sharing without consent covers shares from the day it was recorded (`since`), so
  a basis recorded when a victim is listed at MARAC also covers publishing that agenda, but not
  a share next year.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import Organisation
from victims.models import ConsentDecision, Victim

Consent = ConsentDecision.Consent
Purpose = ConsentDecision.Purpose
LegalBasis = ConsentDecision.LegalBasis

WITHOUT_CONSENT_REASONS = [
    (Consent.REFUSED, Consent.REFUSED.label),
    (Consent.NOT_SOUGHT_UNSAFE, Consent.NOT_SOUGHT_UNSAFE.label),
]
# Consent is not a basis for sharing without it.
BASES_WITHOUT_CONSENT = [(value, label) for value, label in LegalBasis.choices if value != LegalBasis.CONSENT]


@dataclass(frozen=True)
class WithoutConsent:
    """What the person sharing records when there is no consent: why not, the lawful basis, and why
    sharing is necessary and proportionate. Written to the ledger as `shared_without_consent`."""

    consent: str
    legal_basis: str
    rationale: str


@dataclass(frozen=True)
class SharingBasis:
    """The ledger's answer for one share: the decision it rests on, and whether it may go ahead."""

    decision: ConsentDecision | None
    allowed: bool

    @property
    def status(self) -> str:
        """In words, for the form: what the ledger says."""
        if self.decision is None:
            return "No consent decision is recorded"
        on = date_format(self.decision.decided_on, "j F Y")
        if self.decision.consent == Consent.GIVEN:
            return f"Consent given on {on}"
        if self.decision.shared_without_consent:
            return f"Shared without consent ({self.decision.get_legal_basis_display().lower()}) on {on}"
        return f"{self.decision.get_consent_display()} on {on}"


def _relevant(victim: Victim, purpose: str, organisations):
    decisions = ConsentDecision.objects.filter(victim=victim, purpose=purpose)
    if organisations is not None:
        ids = [getattr(org, "pk", org) for org in organisations]
        decisions = decisions.filter(receiving_organisation_id__in=ids)
    return decisions.order_by("-decided_on", "-recorded_at", "-pk")


def sharing_basis(
    victim: Victim,
    purpose: str,
    organisations: Iterable | None = None,
    *,
    since: datetime.date | None = None,
) -> SharingBasis:
    """May `victim`'s information be shared for `purpose` with `organisations` (any of them; None:
    any agency)? Yes when the latest relevant decision is consent given, or a basis for sharing
    without consent recorded on or after `since`."""
    decision = _relevant(victim, purpose, organisations).select_related("receiving_organisation").first()
    if decision is None:
        return SharingBasis(None, allowed=False)
    if decision.consent == Consent.GIVEN:
        return SharingBasis(decision, allowed=True)
    recorded_for_this_share = since is None or decision.decided_on >= since
    return SharingBasis(decision, allowed=decision.shared_without_consent and recorded_for_this_share)


def _phrase(label: str) -> str:
    return label if label[:2].isupper() else label[0].lower() + label[1:]  # keep "MARAC"


def missing_basis_message(purpose: str, what: str) -> str:
    return (
        f"There is no consent on record to share this for {_phrase(Purpose(purpose).label)}: record why "
        f"there is no consent, the lawful basis for sharing without it and why it is necessary, or {what} "
        "does not happen."
    )


def check_without_consent(without_consent: WithoutConsent, *, prefix: str = "") -> dict[str, str]:
    """Field errors (empty when it is complete) for a basis for sharing without consent."""
    errors = {}
    if without_consent.consent not in dict(WITHOUT_CONSENT_REASONS):
        errors[f"{prefix}consent"] = "Say why there is no consent: refused, or not sought because unsafe"
    if without_consent.legal_basis not in dict(BASES_WITHOUT_CONSENT):
        errors[f"{prefix}legal_basis"] = "Choose the lawful basis for sharing without consent"
    if not (without_consent.rationale or "").strip():
        errors[f"{prefix}basis_rationale"] = (
            "Explain why sharing without consent is necessary and proportionate"
        )
    return errors


def require_basis(
    *,
    actor,
    victim: Victim,
    purpose: str,
    receiving_organisation,
    organisations: Iterable | None = None,
    without_consent: WithoutConsent | None = None,
    since: datetime.date | None = None,
    what: str,
    prefix: str = "",
) -> ConsentDecision:
    """The ledger line a share rests on; refuses (ValidationError, nothing written) without one.

    When there is no consent and `without_consent` is given, it is recorded first (a ledger line
    for `receiving_organisation`, `shared_without_consent`) and the share rests on it. Errors
    name the missing fields (`prefix` + "consent", "legal_basis", "basis_rationale").
    Call inside the caller's transaction, so the line and the share commit together.
    """
    from victims.services import consent_decision_record

    organisations = [receiving_organisation] if organisations is None else list(organisations)
    basis = sharing_basis(victim, purpose, organisations, since=since)
    if basis.allowed:
        return basis.decision
    if without_consent is None:
        raise ValidationError({f"{prefix}legal_basis": missing_basis_message(purpose, what)})
    errors = check_without_consent(without_consent, prefix=prefix)
    if errors:
        raise ValidationError(errors)
    return consent_decision_record(
        actor=actor,
        victim=victim,
        purpose=purpose,
        receiving_organisation=receiving_organisation,
        consent=without_consent.consent,
        legal_basis=without_consent.legal_basis,
        shared_without_consent=True,
        rationale=without_consent.rationale,
    )


def case_manager_organisations(link) -> list[int]:
    """The agencies whose case managers see notes shared on `link`: those holding the person's
    cases, the open (then the most recent) case's agency first."""
    from casework.models import Case

    cases = Case.objects.filter(perpetrator_id=link.perpetrator_id).order_by(
        F("closed_on").desc(nulls_first=True), "-opened_on", "-pk"
    )
    ids: list[int] = []
    for organisation_id in cases.values_list("team__organisation_id", flat=True):
        if organisation_id not in ids:
            ids.append(organisation_id)
    return ids


def note_sharing_basis(victim: Victim, link) -> SharingBasis:
    """May a note on `link` be shared with the case manager today without recording a basis?"""
    return sharing_basis(
        victim, Purpose.PERPETRATOR_PROGRAMME, case_manager_organisations(link), since=timezone.localdate()
    )


def require_basis_for_note(*, actor, victim: Victim, link, without_consent: WithoutConsent | None):
    """A note shared with the case manager: consent to share for perpetrator programme risk
    management with the agency holding the person's case, or a basis recorded today."""
    organisations = case_manager_organisations(link)
    if not organisations:
        raise ValidationError({"link": "This person has no case with a case manager to share a note with."})
    return require_basis(
        actor=actor,
        victim=victim,
        purpose=Purpose.PERPETRATOR_PROGRAMME,
        receiving_organisation=Organisation.objects.get(pk=organisations[0]),
        organisations=organisations,
        without_consent=without_consent,
        since=timezone.localdate(),
        what="the note",
    )
