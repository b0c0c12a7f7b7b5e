"""Risk flags raised by the risk-change jobs (casework.jobs), and their acknowledgements.

A flag says what changed, why it matters and what to do, in plain text built from safe fields
only. Each flag has one audience: the perpetrator's side (case manager, supervisor, agency
representatives) or one victim's IDVA team. Only a victim-side flag may name the victim;
nothing in any flag locates or contacts a victim.

Idempotency: a flag is unique per kind, subject and trigger date (`subject_key` names the
thing that triggered it and, for victim-side flags, the victim), so re-running a scan, or two
workers running it at once, raises it once (INSERT ... ON CONFLICT DO NOTHING).
"""

from __future__ import annotations

__all__ = ["FlagAudience", "FlagKind", "FlagRecipient", "RiskFlag", "ScanRun"]

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Team
from casework.models.core import Case


class FlagKind(models.TextChoices):
    RELEASE = "release", "Release from custody"
    ORDER_EXPIRING = "order_expiring", "Order expiring"
    ORDER_EXPIRED = "order_expired", "Order expired"
    DVPN_HEARING = "dvpn_hearing", "DVPN issued: DVPO hearing due"
    DAPO_NOTIFICATION = "dapo_notification", "DAPO notification overdue"
    ORDER_BREACH = "order_breach", "Breach of order"
    INCIDENT = "incident", "New incident"
    REPEAT_MARAC = "repeat_marac", "Repeat MARAC"
    ESCALATION = "escalation", "Potential escalation"
    NEW_PARTNER = "new_partner", "New partner"
    MISSED_SESSIONS = "missed_sessions", "Missed sessions"
    NO_CONTACT = "no_contact", "No contact"
    REVIEW_OVERDUE = "review_overdue", "Case review overdue"
    DASH_DUE = "dash_due", "DASH re-assessment due"
    PANEL_ACTION_OVERDUE = "panel_action_overdue", "Panel action overdue"
    FIRST_CONTACT_MISSED = "first_contact_missed", "First contact target missed"


class FlagAudience(models.TextChoices):
    CASE = "case", "Perpetrator's side"
    VICTIM = "victim", "Victim's IDVA team"
    PANEL = "panel", "Panel"
    REFERRAL = "referral", "Referral team"


class RiskFlag(models.Model):
    kind = models.CharField(max_length=30, choices=FlagKind.choices)
    audience = models.CharField(max_length=20, choices=FlagAudience.choices, default=FlagAudience.CASE)
    # What triggered it, e.g. "custody:12" or "incident:40/victim:7": the idempotency key.
    subject_key = models.CharField(max_length=100)
    trigger_date = models.DateField()
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="risk_flags")
    # Set only on victim-side flags, which only the victim's IDVA team receives.
    victim = models.ForeignKey(
        "victims.Victim", on_delete=models.CASCADE, null=True, blank=True, related_name="risk_flags"
    )
    title = models.CharField("What changed", max_length=300)
    why = models.TextField("Why it matters")
    todo = models.TextField("What to do")
    url = models.CharField("Where to act", max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-trigger_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_key", "trigger_date"], name="riskflag_once_per_trigger"
            ),
            models.CheckConstraint(
                condition=~Q(audience="victim") | Q(victim__isnull=False),
                name="riskflag_victim_side_has_victim",
            ),
            models.CheckConstraint(
                condition=Q(audience="victim") | Q(victim__isnull=True),
                name="riskflag_victim_only_victim_side",
            ),
        ]
        indexes = [models.Index(fields=["case", "-trigger_date"], name="riskflag_case_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.trigger_date:%d %b %Y})"


class FlagRecipient(models.Model):
    """One person's copy of a flag: why they got it, and whether they have acted on it."""

    flag = models.ForeignKey(RiskFlag, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="risk_flags")
    # The team through which they receive it: its supervisors see it and receive escalations.
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    notified_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_note = models.TextField(blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="escalations"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["flag", "user"], name="flagrecipient_once_per_user")]
        indexes = [
            models.Index(
                fields=["user", "-created_at"],
                name="flagrecipient_open_idx",
                condition=Q(acknowledged_at__isnull=True),
            ),
            models.Index(fields=["team", "-created_at"], name="flagrecipient_team_idx"),
            models.Index(
                fields=["created_at"],
                name="flagrecipient_escalate_idx",
                condition=Q(acknowledged_at__isnull=True, escalated_at__isnull=True),
            ),
            models.Index(
                fields=["user"], name="flagrecipient_notify_idx", condition=Q(notified_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.flag} for {self.user}"

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None


class ScanRun(models.Model):
    """The last day each risk rule ran in full, and the change marker it started from.

    A scan on the same day with the marker unchanged would raise nothing new, so it skips the
    rule (casework.change_marker, casework.flags.rules_due).
    """

    key = models.CharField(max_length=40, unique=True)
    day = models.DateField()
    marker = models.BigIntegerField()
    finished_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.key}: {self.day} at change {self.marker}"
