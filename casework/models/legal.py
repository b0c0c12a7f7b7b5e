"""Orders, custody, incidents and RFG scoring.

Protected persons and victims involved are links (`victims.VictimLink`): the perpetrator side
only ever shows a link's `safe_label` ("Ex-partner, victim 2"), never who or where the victim is.
"""

from __future__ import annotations

__all__ = [
    "CustodyEvent",
    "CustodyRecord",
    "Incident",
    "IncidentSource",
    "IncidentType",
    "Offence",
    "Order",
    "OrderBreach",
    "OrderCondition",
    "OrderKind",
    "RfgGravityWeight",
    "RfgModel",
    "RfgScore",
]

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import Area
from accounts.records import Record
from casework.models.core import Case, Perpetrator

# --- Orders ---------------------------------------------------------------------------------


class OrderKind(models.TextChoices):
    DVPN = "dvpn", "Domestic violence protection notice (DVPN)"
    DVPO = "dvpo", "Domestic violence protection order (DVPO)"
    DAPN = "dapn", "Domestic abuse protection notice (DAPN)"
    DAPO = "dapo", "Domestic abuse protection order (DAPO)"
    RESTRAINING = "restraining", "Restraining order"
    NON_MOLESTATION = "non_molestation", "Non-molestation order"
    OCCUPATION = "occupation", "Occupation order"
    STALKING_PROTECTION = "stalking_protection", "Stalking protection order"
    BAIL = "bail", "Bail conditions"
    LICENCE = "licence", "Licence conditions"


class OrderCondition(models.TextChoices):
    EXCLUSION_ZONE = "exclusion_zone", "Exclusion zone"
    NO_CONTACT = "no_contact", "No contact"
    ELECTRONIC_MONITORING = "electronic_monitoring", "Electronic monitoring"
    PROGRAMME_ATTENDANCE = "programme_attendance", "Programme attendance"
    OTHER = "other", "Other"


# The subject of a DAPO must tell the police their name and address within 3 days of the
# order being served (Domestic Abuse Act 2021 s.39); a DVPN must be heard as a DVPO within 48 hours.
DAPO_NOTIFICATION_DAYS = 3
DVPN_HEARING_DAYS = 2
EXPIRING_SOON_DAYS = 28


