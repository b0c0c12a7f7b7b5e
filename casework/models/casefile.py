"""The case file: perpetrator details, assessments, plans, sessions, notes, risk history, closure."""

from __future__ import annotations

__all__ = [
    "Assessment",
    "AssessmentInstrument",
    "Attendance",
    "BehaviourType",
    "CaseClosure",
    "CaseNote",
    "CaseSession",
    "ClosureReason",
    "DisruptionAction",
    "NeedDomain",
    "OutcomeMeasure",
    "PerpetratorAddress",
    "PerpetratorAlias",
    "PerpetratorIdentifier",
    "RiskLevelChange",
    "SupportGoal",
]

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import Organisation
from accounts.records import Record
from casework.models.core import Case, Perpetrator, RiskLevel

# --- The perpetrator record ---------------------------------------------------------------


class PerpetratorAlias(Record):
    """Another name the person is known by (maiden name, street name, misspelling on police systems)."""

    perpetrator = models.ForeignKey(Perpetrator, on_delete=models.PROTECT, related_name="aliases")
    name = models.CharField(max_length=200)
    note = models.CharField(max_length=200, blank=True, help_text="For example: name used on police systems")

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PerpetratorIdentifier(Record):
    """A reference number held by another agency. One value per kind identifies one person."""

    class Kind(models.TextChoices):
        PNC = "pnc", "Police National Computer (PNC) number"
        POLICE_REFERENCE = "police_reference", "Police reference"
        PRISON = "prison", "Prison number"
        NHS = "nhs", "NHS number"
        NATIONAL_INSURANCE = "national_insurance", "National Insurance number"
        PROBATION = "probation", "Probation (CRN) number"
        OTHER = "other", "Other reference"

    perpetrator = models.ForeignKey(Perpetrator, on_delete=models.PROTECT, related_name="identifiers")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    value = models.CharField(max_length=60)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "value"],
                condition=Q(deleted_at__isnull=True),
                name="perpetrator_identifier_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"


