"""Multi-agency panels: MARAC, MATAC and perpetrator panels, their meetings, agendas,
agency research, attendance, minutes, actions, meeting packs and MARAC referrals.

Panels never hold a victim's location or contact details. An agenda item about a victim
points at the Victim row, but everything panels show or print about it is the safe view:
the victim's reference, the link label ("ex-partner, victim 2"), the relationship and risk.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import Area, Organisation, Team
from accounts.records import Record
from casework.models import Case, Perpetrator, RiskLevel
from victims.models import Victim


def default_protective_marking() -> str:
    return settings.TIDELINE_PROTECTIVE_MARKING


class Panel(Record):
    """A standing multi-agency panel in one area, run by a coordination team."""

    class Kind(models.TextChoices):
        MARAC = "marac", "MARAC"
        MATAC = "matac", "MATAC"
        PERPETRATOR_PANEL = "perpetrator_panel", "Perpetrator panel"

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        FORTNIGHTLY = "fortnightly", "Every 2 weeks"
        FOUR_WEEKLY = "four_weekly", "Every 4 weeks"
        MONTHLY = "monthly", "Monthly"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="panels")
    coordinator_team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        related_name="coordinated_panels",
        help_text="Panel coordinators in this team run the panel.",
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="chaired_panels",
    )
    protective_marking = models.CharField(max_length=60, default=default_protective_marking)
    meeting_frequency = models.CharField(max_length=20, choices=Frequency.choices, default=Frequency.MONTHLY)

    history = HistoricalRecords()

    class Meta:
        ordering = ["area__name", "name"]
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="panel_name_unique_in_area")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_marac(self) -> bool:
        return self.kind == self.Kind.MARAC


class PanelMembership(models.Model):
    """A standing member agency of a panel and the people who represent it."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="panel_memberships")
    representatives = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="panel_seats")

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "organisation"], name="panelmembership_unique_agency")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} on {self.panel}"


class Meeting(Record):
    class Status(models.TextChoices):
        PLANNING = "planning", "Agenda being prepared"
        PUBLISHED = "published", "Agenda published"
        HELD = "held", "Held, minutes in draft"
        APPROVED = "approved", "Minutes approved"
        CANCELLED = "cancelled", "Cancelled"

    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="meetings")
    scheduled_for = models.DateTimeField()
    venue = models.CharField(
        max_length=200, blank=True, help_text="Meeting room or video call name (never a person's address)."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNING)
    published_at = models.DateTimeField(null=True, blank=True)
    minutes_approved_at = models.DateTimeField(null=True, blank=True)
    minutes_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-scheduled_for"]
        indexes = [models.Index(fields=["panel", "scheduled_for"], name="meeting_panel_date_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(minutes_approved_at__isnull=False),
                name="meeting_approved_has_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.panel} — {timezone.localtime(self.scheduled_for):%d %B %Y}"

    @property
    def minutes_locked(self) -> bool:
        return self.status in (self.Status.APPROVED, self.Status.CANCELLED)


# What an agenda item may share with member agencies. Victim fields are the safe view only.
PERPETRATOR_SHAREABLE = [
    ("name", "Name"),
    ("date_of_birth", "Date of birth"),
    ("risk_level", "Current risk level"),
]
VICTIM_SHAREABLE = [
    ("label", "Victim label (for example \u201cex-partner, victim 2\u201d)"),
    ("relationship", "Relationship to the person causing harm"),
    ("risk_level", "Current risk level"),
    ("name", "Victim's name (MARAC only, so agencies can search their records)"),
    ("date_of_birth", "Victim's date of birth (MARAC only)"),
]
# A victim's name and date of birth let MARAC member agencies find the victim in their own
# records. They are shared only on MARAC agendas, only when the coordinator ticks them for the
# item, and never with a perpetrator service. Address, contact details and the safety plan are
# not shareable at all.
VICTIM_IDENTITY_KEYS = frozenset({"name", "date_of_birth"})
SHAREABLE_KEYS = {key for key, _ in PERPETRATOR_SHAREABLE + VICTIM_SHAREABLE}
# The shared fields in words, for the agenda's "Shared with agencies" row.
SHARED_FIELD_WORDS = {
    "name": "name",
    "date_of_birth": "date of birth",
    "risk_level": "risk level",
    "label": "victim label",
    "relationship": "relationship",
}


class AgendaItem(Record):
    """One case on a meeting's agenda: about a perpetrator (a Case) or a victim, never both."""

    class Reason(models.TextChoices):
        NEW = "new", "New referral"
        REPEAT = "repeat", "Repeat"
        ESCALATION = "escalation", "Escalation"
        REVIEW = "review", "Review"
        NOMINATION = "nomination", "Nomination"

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="items")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    victim = models.ForeignKey(Victim, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    order = models.PositiveSmallIntegerField(default=1)
    slot_start = models.TimeField("Time slot starts")
    slot_minutes = models.PositiveSmallIntegerField("Time slot length in minutes", default=15)
    risk_level = models.CharField(
        "Risk level when listed", max_length=20, choices=RiskLevel.choices, default=RiskLevel.HIGH
    )
    shared_with_agencies = models.BooleanField(
        default=True, help_text="Member agencies see this item on the published agenda."
    )
    shared_fields = models.JSONField(default=list, blank=True)

    # Minutes, written in the meeting.
    discussion_summary = models.TextField(blank=True)
    agreed_risk_level = models.CharField(max_length=20, choices=RiskLevel.choices, blank=True)
    decisions = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "order", "slot_start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(case__isnull=False) & Q(victim__isnull=True))
                | (Q(case__isnull=True) & Q(victim__isnull=False)),
                name="agendaitem_exactly_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=10) & Q(slot_minutes__lte=15),
                name="agendaitem_slot_10_to_15_minutes",
            ),
        ]

    def __str__(self) -> str:
        return f"Item {self.order}: {self.subject_kind}"

    @property
    def subject_kind(self) -> str:
        return "perpetrator" if self.case_id else "victim"

    @property
    def shared_fields_display(self) -> str:
        """What is shared, in words ("name, date of birth"); empty when only reason and time are."""
        return ", ".join(SHARED_FIELD_WORDS.get(key, key) for key in self.shared_fields)

    @property
    def shareable(self) -> list[tuple[str, str]]:
        """What the coordinator may share on this item (victim identity on MARAC agendas only)."""
        if self.case_id:
            return PERPETRATOR_SHAREABLE
        if self.meeting.panel.kind == Panel.Kind.MARAC:
            return VICTIM_SHAREABLE
        return [(key, label) for key, label in VICTIM_SHAREABLE if key not in VICTIM_IDENTITY_KEYS]

    @property
    def slot_end(self):
        start = datetime.combine(timezone.localdate(), self.slot_start)
        return (start + timedelta(minutes=self.slot_minutes)).time()


