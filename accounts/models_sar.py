"""Subject access requests: everything Tideline holds about one person, gathered into items.

The DPO opens a request for a perpetrator or a victim-survivor; `accounts.sar.sar_gather`
copies what is held into `SarItem` rows, in plain words. Items the Data Protection Act 2018
exempts (crime and taxation, serious harm, other people's information) start withheld under
their named exemption until the DPO decides each one, with a reason.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

# UK GDPR Art. 12(3): one month from receipt (extendable, which the DPO records in notes).
RESPONSE_DAYS = 30


class SubjectAccessRequest(models.Model):
    class SubjectType(models.TextChoices):
        PERPETRATOR = "perpetrator", "Perpetrator"
        VICTIM = "victim", "Victim-survivor"

    class Status(models.TextChoices):
        IN_REVIEW = "in_review", "In review"
        EXPORTED = "exported", "Exported"

    subject_type = models.CharField(max_length=20, choices=SubjectType.choices)
    subject_id = models.PositiveIntegerField()
    subject_reference = models.CharField(max_length=40)
    area = models.ForeignKey("accounts.Area", on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField(default=timezone.localdate)
    due_on = models.DateField()
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_REVIEW)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    gathered_at = models.DateTimeField(null=True, blank=True)
    last_exported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "subject access request"
        indexes = [models.Index(fields=["area", "-created_at"], name="sar_area_idx")]

    def __str__(self) -> str:
        return f"{self.reference} for {self.subject_reference}"

    def save(self, *args, **kwargs) -> None:
        if not self.due_on:
            self.due_on = self.received_on + timedelta(days=RESPONSE_DAYS)
        super().save(*args, **kwargs)

    @property
    def reference(self) -> str:
        return f"SAR-{self.pk:05d}" if self.pk else "SAR-new"


class Exemption(models.TextChoices):
    """The Data Protection Act 2018 exemptions a subject access response may rely on."""

    CRIME_TAXATION = "crime_taxation", "Crime and taxation"
    SERIOUS_HARM = "serious_harm", "Serious harm"
    THIRD_PARTY = "third_party", "Information about other people"
    LEGAL_PRIVILEGE = "legal_privilege", "Legal professional privilege"


# What the law says, for the reviewer and (in plain words) for the covering letter.
# Where each is in the Data Protection Act 2018.
EXEMPTION_LAW = {
    Exemption.CRIME_TAXATION: "Schedule 2, paragraph 2",
    Exemption.SERIOUS_HARM: "Schedule 3 (health, social work and education data)",
    Exemption.THIRD_PARTY: "Schedule 2, paragraph 16",
    Exemption.LEGAL_PRIVILEGE: "Schedule 2, paragraph 19",
}
EXEMPTION_PLAIN = {
    Exemption.CRIME_TAXATION: (
        "information whose release would be likely to harm the prevention or detection of crime, "
        "or the arrest or prosecution of offenders"
    ),
    Exemption.SERIOUS_HARM: (
        "information from health, social work or education records whose release would be likely "
        "to cause serious harm to the physical or mental health of you or someone else"
    ),
    Exemption.THIRD_PARTY: (
        "information about other people, or which would identify other people, who have not agreed "
        "to its release and whom it would not be reasonable to identify without their agreement"
    ),
    Exemption.LEGAL_PRIVILEGE: "confidential legal advice, or information prepared for legal proceedings",
}


class SarItem(models.Model):
    """One record (or part of a record) held about the subject, as gathered, in plain words.

    An item is disclosed unless an exemption applies. Items of the kinds the law exempts start
    withheld under their `exemption` (set when gathered) until the reviewer decides: disclose
    or keep withheld, with a reason, who and when. The reviewer may also withhold any other item
    under a named exemption. `source_type`/`source_id` only match items when gathering again:
    they are never exported.
    """

    class Decision(models.TextChoices):
        DISCLOSE = "disclose", "Disclose"
        WITHHOLD = "withhold", "Keep withheld"

    sar = models.ForeignKey(SubjectAccessRequest, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveIntegerField(default=0)
    section = models.CharField(max_length=120, help_text="A heading the subject reads, e.g. About you")
    title = models.CharField(max_length=200)
    source_type = models.CharField(max_length=60)
    source_id = models.CharField(max_length=64)
    data = models.JSONField(
        default=list, help_text="[label, value] pairs in words, in reading order, as gathered"
    )
    exemption = models.CharField(max_length=30, choices=Exemption.choices, blank=True)
    exemption_note = models.CharField(
        max_length=200,
        blank=True,
        help_text="Why this kind of item falls under the exemption (for the reviewer)",
    )
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["sar", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="") | (~Q(decision_reason="") & Q(decided_at__isnull=False)),
                name="sar_item_decision_needs_reason",
            ),
            models.CheckConstraint(
                condition=~Q(decision="withhold") | ~Q(exemption=""),
                name="sar_item_withheld_names_exemption",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.section}: {self.title}"

    @property
    def disclosed(self) -> bool:
        if self.decision:
            return self.decision == self.Decision.DISCLOSE
        return not self.exemption

    @property
    def awaiting_decision(self) -> bool:
        """Withheld under an exemption and not yet decided by a reviewer."""
        return bool(self.exemption) and not self.decision

    @property
    def exemption_law(self) -> str:
        return f"Data Protection Act 2018, {EXEMPTION_LAW[self.exemption]}" if self.exemption else ""
