"""Subject access requests: everything Tideline holds about one person, gathered into items.

The DPO opens a request for a perpetrator or a victim-survivor; `accounts.sar.sar_gather`
copies what is held into `SarItem` rows. Items about someone else (a linked victim in a
perpetrator's request, the perpetrator in a victim's, children, other named people) are third
party and withheld from the export until a reviewer releases them one by one, with a reason.
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


class SarItem(models.Model):
    """One record (or part of a record) held about the subject, as gathered."""

    sar = models.ForeignKey(SubjectAccessRequest, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveIntegerField(default=0)
    section = models.CharField(max_length=60, help_text="e.g. Case file, Victim support, Panels, Audit")
    title = models.CharField(max_length=200)
    source_type = models.CharField(max_length=60)
    source_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict, help_text="Field label → value, as held when gathered")
    third_party = models.BooleanField(default=False)
    third_party_reason = models.CharField(max_length=200, blank=True)
    released = models.BooleanField(default=False)
    release_reason = models.TextField(blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["sar", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(released=False) | (Q(third_party=True) & ~Q(release_reason="")),
                name="sar_item_release_needs_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.section}: {self.title}"

    @property
    def disclosed(self) -> bool:
        return not self.third_party or self.released