class Research(Record):
    """What one agency holds on one agenda item, submitted before the meeting."""

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="research")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    holds_information = models.BooleanField("Our agency holds information on this case")
    summary = models.TextField(blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation__name"]
        verbose_name_plural = "research"
        constraints = [
            models.UniqueConstraint(
                fields=["agenda_item", "organisation"],
                condition=Q(deleted_at__isnull=True),
                name="research_one_per_agency_item",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} research for item {self.agenda_item_id}"


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        APOLOGIES = "apologies", "Apologies"
        INFORMATION_SENT = "information_sent", "Apologies, information sent"
        ABSENT = "absent", "Did not attend"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices)
    attendee_name = models.CharField("Who attended", max_length=200, blank=True)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "organisation"], name="attendance_one_per_agency")
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_status_display()}"


class Observer(models.Model):
    """Someone observing a meeting. Admitted only after signing the confidentiality statement."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="observers")
    name = models.CharField(max_length=200)
    role = models.CharField("Role and organisation", max_length=200)
    confidentiality_signed_on = models.DateField("Confidentiality statement signed on")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Action(Record):
    """An action agreed at a meeting, owned by an agency. Open actions carry to later meetings."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        NOT_POSSIBLE = "not_possible", "Not possible (circumstances changed)"
        NOT_ACTIONED = "not_actioned", "Not actioned by the agency"

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="actions")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="panel_actions")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="panel_actions",
    )
    description = models.TextField()
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    update_note = models.TextField("Update", blank=True)
    closed_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(
                fields=["organisation", "due_on"], name="action_open_org_due_idx", condition=Q(status="open")
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.description[:60]}"

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_on < timezone.localdate()


class MeetingPack(models.Model):
    """A generated meeting pack PDF: the chair's full pack or one agency's redacted pack."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be made"
        PROCESSING = "processing", "Being made"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="packs")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The agency this pack is redacted for; empty for the chair's full pack.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    last_error = models.TextField(blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    generated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.reference} {self.recipient}"

    @property
    def reference(self) -> str:
        return f"PACK-{self.pk:06d}" if self.pk else "PACK-new"

    @property
    def is_full(self) -> bool:
        return self.organisation_id is None

    @property
    def recipient(self) -> str:
        return str(self.organisation) if self.organisation_id else "Chair (full pack)"


class MaracReferral(Record):
    """A victim referred to MARAC. Kept here so "last MARAC referral" and repeats are known."""

    class Reason(models.TextChoices):
        DASH_THRESHOLD = "dash_threshold", "DASH score of 14 or more"
        PROFESSIONAL_JUDGEMENT = "professional_judgement", "Professional judgement"
        ESCALATION = "escalation", "Potential escalation"
        REPEAT = "repeat", "Repeat"

    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="marac_referrals")
    victim = models.ForeignKey(Victim, on_delete=models.PROTECT, related_name="+")
    perpetrator = models.ForeignKey(
        Perpetrator, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    referred_on = models.DateField()
    reason = models.CharField(max_length=30, choices=Reason.choices)
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-referred_on", "-id"]
        indexes = [models.Index(fields=["victim", "perpetrator", "-referred_on"], name="maracref_pair_idx")]

    def __str__(self) -> str:
        return f"MARAC referral {self.pk} on {self.referred_on}"


class PartnerNomination(Record):
    """A partner agency's nomination of a perpetrator to a MATAC (or perpetrator panel).

    The representative names the person (name, date of birth) and says why; they are not shown
    which perpetrator records exist. The coordinator matches the person to a record in the
    area, sees its RFG score beside the ranking, and accepts the nomination onto an agenda or
    declines it with a reason.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the coordinator"
        ACCEPTED = "accepted", "Accepted onto an agenda"
        DECLINED = "declined", "Declined"

    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="partner_nominations")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", help_text="The nominating agency."
    )
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    reason = models.TextField("Why the agency nominates this person")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    perpetrator = models.ForeignKey(
        Perpetrator, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField("Reason for the decision", blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["panel", "status"], name="partnernom_panel_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decision_reason=""),
                name="partnernom_declined_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(perpetrator__isnull=False),
                name="partnernom_accepted_has_person",
            ),
        ]

    def __str__(self) -> str:
        return f"Nomination {self.pk} by {self.organisation}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
