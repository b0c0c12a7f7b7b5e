"""Referrals into perpetrator work: intake, screening, allocation, and their reference data.

Victim-restricted data (DESIGN.md §3) entered on a referral lives only in
`ReferralVictimDetails`, read only through `referrals.selectors` by the receiving area's IDVA
team. `ReferralVictim` holds what the perpetrator's side may see: a name, the relationship
and how many children.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import Area, Organisation, Team
from accounts.records import Record
from casework.models import Case, Disability, Ethnicity, Gender, Perpetrator, RiskLevel


class Pathway(models.TextChoices):
    POLICE = "police", "Police"
    PROBATION = "probation", "Probation"
    CAFCASS = "cafcass", "CAFCASS or family court"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"
    GP = "gp", "GP"
    MENTAL_HEALTH = "mental_health", "Mental health"
    A_AND_E = "a_and_e", "A&E"
    SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse"
    HOUSING = "housing", "Housing"
    MARAC = "marac", "MARAC"
    MATAC = "matac", "MATAC"
    MASH = "mash", "MASH"
    HELPLINE = "helpline", "Helpline"
    SELF_REFERRAL = "self_referral", "Self-referral"
    OTHER = "other", "Other"


class LegalBasis(models.TextChoices):
    CONSENT = "consent", "Consent of the person referred"
    PUBLIC_TASK = "public_task", "Public task, for safeguarding (UK GDPR 6(1)(e); DPA 2018 Sch. 1 para 18)"
    LEGAL_OBLIGATION = "legal_obligation", "Legal obligation (UK GDPR 6(1)(c))"
    VITAL_INTERESTS = "vital_interests", "Vital interests, to protect someone's life (UK GDPR 6(1)(d))"


class Consent(models.TextChoices):
    GIVEN = "given", "Yes, they agreed to the referral"
    REFUSED = "refused", "No, they refused: shared without consent"
    NOT_SOUGHT = "not_sought", "Not sought: asking would increase risk"


class Referral(Record):
    """One referral of a person who causes harm, from draft to a screening decision."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        NEW = "new", "New"
        SCREENING = "screening", "Awaiting screening decision"
        AWAITING_ALLOCATION = "awaiting_allocation", "Accepted, awaiting allocation"
        ACCEPTED = "accepted", "Accepted and allocated"
        DECLINED = "declined", "Declined"
        SIGNPOSTED = "signposted", "Signposted"

    OPEN_STATUSES = (Status.NEW, Status.SCREENING, Status.AWAITING_ALLOCATION)
    DECIDED_STATUSES = (Status.ACCEPTED, Status.DECLINED, Status.SIGNPOSTED)

    class PersonDecision(models.TextChoices):
        UNDECIDED = "", "Not checked yet"
        EXISTING = "existing", "Linked to an existing person"
        NEW = "new", "Confirmed as a new person"

    # Who receives it and where it stands.
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name="Receiving team",
        limit_choices_to={"kind": Team.Kind.CASE_MANAGEMENT},
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="referrals")
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_made"
    )
    pathway = models.CharField(max_length=30, choices=Pathway.choices, blank=True)
    received_on = models.DateField("Date received", default=timezone.localdate)
    submitted_at = models.DateTimeField(null=True, blank=True)

    # The referrer (their own work details: not restricted).
    referrer_name = models.CharField("Referrer's name", max_length=200, blank=True)
    referrer_organisation = models.CharField("Referrer's organisation", max_length=200, blank=True)
    referrer_role = models.CharField("Referrer's role", max_length=200, blank=True)
    referrer_phone = models.CharField("Referrer's phone number", max_length=40, blank=True)
    referrer_email = models.EmailField("Referrer's email address", blank=True)

    # The person referred (the perpetrator's own details).
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    other_names = models.TextField(
        "Other names or aliases", blank=True, help_text="One name on each line, for example a street name"
    )
    date_of_birth = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=20, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(max_length=40, choices=Ethnicity.choices, blank=True)
    first_language = models.CharField(max_length=60, blank=True)
    interpreter_needed = models.BooleanField("Needs an interpreter", default=False)
    disability = models.CharField(max_length=20, choices=Disability.choices, blank=True)
    disability_details = models.CharField(max_length=300, blank=True)
    address_line_1 = models.CharField("Address line 1", max_length=200, blank=True)
    address_line_2 = models.CharField("Address line 2", max_length=200, blank=True)
    town = models.CharField("Town or city", max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    police_reference = models.CharField(max_length=60, blank=True)
    pnc_number = models.CharField("PNC number", max_length=60, blank=True)
    prison_number = models.CharField(max_length=60, blank=True)

    # What the referrer is worried about.
    concerns = models.TextField(blank=True)
    stated_risk_level = models.CharField(
        "Risk level stated by the referrer", max_length=20, choices=RiskLevel.choices, blank=True
    )
    intervention_type = models.CharField(
        "Intervention requested",
        max_length=20,
        choices=Case.InterventionType.choices,
        default=Case.InterventionType.INTENSIVE,
    )
    legal_basis = models.CharField(
        "Legal basis for sharing", max_length=30, choices=LegalBasis.choices, blank=True
    )
    consent = models.CharField("Consent to the referral", max_length=20, choices=Consent.choices, blank=True)
    consent_notes = models.TextField("Why shared without consent, or other notes", blank=True)

    # Person matching (nothing merged automatically: a person decides).
    person_decision = models.CharField(max_length=10, choices=PersonDecision.choices, blank=True, default="")
    perpetrator = models.ForeignKey(
        Perpetrator, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    person_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    # Time targets. The due date is fixed when the referral arrives (the team's target then).
    first_contact_due_on = models.DateField(null=True, blank=True)
    first_contact_on = models.DateField("Date of first contact", null=True, blank=True)
    first_contact_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    # Flagged when another referral for the same person arrived within the window.
    possible_duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="possible_duplicates"
    )

    # The decision.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    signpost_service = models.ForeignKey(
        "SignpostService", on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    allocated_at = models.DateTimeField(null=True, blank=True)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals")
    case_was_reopened = models.BooleanField(default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["team", "status", "received_on"], name="referral_queue_idx"),
            models.Index(fields=["created_by", "-received_on"], name="referral_author_idx"),
            models.Index(fields=["last_name", "first_name"], name="referral_name_idx"),
            models.Index(
                fields=["team", "first_contact_due_on"],
                name="referral_overdue_idx",
                condition=Q(first_contact_on__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.person_name}"

    @property
    def reference(self) -> str:
        return f"R-{self.pk:06d}" if self.pk else "R-new"

    @property
    def person_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or "(name not given)"

    @property
    def aliases(self) -> list[str]:
        return [line.strip() for line in self.other_names.splitlines() if line.strip()]

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return (
            self.status in self.OPEN_STATUSES
            and self.first_contact_on is None
            and self.first_contact_due_on is not None
            and self.first_contact_due_on < today
        )


class ReferralVictim(Record):
    """A person harmed or at risk, as the referrer named them: the safe part only.

    On acceptance these rows are linked to the case as "named victims" awaiting pick-up by
    the area's IDVA team, who turn them into victim records (victims app).
    """

    class Relationship(models.TextChoices):
        PARTNER = "partner", "Partner"
        EX_PARTNER = "ex_partner", "Ex-partner"
        FAMILY = "family", "Family member"
        CHILD = "child", "Child"
        OTHER = "other", "Other"

    class PickUp(models.TextChoices):
        NOT_YET = "not_yet", "Referral not accepted yet"
        AWAITING = "awaiting", "Awaiting IDVA pick-up"
        PICKED_UP = "picked_up", "Picked up by the IDVA service"
        NOT_OFFERED = "not_offered", "IDVA support not offered"

    class NotOfferedReason(models.TextChoices):
        ALREADY_SUPPORTED = "already_supported", "Already supported by another IDVA or service"
        UNSAFE_TO_CONTACT = "unsafe_to_contact", "Contact would not be safe"
        NOT_REACHABLE = "not_reachable", "Could not be identified or reached"
        OUT_OF_AREA = "out_of_area", "Lives outside the service's area"
        NOT_ELIGIBLE = "not_eligible", "Not eligible for the IDVA service"
        OTHER = "other", "Another reason"

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="named_victims")
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="named_victims"
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100, blank=True)
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    children_count = models.PositiveSmallIntegerField("Number of children", default=0)
    pick_up_status = models.CharField(max_length=20, choices=PickUp.choices, default=PickUp.NOT_YET)
    # The IDVA (partner-support) team given this named victim to pick up when the referral
    # was allocated: only its IDVAs and supervisor may read the restricted details.
    idva_team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="named_victims_to_pick_up",
        limit_choices_to={"kind": Team.Kind.PARTNER_SUPPORT},
    )
    not_offered_reason = models.CharField(
        "Why IDVA support is not offered", max_length=30, choices=NotOfferedReason.choices, blank=True
    )
    # The victims app's record id. A plain integer, not a foreign key: referrals must not
    # depend on victims (victims depends on referrals).
    picked_up_victim_id = models.PositiveIntegerField(null=True, blank=True)
    picked_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    picked_up_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["referral", "id"]
        indexes = [
            models.Index(fields=["pick_up_status"], name="refvictim_pickup_idx"),
            models.Index(
                fields=["idva_team"],
                condition=Q(pick_up_status="awaiting"),
                name="refvictim_awaiting_team_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class ReferralVictimDetails(models.Model):
    """VICTIM-RESTRICTED: contact details, address and children's details of a named victim.

    Read only through `referrals.selectors.victim_details_for` and
    `named_victims_awaiting_pickup`, which admit only the receiving area's IDVA team.
    No history table: past values would be a second copy to guard.
    """

    referral_victim = models.OneToOneField(
        ReferralVictim, on_delete=models.CASCADE, related_name="restricted"
    )
    date_of_birth = models.DateField(null=True, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    phone = models.CharField("Phone number", max_length=40, blank=True)
    email = models.EmailField("Email address", blank=True)
    safe_contact = models.TextField("Safe way and time to make contact", blank=True)
    children_details = models.TextField("Children's names and ages", blank=True)
    # The IDVA team's own note on why support was not offered (may say where the victim is).
    not_offered_note = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "named victim's restricted details"
        verbose_name_plural = "named victims' restricted details"

    def __str__(self) -> str:
        return f"Restricted details #{self.pk}"


# --- Screening ------------------------------------------------------------------------------


class ScreeningCriterion(models.Model):
    """One eligibility or exclusion question a service asks of every referral."""

    class Kind(models.TextChoices):
        ELIGIBILITY = "eligibility", "Eligibility (must be met)"
        EXCLUSION = "exclusion", "Exclusion (rules the referral out)"

    team = models.ForeignKey(
        Team,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="screening_criteria",
        limit_choices_to={"kind": Team.Kind.CASE_MANAGEMENT},
        help_text="The service team that asks this. Leave blank to use the organisation.",
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="screening_criteria",
        help_text="Asked by every team in this organisation.",
    )
    intervention_type = models.CharField(
        max_length=20,
        choices=Case.InterventionType.choices,
        blank=True,
        help_text="Leave blank to ask for every intervention type.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    question = models.CharField(max_length=300)
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name_plural = "screening criteria"
        constraints = [
            models.CheckConstraint(
                condition=Q(team__isnull=False) | Q(organisation__isnull=False),
                name="screening_criterion_has_owner",
            )
        ]

    def __str__(self) -> str:
        return self.question

    def fails(self, answer: str) -> bool:
        """Whether this answer counts against accepting the referral."""
        if self.kind == self.Kind.ELIGIBILITY:
            return answer != ScreeningAnswer.Answer.YES
        return answer != ScreeningAnswer.Answer.NO


class ScreeningAnswer(models.Model):
    class Answer(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        UNKNOWN = "unknown", "Not known"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="screening_answers")
    criterion = models.ForeignKey(ScreeningCriterion, on_delete=models.PROTECT, related_name="answers")
    answer = models.CharField(max_length=10, choices=Answer.choices)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["criterion__order", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "criterion"], name="screening_answer_once")
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.get_answer_display()}"


class SignpostService(models.Model):
    """Another service a referral can be signposted to (admin-managed directory)."""

    name = models.CharField(max_length=200)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="signpost_services")
    description = models.TextField(blank=True)
    contact = models.CharField(max_length=300, help_text="Phone, email or web address the referrer can use")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="signpost_name_unique_in_area")]

    def __str__(self) -> str:
        return self.name