class Order(Record):
    """A protective order, notice or set of conditions the perpetrator is subject to."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="orders")
    perpetrator = models.ForeignKey(Perpetrator, on_delete=models.PROTECT, related_name="orders")
    kind = models.CharField("Type of order", max_length=30, choices=OrderKind.choices)
    made_on = models.DateField("Date made or issued")
    served_on = models.DateField("Date served", null=True, blank=True)
    expires_on = models.DateField("Expiry date", null=True, blank=True)
    until_further_order = models.BooleanField("Until further order", default=False)
    conditions = models.JSONField(default=list, blank=True, help_text="OrderCondition values")
    conditions_detail = models.TextField(
        "Details of the conditions",
        blank=True,
        help_text="For example the exclusion zone's streets. Do not write a victim's address.",
    )
    protected_persons = models.ManyToManyField(
        "victims.VictimLink", blank=True, related_name="protecting_orders"
    )
    notified_on = models.DateField(
        "Name and address notified to police on",
        null=True,
        blank=True,
        help_text="DAPO only: when the subject notified the police of their name and address.",
    )
    court_or_issuer = models.CharField("Court or issuing force", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords(m2m_fields=[protected_persons])

    class Meta:
        ordering = ["-made_on", "-id"]
        indexes = [
            models.Index(fields=["perpetrator", "-made_on"], name="order_perpetrator_idx"),
            models.Index(
                fields=["expires_on"], name="order_expiry_idx", condition=Q(deleted_at__isnull=True)
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=models.F("made_on")),
                name="order_expires_after_made",
            ),
            models.CheckConstraint(
                condition=Q(served_on__isnull=True) | Q(served_on__gte=models.F("made_on")),
                name="order_served_after_made",
            ),
            models.CheckConstraint(
                condition=~(Q(until_further_order=True) & Q(expires_on__isnull=False)),
                name="order_expiry_or_until_further",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} made {self.made_on:%d %b %Y}"

    def clean(self) -> None:
        errors = {}
        if self.made_on and self.expires_on and self.expires_on <= self.made_on:
            errors["expires_on"] = "The expiry date must be after the date the order was made"
        if self.made_on and self.served_on and self.served_on < self.made_on:
            errors["served_on"] = "The date served must be the same as or after the date the order was made"
        if self.until_further_order and self.expires_on:
            errors["expires_on"] = "Enter an expiry date or choose 'until further order', not both"
        if self.notified_on and self.kind != OrderKind.DAPO:
            errors["notified_on"] = "Only a DAPO has a name and address notification"
        if self.notified_on and self.made_on and self.notified_on < self.made_on:
            errors["notified_on"] = "The notification date must be on or after the date the order was made"
        if errors:
            raise ValidationError(errors)

    @property
    def condition_labels(self) -> list[str]:
        labels = dict(OrderCondition.choices)
        return [labels.get(value, value) for value in self.conditions]

    def is_in_force(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.made_on <= today and (self.expires_on is None or self.expires_on >= today)

    def expires_soon(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.expires_on is not None and today <= self.expires_on <= today + datetime.timedelta(
            days=EXPIRING_SOON_DAYS
        )

    @property
    def notification_due_on(self) -> datetime.date | None:
        """DAPO: name and address due within 3 days of being served (or made, until served)."""
        if self.kind != OrderKind.DAPO:
            return None
        start = self.served_on or self.made_on
        return start + datetime.timedelta(days=DAPO_NOTIFICATION_DAYS)

    def notification_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        due = self.notification_due_on
        return due is not None and self.notified_on is None and today > due

    @property
    def hearing_due_on(self) -> datetime.date | None:
        """DVPN: the DVPO hearing must be held within 48 hours of the notice being issued."""
        if self.kind != OrderKind.DVPN:
            return None
        return self.made_on + datetime.timedelta(days=DVPN_HEARING_DAYS)


class OrderBreach(Record):
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="breaches")
    occurred_on = models.DateField("Date of breach")
    description = models.TextField(
        "What happened", help_text="Do not write a victim's address or contact details."
    )
    action_taken = models.TextField(
        "Action taken", blank=True, help_text="For example: arrested, charged, warning."
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["order", "-occurred_on"], name="breach_order_idx"),
            # The breach scan's window (casework.jobs.breach_candidates).
            models.Index(
                fields=["created_at"], name="breach_created_idx", condition=Q(deleted_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return f"Breach on {self.occurred_on:%d %b %Y}"


# --- Custody --------------------------------------------------------------------------------


class CustodyRecord(Record):
    """A custodial sentence and what is known about release."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="custody_records")
    perpetrator = models.ForeignKey(Perpetrator, on_delete=models.PROTECT, related_name="custody_records")
    establishment = models.CharField("Prison", max_length=200, blank=True)
    sentence_date = models.DateField("Date sentenced")
    sentence_length = models.CharField(
        "Sentence", max_length=100, blank=True, help_text="For example: 2 years 6 months"
    )
    expected_release_on = models.DateField("Expected release date", null=True, blank=True)
    expected_release_month = models.DateField(
        "Expected release month",
        null=True,
        blank=True,
        help_text="When only the month is known. Stored as the first day of that month.",
    )
    parole_eligibility_on = models.DateField("Parole eligibility date", null=True, blank=True)
    licence_ends_on = models.DateField("Licence end date", null=True, blank=True)
    released_on = models.DateField("Actual release date", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-sentence_date", "-id"]
        indexes = [
            models.Index(
                fields=["expected_release_on"],
                name="custody_release_idx",
                condition=Q(released_on__isnull=True),
            ),
            # The release scans' windows (casework.jobs.release_candidates).
            models.Index(
                fields=["expected_release_month"],
                name="custody_release_month_idx",
                condition=Q(released_on__isnull=True),
            ),
            models.Index(
                fields=["released_on"], name="custody_released_idx", condition=Q(released_on__isnull=False)
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expected_release_on__isnull=True) | Q(expected_release_month__isnull=True),
                name="custody_release_date_or_month",
            ),
            models.CheckConstraint(
                condition=Q(released_on__isnull=True) | Q(released_on__gte=models.F("sentence_date")),
                name="custody_released_after_sentence",
            ),
        ]

    def __str__(self) -> str:
        return f"Custody from {self.sentence_date:%d %b %Y}"

    def clean(self) -> None:
        errors = {}
        if self.expected_release_on and self.expected_release_month:
            errors["expected_release_month"] = "Enter the expected release date or the month, not both"
        for field in ("expected_release_on", "parole_eligibility_on", "licence_ends_on", "released_on"):
            value = getattr(self, field)
            if value and self.sentence_date and value < self.sentence_date:
                label = self._meta.get_field(field).verbose_name
                errors[field] = f"The {label.lower()} must be on or after the date sentenced"
        if errors:
            raise ValidationError(errors)

    @property
    def in_custody(self) -> bool:
        return self.released_on is None

    @property
    def expected_release_text(self) -> str:
        if self.expected_release_on:
            return f"{self.expected_release_on:%-d %B %Y}"
        if self.expected_release_month:
            return f"{self.expected_release_month:%B %Y}"
        return "Not known"


