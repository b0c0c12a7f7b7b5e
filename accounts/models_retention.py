"""Retention: how long each kind of record is kept, and the review due when that time is up.

An admin sets a `RetentionPolicy` per record type (Django admin). The daily retention scan
(`accounts.retention.retention_scan`) opens one `RetentionReview` per record past its period;
a supervisor, IDVA manager, panel coordinator or the DPO then erases the personal data or
extends the review with a reason. Nothing is erased without that decision.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class RecordType(models.TextChoices):
    CASE = "case", "Closed perpetrator case"
    VICTIM = "victim", "Victim-survivor record"
    MEETING = "meeting", "Panel minutes and packs"
    INCIDENT = "incident", "Incident"
    AUDIT = "audit", "Audit events (one month)"


# Defaults (also listed in accounts/README.md): years kept after the record's anchor date.
DEFAULT_YEARS = {
    RecordType.CASE: 6,  # after the case closed
    RecordType.VICTIM: 6,  # after support closed
    RecordType.MEETING: 6,  # after the meeting
    RecordType.INCIDENT: 6,  # after the incident
    RecordType.AUDIT: 2,  # after the event
}

ANCHORS = {
    RecordType.CASE: "the date the case closed",
    RecordType.VICTIM: "the date support closed (the record's last change once closed)",
    RecordType.MEETING: "the date of the meeting",
    RecordType.INCIDENT: "the date of the incident",
    RecordType.AUDIT: "the end of the month the events happened in",
}


class RetentionPolicy(models.Model):
    record_type = models.CharField(max_length=20, choices=RecordType.choices, unique=True)
    years = models.PositiveSmallIntegerField(
        "Years kept", help_text="Counted from the anchor date below; 1 to 100 years."
    )
    active = models.BooleanField(
        default=True, help_text="When off, the retention scan opens no new reviews for this record type."
    )
    notes = models.TextField(blank=True, help_text="Why this period (the schedule it comes from).")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["record_type"]
        verbose_name_plural = "retention policies"
        constraints = [
            models.CheckConstraint(
                condition=Q(years__gte=1) & Q(years__lte=100), name="retention_years_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_record_type_display()}: {self.years} years"

    @property
    def anchor(self) -> str:
        return ANCHORS.get(self.record_type, "")


class RetentionReviewQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=RetentionReview.Status.PENDING)


class RetentionReview(models.Model):
    """One record due for a retention decision. Holds no personal data: type, id and a reference."""

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting decision"
        EXTENDED = "extended", "Kept longer"
        ERASED = "erased", "Personal data erased"

    record_type = models.CharField(max_length=20, choices=RecordType.choices)
    object_id = models.CharField(max_length=64, help_text="Primary key, or YYYY-MM for audit months")
    reference = models.CharField(max_length=60, help_text="A non-identifying reference, e.g. TL-000042")
    area = models.ForeignKey(
        "accounts.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    anchor_date = models.DateField(help_text="The date the retention period runs from")
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(blank=True, help_text="Why it is kept longer")
    extended_until = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True, help_text="Counts of what was erased")
    created_at = models.DateTimeField(default=timezone.now)

    objects = RetentionReviewQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"], name="retention_status_due_idx")]
        constraints = [
            # The scan is idempotent: one open review per record, however often it runs.
            models.UniqueConstraint(
                fields=["record_type", "object_id"],
                condition=Q(status="pending"),
                name="retention_one_open_review",
            ),
            models.UniqueConstraint(
                fields=["record_type", "object_id"],
                condition=Q(status="erased"),
                name="retention_erased_once",
            ),
            models.CheckConstraint(
                condition=~Q(status="extended") | (~Q(reason="") & Q(extended_until__isnull=False)),
                name="retention_extension_has_reason_and_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_record_type_display()} {self.reference}: {self.get_status_display()}"