# --- Targets --------------------------------------------------------------------------------


class ServiceTarget(models.Model):
    team = models.OneToOneField(
        Team,
        on_delete=models.CASCADE,
        related_name="referral_target",
        limit_choices_to={"kind": Team.Kind.CASE_MANAGEMENT},
    )
    first_contact_working_days = models.PositiveSmallIntegerField(
        default=5, help_text="First contact with the referred person within this many working days"
    )

    def __str__(self) -> str:
        return f"{self.team}: first contact within {self.first_contact_working_days} working days"


class ReferralTargetRatio(models.Model):
    team = models.ForeignKey(
        Team,
        on_delete=models.CASCADE,
        related_name="referral_ratios",
        limit_choices_to={"kind": Team.Kind.CASE_MANAGEMENT},
    )
    pathway = models.CharField(max_length=30, choices=Pathway.choices)
    target_percent = models.DecimalField(max_digits=5, decimal_places=1)

    class Meta:
        ordering = ["team", "-target_percent"]
        constraints = [
            models.UniqueConstraint(fields=["team", "pathway"], name="referral_ratio_once_per_pathway"),
            models.CheckConstraint(
                condition=Q(target_percent__gte=0) & Q(target_percent__lte=100),
                name="referral_ratio_is_percentage",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team}: {self.get_pathway_display()} {self.target_percent}%"


class BankHoliday(models.Model):
    """A non-working day in England and Wales: filled from the `holidays` package for years
    ahead (referrals.bank_holidays); admins may add, move, rename or cancel one, and the fill
    never overwrites what they set."""

    class Source(models.TextChoices):
        PACKAGE = "package", "Bank holiday calendar"
        ADMIN = "admin", "Added or changed by an admin"

    date = models.DateField(unique=True)
    title = models.CharField(max_length=100)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.ADMIN)
    # The date the calendar gave this holiday, kept when an admin moves it, so the fill knows
    # the holiday is already there. Empty for a holiday only an admin added.
    package_date = models.DateField(null=True, blank=True, unique=True, editable=False)
    working_day = models.BooleanField(
        default=False,
        help_text="Tick to count this date as a working day after all (the calendar fill will not undo it).",
    )

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d %B %Y} {self.title}"


# --- Perpetrator merges ---------------------------------------------------------------------


class PerpetratorMerge(models.Model):
    """Two perpetrator records found to be one person: what moved, so it can be undone."""

    survivor = models.ForeignKey(Perpetrator, on_delete=models.PROTECT, related_name="merges_kept")
    merged = models.ForeignKey(Perpetrator, on_delete=models.PROTECT, related_name="merges_absorbed")
    reason = models.TextField()
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField(default=timezone.now)
    # {"app_label.model": {"field": "perpetrator", "ids": [1, 2]}, ...}
    moved = models.JSONField(default=dict)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-merged_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(survivor=models.F("merged")), name="merge_two_different_people"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="merge_reason_required"),
        ]

    def __str__(self) -> str:
        return f"#{self.merged_id} merged into #{self.survivor_id}"

    @property
    def is_active(self) -> bool:
        return self.undone_at is None