class CustodyEvent(Record):
    class Kind(models.TextChoices):
        RECALL = "recall", "Recalled to custody"
        RELEASE = "release", "Released"
        PAROLE_HEARING = "parole_hearing", "Parole hearing"
        OTHER = "other", "Other"

    custody = models.ForeignKey(CustodyRecord, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    occurred_on = models.DateField("Date")
    reason = models.TextField("Reason or details", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_on:%d %b %Y}"


# --- Incidents ------------------------------------------------------------------------------


class IncidentType(models.TextChoices):
    CRIME = "crime", "Crime"
    NON_CRIME = "non_crime", "Non-crime domestic incident"
    BREACH = "breach", "Breach of order or conditions"


class Offence(models.TextChoices):
    """Offence types, each of which can carry a gravity weight in the RFG scoring model."""

    NON_CRIME = "non_crime", "Non-crime incident"
    MALICIOUS_COMMUNICATIONS = "malicious_communications", "Malicious communications"
    CRIMINAL_DAMAGE = "criminal_damage", "Criminal damage"
    PUBLIC_ORDER = "public_order", "Public order offence"
    HARASSMENT = "harassment", "Harassment"
    BREACH_OF_ORDER = "breach_of_order", "Breach of order"
    COMMON_ASSAULT = "common_assault", "Common assault"
    COERCIVE_CONTROL = "coercive_control", "Controlling or coercive behaviour"
    STALKING = "stalking", "Stalking"
    THREATS_TO_KILL = "threats_to_kill", "Threats to kill"
    ABH = "abh", "Assault occasioning actual bodily harm (ABH)"
    STRANGULATION = "strangulation", "Non-fatal strangulation or suffocation"
    GBH = "gbh", "Grievous bodily harm (GBH)"
    SEXUAL_ASSAULT = "sexual_assault", "Sexual assault"
    RAPE = "rape", "Rape"
    OTHER = "other", "Other offence"


class IncidentSource(models.TextChoices):
    MANUAL = "manual", "Entered by hand"
    IMPORTED = "imported", "Imported from a police extract"
    API = "api", "Police incident feed"


class Incident(Record):
    """A police-recorded incident involving the perpetrator (the basis of serial status and RFG)."""

    perpetrator = models.ForeignKey(Perpetrator, on_delete=models.PROTECT, related_name="incidents")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="incidents")
    # The police force area whose reference this is: references are unique per force, so another
    # area's incidents never decide whether this area's reference is new.
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The police force area that recorded it (the person's area when it was recorded).",
    )
    occurred_on = models.DateField("Date of incident")
    occurred_at = models.TimeField("Time of incident", null=True, blank=True)
    incident_type = models.CharField("Type of incident", max_length=20, choices=IncidentType.choices)
    offence = models.CharField(max_length=40, choices=Offence.choices)
    is_domestic_abuse = models.BooleanField("Domestic abuse", default=True)
    victim_links = models.ManyToManyField("victims.VictimLink", blank=True, related_name="incidents")
    children_present = models.BooleanField("Children present", default=False)
    children_count = models.PositiveSmallIntegerField("Number of children present", null=True, blank=True)
    source = models.CharField(max_length=20, choices=IncidentSource.choices, default=IncidentSource.MANUAL)
    police_reference = models.CharField(
        "Police reference",
        max_length=60,
        blank=True,
        help_text="The police incident or crime number, if known.",
    )
    summary = models.TextField(blank=True, help_text="Do not write a victim's address or contact details.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(m2m_fields=[victim_links])

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(
                fields=["perpetrator", "-occurred_on"],
                name="incident_perp_date_idx",
                condition=Q(deleted_at__isnull=True, is_domestic_abuse=True),
            ),
            # The incident scans' window (casework.jobs.incident_candidates).
            models.Index(
                fields=["created_at"],
                name="incident_created_idx",
                condition=Q(deleted_at__isnull=True, is_domestic_abuse=True),
            ),
        ]
        constraints = [
            # Unique per police force, across deleted rows too: it is the idempotency key for
            # imports and the feed, and each force numbers its own incidents.
            models.UniqueConstraint(
                fields=["area", "police_reference"],
                condition=~Q(police_reference=""),
                name="incident_area_police_reference_unique",
            ),
            models.CheckConstraint(
                condition=Q(children_present=True) | Q(children_count__isnull=True) | Q(children_count=0),
                name="incident_children_count_needs_present",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_offence_display()} on {self.occurred_on:%d %b %Y}"

    def save(self, *args, **kwargs) -> None:
        if self.area_id is None and self.perpetrator_id is not None:
            self.area_id = Perpetrator.all_objects.values_list("area_id", flat=True).get(
                pk=self.perpetrator_id
            )
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors = {}
        if self.occurred_on and self.occurred_on > timezone.localdate():
            errors["occurred_on"] = "The date of the incident must be today or in the past"
        if not self.children_present and self.children_count:
            errors["children_count"] = "Only give a number of children if children were present"
        if errors:
            raise ValidationError(errors)


# --- RFG scoring ----------------------------------------------------------------------------


def default_recency_bands() -> list[dict]:
    return [
        {"from_months": 0, "to_months": 6, "points": 5},
        {"from_months": 6, "to_months": 12, "points": 3},
        {"from_months": 12, "to_months": 24, "points": 2},
        {"from_months": 24, "to_months": 36, "points": 1},
    ]


class RfgModel(models.Model):
    """One version of the RFG(V) scoring model. Versions in use are never edited: add a new one.

    Score = (recency points + frequency points + highest gravity weight) × victim multiplier,
    over domestic-abuse incidents inside the look-back window (see casework/scoring.py).
    """

    version = models.PositiveIntegerField(unique=True)
    name = models.CharField(max_length=100, blank=True, help_text="For example: Northshire MATAC 2026")
    is_active = models.BooleanField("Active", default=False)
    lookback_months = models.PositiveSmallIntegerField("Look-back window (months)", default=36)
    recency_bands = models.JSONField(
        default=default_recency_bands,
        help_text='A list of {"from_months": 0, "to_months": 6, "points": 5}: months since the most '
        "recent incident, from inclusive, to exclusive.",
    )
    frequency_points = models.DecimalField(
        "Points per incident (frequency)", max_digits=5, decimal_places=2, default=Decimal("1")
    )
    default_gravity = models.DecimalField(
        "Gravity weight for offences not listed", max_digits=5, decimal_places=2, default=Decimal("1")
    )
    victim_step = models.DecimalField(
        "Victim multiplier step",
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.5"),
        help_text="Added to the multiplier for each victim after the first: 0.5 makes 2 victims ×1.5, 3 victims ×2.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = "RFG scoring model"
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="rfgmodel_one_active"
            ),
            models.CheckConstraint(condition=Q(lookback_months__gt=0), name="rfgmodel_lookback_positive"),
        ]

    def __str__(self) -> str:
        return f"RFG model v{self.version}{' (active)' if self.is_active else ''}"

    @property
    def in_use(self) -> bool:
        return self.pk is not None and self.scores.exists()

    def clean(self) -> None:
        from casework.scoring import validate_recency_bands

        try:
            validate_recency_bands(self.recency_bands)
        except ValueError as error:
            raise ValidationError({"recency_bands": str(error)}) from None


