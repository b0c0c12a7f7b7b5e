"""Subject access requests and retention: the privacy app's own records.

- `SubjectAccessRequest`, `SarItem`: a DPO's request for everything held about one perpetrator
  or victim-survivor, and the items gathered for it in plain words (privacy.sar). An item of an
  exempt kind starts withheld under its Data Protection Act 2018 exemption until the DPO decides.
- `RetentionPolicy`, `RetentionReview`: how long each kind of record is kept, and the review due
  when that time is up (privacy.retention). Nothing is erased without a reviewer's decision.

These models moved here from accounts and keep their tables (`Meta.db_table`): the database's
audit-erasure function (accounts migration 0006) reads `accounts_retentionreview` and
`accounts_retentionpolicy`. Their audit events keep the record types they were written under
(`audit_label`), so a request's trail reads the same before and after the move.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.personal_data import Exemption, RecordType, Subject

# UK GDPR Art. 12(3): one month from receipt (extendable, which the DPO records in notes).
RESPONSE_DAYS = 30


class SubjectAccessRequest(models.Model):
    SubjectType = Subject
    audit_label = "accounts.subjectaccessrequest"

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
        db_table = "accounts_subjectaccessrequest"
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

    audit_label = "accounts.saritem"

    class Meta:
        db_table = "accounts_saritem"
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


# Defaults (also listed in privacy/README.md): years kept after the record's anchor date.
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

    audit_label = "accounts.retentionpolicy"

    class Meta:
        db_table = "accounts_retentionpolicy"
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
    audit_label = "accounts.retentionreview"

    class Meta:
        db_table = "accounts_retentionreview"
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
