"""Victim-restricted data (DESIGN.md §3): what could locate or contact a victim-survivor.

Addresses, phones and email, safe contact method and times, refuge or temporary
accommodation, the safety plan and safety notes, and children's schools and addresses.
These rows are read ONLY through victims.selectors, which require the caller to see the
victim under the Victim access rule. They are never registered in Django admin, never
serialised into task arguments or logs, and never shown on the perpetrator's side.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from accounts.records import Record
from victims.models.core import Victim, VictimLink

__all__ = [
    "Child",
    "EncompassNotification",
    "SafetyNote",
    "SafetyPlan",
    "VictimAddress",
    "VictimContact",
    "VictimSafeContact",
]


class VictimAddress(Record):
    """Where the victim lives or has lived, kept as a history."""

    class Kind(models.TextChoices):
        HOME = "home", "Home"
        REFUGE = "refuge", "Refuge"
        TEMPORARY = "temporary", "Temporary accommodation"
        OTHER = "other", "Other"

    victim = models.ForeignKey(Victim, on_delete=models.PROTECT, related_name="addresses")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.HOME)
    line_1 = models.CharField("Address line 1", max_length=200)
    line_2 = models.CharField("Address line 2", max_length=200, blank=True)
    town = models.CharField("Town or city", max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    from_date = models.DateField("Living here from", null=True, blank=True)
    to_date = models.DateField("Living here until", null=True, blank=True)
    is_current = models.BooleanField("This is the current address", default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_current", "-from_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_date__isnull=True)
                | Q(from_date__isnull=True)
                | Q(to_date__gte=models.F("from_date")),
                name="victimaddress_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} address of victim {self.victim_id}"

    @property
    def lines(self) -> list[str]:
        return [part for part in (self.line_1, self.line_2, self.town, self.postcode) if part]


class VictimContact(Record):
    """A phone number or email address, with whether it is safe to use."""

    class Kind(models.TextChoices):
        MOBILE = "mobile", "Mobile phone"
        LANDLINE = "landline", "Landline"
        EMAIL = "email", "Email"
        OTHER = "other", "Other"

    victim = models.ForeignKey(Victim, on_delete=models.PROTECT, related_name="contacts")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    value = models.CharField("Number or address", max_length=254)
    safe_to_use = models.BooleanField("Safe to use", default=True)
    note = models.CharField(
        max_length=300, blank=True, help_text="For example: only after 6pm, shared phone."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-safe_to_use", "kind", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of victim {self.victim_id}"


class VictimSafeContact(Record):
    """How and when it is safe to contact the victim, and their housing situation."""

    class Housing(models.TextChoices):
        OWN_HOME = "own_home", "Own home (owned or rented)"
        SHARED_WITH_PERPETRATOR = "shared", "Living with the person causing harm"
        FAMILY_FRIENDS = "family_friends", "Staying with family or friends"
        REFUGE = "refuge", "Refuge"
        TEMPORARY = "temporary", "Temporary accommodation"
        HOMELESS = "homeless", "Homeless or sofa-surfing"
        OTHER = "other", "Other"
        NOT_KNOWN = "not_known", "Not known"

    class LeaveMessage(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        NOT_KNOWN = "not_known", "Not known"

    victim = models.OneToOneField(Victim, on_delete=models.PROTECT, related_name="safe_contact")
    safe_contact_method = models.CharField(max_length=300, blank=True)
    safe_times = models.CharField("Safe times to contact", max_length=300, blank=True)
    safe_to_leave_message = models.CharField(
        "Safe to leave a message", max_length=20, choices=LeaveMessage.choices, default=LeaveMessage.NOT_KNOWN
    )
    housing_situation = models.CharField(max_length=20, choices=Housing.choices, default=Housing.NOT_KNOWN)
    housing_notes = models.CharField(max_length=500, blank=True)

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Safe contact arrangements of victim {self.victim_id}"


class SafetyPlan(Record):
    """The victim's current safety plan: one per victim, edited with optimistic concurrency."""

    victim = models.OneToOneField(Victim, on_delete=models.PROTECT, related_name="safety_plan")
    plan = models.TextField()
    review_on = models.DateField("Review by", null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Safety plan of victim {self.victim_id}"


class SafetyNote(Record):
    """A note for the IDVA team only (never shared with the case manager)."""

    victim = models.ForeignKey(Victim, on_delete=models.PROTECT, related_name="safety_notes")
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Safety note {self.pk} of victim {self.victim_id}"


class Child(Record):
    """A child in the household of the victim and/or a linked perpetrator."""

    class Status(models.TextChoices):
        NONE = "none", "None known"
        CHILD_IN_NEED = "child_in_need", "Child in need"
        CHILD_PROTECTION = "child_protection", "Child protection plan"
        LOOKED_AFTER = "looked_after", "Looked-after child"
        NOT_KNOWN = "not_known", "Not known"

    victim = models.ForeignKey(Victim, on_delete=models.PROTECT, related_name="children")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    lives_with_victim = models.BooleanField("Lives with the victim", default=True)
    perpetrator_links = models.ManyToManyField(
        VictimLink,
        blank=True,
        related_name="children",
        help_text="The perpetrators this child is linked to (as a parent or household member).",
    )
    school = models.CharField(max_length=200, blank=True)
    address = models.CharField(
        "Child's address if different",
        max_length=300,
        blank=True,
        help_text="Leave blank if the child lives with the victim.",
    )
    status = models.CharField(
        "Social care status", max_length=20, choices=Status.choices, default=Status.NOT_KNOWN
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["date_of_birth", "first_name"]
        verbose_name_plural = "children"

    def __str__(self) -> str:
        return f"Child {self.pk} of victim {self.victim_id}"


class EncompassNotification(models.Model):
    """Operation Encompass: the school told about a police-attended incident."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="encompass_notifications")
    incident_on = models.DateField("Date of the incident")
    notified_on = models.DateField("Date the school was told")
    before_next_school_day = models.BooleanField("School told before the next school day")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-incident_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(notified_on__gte=models.F("incident_on")),
                name="encompass_notified_after_incident",
            )
        ]

    def __str__(self) -> str:
        return f"Operation Encompass notification {self.pk}"