class RfgGravityWeight(models.Model):
    model = models.ForeignKey(RfgModel, on_delete=models.CASCADE, related_name="gravity_weights")
    offence = models.CharField(max_length=40, choices=Offence.choices)
    weight = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["model", "offence"]
        constraints = [
            models.UniqueConstraint(fields=["model", "offence"], name="rfggravity_unique_offence"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="rfggravity_weight_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_offence_display()}: {self.weight}"


class RfgScore(models.Model):
    """A score kept for a case: entry (first score), current (recomputed) and exit (at closure)."""

    class Kind(models.TextChoices):
        ENTRY = "entry", "Entry"
        CURRENT = "current", "Current"
        EXIT = "exit", "Exit"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="rfg_scores")
    model = models.ForeignKey(RfgModel, on_delete=models.PROTECT, related_name="scores")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    score = models.DecimalField(max_digits=8, decimal_places=2)
    components = models.JSONField(default=dict)
    explanation = models.TextField()
    as_of = models.DateField()
    computed_at = models.DateTimeField(default=timezone.now)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-computed_at", "-id"]
        indexes = [models.Index(fields=["case", "kind", "-computed_at"], name="rfgscore_case_kind_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=Q(kind__in=["entry", "exit"]),
                name="rfgscore_one_entry_exit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} {self.kind} {self.score}"
