"""The DASH risk identification checklist: a versioned instrument and completed assessments."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from casework.models import RiskLevel
from victims.models.core import Victim

__all__ = ["DashAnswer", "DashAssessment", "DashInstrument", "dash_band"]

HIGH_RISK_THRESHOLD = 14
MEDIUM_RISK_THRESHOLD = 10
# The order levels rise in: professional judgement may move up this list, never down it.
LEVEL_ORDER = [RiskLevel.STANDARD, RiskLevel.MEDIUM, RiskLevel.HIGH]


def dash_band(score: int) -> str:
    """SafeLives bands: 14+ high, 10–13 medium, anything lower (0 included) standard."""
    if score >= HIGH_RISK_THRESHOLD:
        return RiskLevel.HIGH
    if score >= MEDIUM_RISK_THRESHOLD:
        return RiskLevel.MEDIUM
    return RiskLevel.STANDARD


class DashAnswer(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    DONT_KNOW = "dont_know", "Don't know"


class DashInstrument(models.Model):
    """One version of the checklist's wording. Admins may load the licensed SafeLives text.

    `questions` is a list of {"number": 1, "text": "..."}; completed assessments keep the
    version they were answered against, so later wording changes never rewrite history.
    """

    version = models.CharField(max_length=40, unique=True)
    title = models.CharField(max_length=200, default="DASH risk identification checklist")
    questions = models.JSONField()
    active = models.BooleanField(default=False, help_text="New checklists use the active version.")
    escalation_incidents = models.PositiveSmallIntegerField(
        "Incidents in 12 months that count as potential escalation",
        default=3,
        help_text="MARAC referral criterion: this many domestic abuse incidents in 12 months.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=Q(active=True), name="dash_one_active_instrument"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.version})"

    def clean(self) -> None:
        questions = self.questions
        if not isinstance(questions, list) or not questions:
            raise ValidationError({"questions": "Enter the questions as a list."})
        for index, question in enumerate(questions, start=1):
            if not isinstance(question, dict) or question.get("number") != index or not question.get("text"):
                raise ValidationError(
                    {"questions": f'Question {index} must look like {{"number": {index}, "text": "..."}}.'}
                )

    @classmethod
    def current(cls) -> DashInstrument | None:
        return cls.objects.filter(active=True).first()


class DashAssessment(models.Model):
    """A completed checklist. Score and band are derived from the answers when saved."""

    victim = models.ForeignKey(Victim, on_delete=models.PROTECT, related_name="dash_assessments")
    instrument = models.ForeignKey(DashInstrument, on_delete=models.PROTECT, related_name="assessments")
    # {"1": {"answer": "yes", "comment": "..."}, ...} keyed by question number.
    answers = models.JSONField()
    score = models.PositiveSmallIntegerField(editable=False)
    band = models.CharField(max_length=20, choices=RiskLevel.choices, editable=False)
    judgement_level = models.CharField(
        "Professional judgement", max_length=20, choices=RiskLevel.choices, blank=True
    )
    judgement_rationale = models.TextField("Reason for professional judgement", blank=True)
    incidents_last_12_months = models.PositiveSmallIntegerField(
        "Domestic abuse incidents known in the last 12 months", null=True, blank=True
    )
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-completed_at", "-id"]
        indexes = [
            models.Index(fields=["victim", "-completed_at"], name="dash_victim_latest_idx"),
            # The DASH-due scan's date window (victims/flag_rules.py).
            models.Index(fields=["completed_at"], name="dash_completed_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(judgement_level="") | ~Q(judgement_rationale=""),
                name="dash_judgement_needs_rationale",
            ),
        ]

    def __str__(self) -> str:
        return f"DASH {self.pk} for victim {self.victim_id}: {self.score}"

    def save(self, *args, **kwargs) -> None:
        self.score = self.count_yes(self.answers or {})
        self.band = dash_band(self.score)
        super().save(*args, **kwargs)

    @staticmethod
    def count_yes(answers: dict) -> int:
        return sum(1 for value in answers.values() if value.get("answer") == DashAnswer.YES)

    @property
    def level(self) -> str:
        """The level that counts: the band, raised by professional judgement when given."""
        if self.judgement_level and LEVEL_ORDER.index(self.judgement_level) > LEVEL_ORDER.index(self.band):
            return self.judgement_level
        return self.band

    def get_level_display(self) -> str:
        return RiskLevel(self.level).label

    def clean(self) -> None:
        if self.judgement_level:
            if self.judgement_level not in LEVEL_ORDER:
                raise ValidationError({"judgement_level": "Choose standard, medium or high."})
            band = dash_band(self.count_yes(self.answers or {}))
            if LEVEL_ORDER.index(self.judgement_level) < LEVEL_ORDER.index(band):
                raise ValidationError(
                    {
                        "judgement_level": f"Professional judgement can raise the level but not lower it: the checklist gives {RiskLevel(band).label.lower()} risk."
                    }
                )
            if not self.judgement_rationale.strip():
                raise ValidationError({"judgement_rationale": "Explain the professional judgement"})

    def rows(self) -> list[dict]:
        """Questions with their answers, in order, for display."""
        labels = dict(DashAnswer.choices)
        return [
            {
                "number": q["number"],
                "text": q["text"],
                "answer": labels.get(self.answers.get(str(q["number"]), {}).get("answer"), "Not answered"),
                "comment": self.answers.get(str(q["number"]), {}).get("comment", ""),
            }
            for q in self.instrument.questions
        ]