class PerpetratorAddress(Record):
    """Where the perpetrator has lived. This is the perpetrator's own address, not a victim's."""

    perpetrator = models.ForeignKey(Perpetrator, on_delete=models.PROTECT, related_name="addresses")
    line_1 = models.CharField("Address line 1", max_length=200)
    line_2 = models.CharField("Address line 2", max_length=200, blank=True)
    town = models.CharField("Town or city", max_length=100)
    postcode = models.CharField(max_length=10)
    lived_from = models.DateField("Lived there from", null=True, blank=True)
    lived_to = models.DateField("Lived there until", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-lived_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(lived_to__isnull=True)
                | Q(lived_from__isnull=True)
                | Q(lived_to__gte=models.F("lived_from")),
                name="perpetrator_address_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return ", ".join(part for part in (self.line_1, self.line_2, self.town, self.postcode) if part)

    @property
    def is_current(self) -> bool:
        return self.lived_to is None or self.lived_to >= timezone.localdate()


# --- Risk -----------------------------------------------------------------------------------


class RiskLevelChange(models.Model):
    """One change of a case's risk level and why. Append-only: the history of every change."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="risk_changes")
    from_level = models.CharField(max_length=20, choices=RiskLevel.choices)
    to_level = models.CharField(max_length=20, choices=RiskLevel.choices)
    reason = models.TextField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["case", "-changed_at"], name="riskchange_case_idx")]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="riskchange_reason_required")]

    def __str__(self) -> str:
        return f"{self.case.reference}: {self.from_level} → {self.to_level}"


# --- Assessments ---------------------------------------------------------------------------


class AssessmentInstrument(models.Model):
    """One version of an assessment tool. A completed assessment points at the exact version used.

    `structure` is a list of questions:
    {"key": "housing", "label": "Housing", "type": "severity" | "choice" | "number" | "text",
     "choices": [[value, label], ...] (choice only), "min"/"max" (number only), "help": "..."}.
    Versions are never edited once used: add a new version and mark the old one inactive.
    """

    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=200)
    version = models.PositiveIntegerField(default=1)
    description = models.TextField(blank=True)
    structure = models.JSONField(default=list)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="instrument_code_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"


class Assessment(Record):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        COMPLETED = "completed", "Completed"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assessments")
    instrument = models.ForeignKey(AssessmentInstrument, on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    answers = models.JSONField(default=dict, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(completed_at__isnull=False, completed_by__isnull=False),
                name="assessment_completed_has_who_and_when",
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} for {self.case.reference}"

    @property
    def is_completed(self) -> bool:
        return self.status == self.Status.COMPLETED

    @property
    def score(self) -> int | None:
        """Count of "yes" answers to scored questions (PPIT-style tools); None if nothing is scored."""
        scored = [q["key"] for q in self.instrument.structure if q.get("scored")]
        if not scored:
            return None
        return sum(1 for key in scored if self.answers.get(key) == "yes")

    def answer_rows(self) -> list[tuple[str, str]]:
        """(question label, answer as shown) for every question of the instrument version used."""
        rows = []
        for question in self.instrument.structure:
            value = self.answers.get(question["key"], "")
            if question["type"] in ("choice", "severity"):
                labels = dict(question.get("choices") or SEVERITY_CHOICES)
                value = labels.get(value, value)
            rows.append((question["label"], "" if value in (None, "") else str(value)))
        return rows


SEVERITY_CHOICES = [["none", "None"], ["low", "Low"], ["medium", "Medium"], ["high", "High"]]


# --- Support and disruption plans -----------------------------------------------------------


class NeedDomain(models.TextChoices):
    CHILDREN_FAMILY = "children_family", "Children, family and parenting"
    MENTAL_HEALTH = "mental_health", "Mental health"
    SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse"
    HOUSING = "housing", "Housing"
    FINANCE = "finance", "Finance"
    EMPLOYMENT = "employment", "Employment, education and training"
    PHYSICAL_HEALTH = "physical_health", "Physical health"
    OTHER = "other", "Other"


class SupportGoal(Record):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        ACHIEVED = "achieved", "Achieved"
        STOPPED = "stopped", "Stopped"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="support_goals")
    need_domain = models.CharField("Need", max_length=30, choices=NeedDomain.choices)
    goal = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    review_date = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["need_domain", "created_at"]

    def __str__(self) -> str:
        return f"{self.get_need_domain_display()}: {self.goal[:60]}"


class DisruptionAction(Record):
    class Lever(models.TextChoices):
        ARREST_FOR_BREACH = "arrest_for_breach", "Arrest for breach"
        BAIL_CONDITIONS = "bail_conditions", "Bail conditions"
        LICENCE_CONDITIONS = "licence_conditions", "Licence conditions"
        ORDER_APPLICATION = "order_application", "Order application"
        DVDS_DISCLOSURE = "dvds_disclosure", "DVDS (Clare's Law) disclosure"
        HOUSING_ACTION = "housing_action", "Housing action"
        WELFARE_CHECK = "welfare_check", "Welfare check"
        MARKER = "marker", "Vehicle or address marker"
        IMMIGRATION = "immigration", "Immigration"
        RECALL = "recall", "Recall to prison"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        NOT_POSSIBLE = "not_possible", "Not possible"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="disruption_actions")
    agency = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="disruption_actions")
    lever = models.CharField(max_length=30, choices=Lever.choices)
    description = models.TextField()
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    outcome = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "created_at"]
        indexes = [models.Index(fields=["case", "status"], name="disruption_case_status_idx")]

    def __str__(self) -> str:
        return f"{self.get_lever_display()} ({self.agency})"

    @property
    def is_overdue(self) -> bool:
        return (
            self.due_date is not None
            and self.due_date < timezone.localdate()
            and self.status in (self.Status.PLANNED, self.Status.IN_PROGRESS)
        )


# --- Sessions, contacts and notes -----------------------------------------------------------


class Attendance(models.TextChoices):
    ATTENDED = "attended", "Attended"
    DID_NOT_ATTEND = "dna", "Did not attend"
    CANCELLED_BY_SERVICE = "cancelled_service", "Cancelled by the service"
    CANCELLED_BY_PERSON = "cancelled_person", "Cancelled by the person"


class CaseSession(Record):
    """A session or contact with the perpetrator, or about them with another agency."""

    class Kind(models.TextChoices):
        ONE_TO_ONE = "one_to_one", "One-to-one"
        GROUP = "group", "Group session"
        PHONE = "phone", "Phone call"
        HOME_VISIT = "home_visit", "Home visit"
        CUSTODY_VISIT = "custody_visit", "Custody visit"
        LIAISON = "liaison", "Multi-agency liaison"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="sessions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    held_on = models.DateField("Date")
    duration_minutes = models.PositiveIntegerField("Duration in minutes", null=True, blank=True)
    attendance = models.CharField(max_length=20, choices=Attendance.choices)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["case", "-held_on"], name="session_case_date_idx"),
            # The missed-sessions scan's date window (casework/jobs.py).
            models.Index(
                fields=["held_on"],
                condition=Q(attendance__in=["dna", "cancelled_person"]),
                name="session_missed_idx",
            ),
            # The no-contact scan: is there an attended session since the cutoff?
            models.Index(
                fields=["case", "-held_on"], condition=Q(attendance="attended"), name="session_attended_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.held_on:%d %b %Y}"


class CaseNote(Record):
    class Kind(models.TextChoices):
        CONTACT = "contact", "Contact"
        LIAISON = "liaison", "Liaison"
        SUPERVISION = "supervision", "Supervision"
        MANAGEMENT = "management", "Management"

    class Sensitivity(models.TextChoices):
        NORMAL = "normal", "Normal"
        SENSITIVE = "sensitive", "Sensitive: allocated case manager and supervisors only"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sensitivity = models.CharField(max_length=20, choices=Sensitivity.choices, default=Sensitivity.NORMAL)
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["case", "-created_at"], name="note_case_created_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} note on {self.case.reference}"

    @property
    def is_sensitive(self) -> bool:
        return self.sensitivity == self.Sensitivity.SENSITIVE


# --- Closure and outcomes -------------------------------------------------------------------


class ClosureReason(models.TextChoices):
    COMPLETED = "completed", "Completed the intervention"
    DISENGAGED = "disengaged", "Disengaged"
    MOVED_AREA = "moved_area", "Moved out of the area"
    CUSTODY = "custody", "In custody"
    DECEASED = "deceased", "Deceased"
    OTHER = "other", "Other"


class CaseClosure(models.Model):
    """A request to close a case and the supervisor's decision. Reopening keeps every row."""

    class Decision(models.TextChoices):
        PENDING = "pending", "Awaiting supervisor approval"
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Returned to the case manager"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="closures")
    reason = models.CharField(max_length=20, choices=ClosureReason.choices)
    summary = models.TextField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(max_length=20, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopen_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(decision="pending"), name="closure_one_pending_per_case"
            )
        ]

    def __str__(self) -> str:
        return f"Closure of {self.case.reference}: {self.get_decision_display()}"


