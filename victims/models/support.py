"""Support records that are not victim-restricted: shared notes, consent, outcomes, new partners."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organisation, Team
from casework.models import Case, RiskLevel
from victims.models.core import Victim, VictimLink

__all__ = ["ConsentDecision", "NewPartnerNotice", "SharedNote", "VictimOutcome"]


class SharedNote(models.Model):
    """A note the IDVA has explicitly chosen to share with the perpetrator's case manager.

    Shown on the perpetrator's case through the safe view, so it must never carry location
    or contact detail: the form warns, and the IDVA makes the choice to share.
    """

    victim = models.ForeignKey(Victim, on_delete=models.PROTECT, related_name="shared_notes")
    link = models.ForeignKey(VictimLink, on_delete=models.PROTECT, related_name="shared_notes")
    text = models.TextField()
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    shared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-shared_at", "-id"]

    def __str__(self) -> str:
        return f"Shared note {self.pk}"


class ConsentDecision(models.Model):
    """One line of the consent and information-sharing ledger."""

    class Consent(models.TextChoices):
        GIVEN = "given", "Consent given"
        REFUSED = "refused", "Consent refused"
        NOT_SOUGHT_UNSAFE = "not_sought_unsafe", "Not sought because it was unsafe to ask"

    class LegalBasis(models.TextChoices):
        CONSENT = "consent", "Consent"
        VITAL_INTERESTS = "vital_interests", "Vital interests"
        PUBLIC_TASK = "public_task", "Public task"
        LEGAL_OBLIGATION = "legal_obligation", "Legal obligation"
        LEGITIMATE_INTERESTS = "legitimate_interests", "Legitimate interests"
        SUBSTANTIAL_PUBLIC_INTEREST = (
            "substantial_public_interest",
            "Substantial public interest (safeguarding)",
        )

    class Purpose(models.TextChoices):
        MARAC = "marac", "MARAC referral and meeting"
        SAFEGUARDING_CHILDREN = "safeguarding_children", "Safeguarding children"
        HOUSING = "housing", "Housing and refuge"
        HEALTH = "health", "Health support"
        POLICE = "police", "Police investigation or safeguarding"
        PERPETRATOR_PROGRAMME = "perpetrator_programme", "Perpetrator programme risk management"
        OTHER = "other", "Other"

    victim = models.ForeignKey(Victim, on_delete=models.PROTECT, related_name="consent_decisions")
    purpose = models.CharField(max_length=40, choices=Purpose.choices)
    receiving_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="Receiving agency"
    )
    consent = models.CharField(max_length=20, choices=Consent.choices)
    legal_basis = models.CharField(max_length=40, choices=LegalBasis.choices)
    shared_without_consent = models.BooleanField(default=False)
    rationale = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField(default=timezone.localdate)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(shared_without_consent=False) | ~Q(rationale=""),
                name="consent_override_needs_rationale",
            ),
            models.CheckConstraint(
                condition=Q(shared_without_consent=False) | ~Q(consent="given"),
                name="consent_override_only_without_consent",
            ),
            models.CheckConstraint(
                condition=~Q(legal_basis="consent") | Q(consent="given"),
                name="consent_basis_needs_consent",
            ),
        ]

    def __str__(self) -> str:
        return f"Consent decision {self.pk}"


class VictimOutcome(models.Model):
    """Victim-reported outcomes at intake and at exit (the Drive evaluation's measures)."""

    class Stage(models.TextChoices):
        INTAKE = "intake", "Intake"
        EXIT = "exit", "Exit"

    class Experienced(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        NOT_SAID = "not_said", "Did not say"

    class SpaceForAction(models.IntegerChoices):
        NONE = 1, "1 – no room to make choices"
        LITTLE = 2, "2 – a little"
        SOME = 3, "3 – some"
        MOST = 4, "4 – mostly free to choose"
        FULL = 5, "5 – free to make my own choices"

    victim = models.ForeignKey(Victim, on_delete=models.PROTECT, related_name="outcomes")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    physical_abuse = models.CharField(max_length=10, choices=Experienced.choices)
    sexual_abuse = models.CharField(max_length=10, choices=Experienced.choices)
    harassment_stalking = models.CharField(
        "Harassment and stalking", max_length=10, choices=Experienced.choices
    )
    jealous_controlling = models.CharField(
        "Jealous and controlling behaviour", max_length=10, choices=Experienced.choices
    )
    idva_risk = models.CharField("IDVA-assessed risk", max_length=20, choices=RiskLevel.choices)
    space_for_action = models.PositiveSmallIntegerField(
        "Space for action",
        choices=SpaceForAction.choices,
        help_text="How free the victim feels to make choices.",
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["victim", "stage"]
        constraints = [
            models.UniqueConstraint(fields=["victim", "stage"], name="victimoutcome_one_per_stage")
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} outcomes of victim {self.victim_id}"

    BEHAVIOURS = ("physical_abuse", "sexual_abuse", "harassment_stalking", "jealous_controlling")


class NewPartnerNotice(models.Model):
    """A case manager's note that the perpetrator has a new partner: work for the IDVA team.

    Holds only what the case manager knows; the IDVA team picks it up and creates the
    victim's own record, after which the notice points to it.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="new_partner_notices")
    idva_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="new_partner_notices")
    what_is_known = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    picked_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    picked_up_at = models.DateTimeField(null=True, blank=True)
    victim = models.ForeignKey(Victim, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["recorded_at", "id"]
        indexes = [
            models.Index(
                fields=["idva_team"], condition=Q(picked_up_at__isnull=True), name="newpartner_pending_idx"
            )
        ]

    def __str__(self) -> str:
        return f"New partner notice {self.pk} on case {self.case_id}"

    @property
    def is_pending(self) -> bool:
        return self.picked_up_at is None
