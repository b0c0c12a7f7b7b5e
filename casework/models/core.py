"""The perpetrator's side: people who cause harm and the cases held about them.

This module holds the core that other apps build on (Perpetrator, Case, object grants and
break-glass access). Casework features add their own models alongside.
"""

from __future__ import annotations

__all__ = [
    "BreakGlassAccess",
    "Case",
    "CaseGroupObjectPermission",
    "CaseUserObjectPermission",
    "Disability",
    "Ethnicity",
    "Gender",
    "Perpetrator",
    "Religion",
    "Sexuality",
    "RiskLevel",
]

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from accounts.models import Area, Team
from accounts.records import Record


class RiskLevel(models.TextChoices):
    STANDARD = "standard", "Standard"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    VERY_HIGH = "very_high", "Very high"


class Gender(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    NON_BINARY = "non_binary", "Non-binary"
    OTHER = "other", "Other"
    PREFER_NOT = "prefer_not", "Prefer not to say"
    UNKNOWN = "unknown", "Not known"


# Equality monitoring (ONS 2021 census categories). Blank means "not asked yet"; every list
# offers "prefer not to say" so a person is never forced to answer.
class Ethnicity(models.TextChoices):
    ASIAN_BANGLADESHI = "asian_bangladeshi", "Asian or Asian British: Bangladeshi"
    ASIAN_CHINESE = "asian_chinese", "Asian or Asian British: Chinese"
    ASIAN_INDIAN = "asian_indian", "Asian or Asian British: Indian"
    ASIAN_PAKISTANI = "asian_pakistani", "Asian or Asian British: Pakistani"
    ASIAN_OTHER = "asian_other", "Asian or Asian British: any other Asian background"
    BLACK_AFRICAN = "black_african", "Black, Black British, Caribbean or African: African"
    BLACK_CARIBBEAN = "black_caribbean", "Black, Black British, Caribbean or African: Caribbean"
    BLACK_OTHER = "black_other", "Black, Black British, Caribbean or African: any other Black background"
    MIXED_WHITE_ASIAN = "mixed_white_asian", "Mixed or multiple ethnic groups: White and Asian"
    MIXED_WHITE_BLACK_AFRICAN = (
        "mixed_white_black_african",
        "Mixed or multiple ethnic groups: White and Black African",
    )
    MIXED_WHITE_BLACK_CARIBBEAN = (
        "mixed_white_black_caribbean",
        "Mixed or multiple ethnic groups: White and Black Caribbean",
    )
    MIXED_OTHER = "mixed_other", "Mixed or multiple ethnic groups: any other mixed background"
    WHITE_BRITISH = "white_british", "White: English, Welsh, Scottish, Northern Irish or British"
    WHITE_IRISH = "white_irish", "White: Irish"
    WHITE_GYPSY_TRAVELLER = "white_gypsy_traveller", "White: Gypsy or Irish Traveller"
    WHITE_ROMA = "white_roma", "White: Roma"
    WHITE_OTHER = "white_other", "White: any other White background"
    OTHER_ARAB = "other_arab", "Other ethnic group: Arab"
    OTHER = "other", "Other ethnic group: any other ethnic group"
    PREFER_NOT = "prefer_not", "Prefer not to say"


class Sexuality(models.TextChoices):
    HETEROSEXUAL = "heterosexual", "Straight or heterosexual"
    GAY_LESBIAN = "gay_lesbian", "Gay or lesbian"
    BISEXUAL = "bisexual", "Bisexual"
    OTHER = "other", "Another sexual orientation"
    PREFER_NOT = "prefer_not", "Prefer not to say"


class Disability(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    PREFER_NOT = "prefer_not", "Prefer not to say"


class Religion(models.TextChoices):
    NONE = "none", "No religion"
    BUDDHIST = "buddhist", "Buddhist"
    CHRISTIAN = "christian", "Christian"
    HINDU = "hindu", "Hindu"
    JEWISH = "jewish", "Jewish"
    MUSLIM = "muslim", "Muslim"
    SIKH = "sikh", "Sikh"
    OTHER = "other", "Any other religion"
    PREFER_NOT = "prefer_not", "Prefer not to say"


class Perpetrator(Record):
    """A person who causes harm. May have several cases over time."""

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    known_as = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=20, choices=Gender.choices, default=Gender.UNKNOWN)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="perpetrators")
    ethnicity = models.CharField(max_length=40, choices=Ethnicity.choices, blank=True)
    sexuality = models.CharField(max_length=20, choices=Sexuality.choices, blank=True)
    disability = models.CharField(max_length=20, choices=Disability.choices, blank=True)
    religion = models.CharField(max_length=20, choices=Religion.choices, blank=True)
    first_language = models.CharField(max_length=60, blank=True)
    interpreter_needed = models.BooleanField(default=False)
    mappa_category = models.PositiveSmallIntegerField(
        "MAPPA category", choices=[(n, f"Category {n}") for n in (1, 2, 3)], null=True, blank=True
    )
    mappa_level = models.PositiveSmallIntegerField(
        "MAPPA level", choices=[(n, f"Level {n}") for n in (1, 2, 3)], null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["last_name", "first_name"], name="perpetrator_name_idx")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Case(Record):
    """One period of work with a perpetrator, owned by a case-management team."""

    class InterventionType(models.TextChoices):
        INTENSIVE = "intensive", "Intensive case management"
        GROUP = "group", "Behaviour-change group programme"
        EARLY = "early", "Early intervention"
        DISRUPT_ONLY = "disrupt_only", "Disrupt only"

    class Phase(models.TextChoices):
        REFERRAL = "referral", "Referral"
        ASSESSMENT = "assessment", "Assessment"
        ACTIVE = "active", "Active"
        DISRUPT = "disrupt", "Disrupt"
        CLOSING = "closing", "Closing"
        CLOSED = "closed", "Closed"

    perpetrator = models.ForeignKey(Perpetrator, on_delete=models.PROTECT, related_name="cases")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="cases")
    case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_cases",
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised_cases",
    )
    intervention_type = models.CharField(
        max_length=20, choices=InterventionType.choices, default=InterventionType.INTENSIVE
    )
    phase = models.CharField(max_length=20, choices=Phase.choices, default=Phase.REFERRAL)
    risk_level = models.CharField(max_length=20, choices=RiskLevel.choices, default=RiskLevel.STANDARD)
    next_review_date = models.DateField(null=True, blank=True)
    opened_on = models.DateField(default=timezone.localdate)
    closed_on = models.DateField(null=True, blank=True)
    restricted = models.BooleanField(
        default=False,
        help_text="Visible only to the allocated case manager, the supervisor and named users "
        "(for example when the perpetrator works for a partner agency).",
    )
    # Set and cleared by a supervisor of the case's team with a reason (casework.restriction).
    restricted_reason = models.TextField("Why access is restricted", blank=True)
    restricted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    restricted_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_on", "-id"]
        indexes = [
            models.Index(fields=["team", "phase"], name="case_team_phase_idx"),
            models.Index(fields=["case_manager", "phase"], name="case_manager_phase_idx"),
            models.Index(
                fields=["next_review_date"],
                name="case_review_idx",
                condition=Q(closed_on__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="case_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=~Q(phase="closed") | Q(closed_on__isnull=False),
                name="case_closed_phase_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.perpetrator}"

    @property
    def reference(self) -> str:
        return f"TL-{self.pk:06d}" if self.pk else "TL-new"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class CaseUserObjectPermission(UserObjectPermissionBase):
    """A direct grant of a case to a named user (django-guardian, direct foreign key)."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class BreakGlassAccess(models.Model):
    """Time-limited access to a case outside one's relation, with a written reason."""

    DURATION = timedelta(hours=4)

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="break_glass")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass")
    reason = models.TextField()
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-granted_at"]
        indexes = [models.Index(fields=["user", "expires_at"], name="breakglass_user_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="breakglass_reason_required"),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("granted_at")),
                name="breakglass_expires_after_grant",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.case} until {self.expires_at:%d %b %H:%M}"