class BehaviourType(models.TextChoices):
    """The four behaviour types measured in the Drive evaluation."""

    PHYSICAL = "physical", "Physical abuse"
    SEXUAL = "sexual", "Sexual abuse"
    HARASSMENT_STALKING = "harassment_stalking", "Harassment and stalking"
    JEALOUS_CONTROLLING = "jealous_controlling", "Jealous and controlling behaviour"


class OutcomeMeasure(models.Model):
    """How often one behaviour type was happening at one point in the case (0 never – 4 very often)."""

    class TimePoint(models.TextChoices):
        INTAKE = "intake", "Intake"
        MID_POINT = "mid_point", "Mid-point"
        EXIT = "exit", "Exit"

    class Frequency(models.IntegerChoices):
        NEVER = 0, "0: not happening"
        RARELY = 1, "1: rarely"
        SOMETIMES = 2, "2: sometimes"
        OFTEN = 3, "3: often"
        VERY_OFTEN = 4, "4: very often"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="outcome_measures")
    behaviour = models.CharField(max_length=30, choices=BehaviourType.choices)
    time_point = models.CharField(max_length=20, choices=TimePoint.choices)
    frequency = models.PositiveSmallIntegerField(choices=Frequency.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "behaviour", "time_point"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "behaviour", "time_point"], name="outcome_one_per_behaviour_and_point"
            ),
            models.CheckConstraint(condition=Q(frequency__lte=4), name="outcome_frequency_0_to_4"),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} {self.behaviour} at {self.time_point}: {self.frequency}"
