"""The victim-survivor's record and the links to the people who harm them.

Only the victim's IDVA team (and users granted access) can reach a Victim row. Nothing on
Victim locates or contacts the victim: that lives in victims.models.restricted.
"""

from __future__ import annotations

__all__ = ["Victim", "VictimGroupObjectPermission", "VictimLink", "VictimUserObjectPermission"]

from django.conf import settings
from django.db import models
from django.db.models import Q
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from accounts.models import Area, Team
from accounts.records import Record
from casework.models import Disability, Ethnicity, Gender, Perpetrator, Religion, Sexuality


class Victim(Record):
    class SupportStatus(models.TextChoices):
        NEW = "new", "Awaiting first contact"
        ENGAGED = "engaged", "Engaged with support"
        NOT_ENGAGED = "not_engaged", "Not engaged (declined or not reached)"
        CLOSED = "closed", "Support closed"

    class ContactScheme(models.TextChoices):
        OPTED_IN = "opted_in", "Opted in"
        OPTED_OUT = "opted_out", "Opted out"
        NOT_ELIGIBLE = "not_eligible", "Not eligible"
        NOT_KNOWN = "not_known", "Not known"

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="victims")
    idva = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supported_victims",
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    known_as = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=20, choices=Gender.choices, default=Gender.UNKNOWN)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="victims")

    # Equality monitoring: every answer is optional and may be "prefer not to say".
    ethnicity = models.CharField(max_length=40, choices=Ethnicity.choices, blank=True)
    sexuality = models.CharField(max_length=20, choices=Sexuality.choices, blank=True)
    disability = models.CharField(max_length=20, choices=Disability.choices, blank=True)
    disability_needs = models.CharField(
        "Disability or access needs",
        max_length=500,
        blank=True,
        help_text="What helps this person take part.",
    )
    religion = models.CharField(max_length=20, choices=Religion.choices, blank=True)
    first_language = models.CharField(max_length=60, blank=True)
    interpreter_needed = models.BooleanField(default=False)

    support_status = models.CharField(max_length=20, choices=SupportStatus.choices, default=SupportStatus.NEW)
    victim_contact_scheme = models.CharField(
        "Victim Contact Scheme", max_length=20, choices=ContactScheme.choices, default=ContactScheme.NOT_KNOWN
    )
    # The probation victim liaison officer is a professional: their details are not the victim's.
    vlo_name = models.CharField("Victim liaison officer", max_length=200, blank=True)
    vlo_contact = models.CharField("Victim liaison officer's work contact", max_length=200, blank=True)
    last_marac_referral_on = models.DateField("Last MARAC referral", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["team"], name="victim_team_idx"),
            models.Index(fields=["last_name", "first_name"], name="victim_name_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def reference(self) -> str:
        return f"V-{self.pk:06d}" if self.pk else "V-new"

    @property
    def idva_engaged(self) -> bool:
        return self.idva_id is not None and self.support_status == self.SupportStatus.ENGAGED


class VictimLink(Record):
    """A victim harmed by a perpetrator. Either side may have several links."""

    class Relationship(models.TextChoices):
        PARTNER = "partner", "Partner"
        EX_PARTNER = "ex_partner", "Ex-partner"
        FAMILY = "family", "Family member"
        OTHER = "other", "Other"

    victim = models.ForeignKey(Victim, on_delete=models.PROTECT, related_name="links")
    perpetrator = models.ForeignKey(Perpetrator, on_delete=models.PROTECT, related_name="victim_links")
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    is_current = models.BooleanField(default=True)
    # "victim 2" in the perpetrator-side safe view: numbered per perpetrator, never a name.
    label_number = models.PositiveIntegerField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["perpetrator", "label_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["victim", "perpetrator"],
                condition=Q(deleted_at__isnull=True),
                name="victimlink_unique_pair",
            ),
            models.UniqueConstraint(fields=["perpetrator", "label_number"], name="victimlink_label_unique"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="victimlink_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_relationship_display()}, victim {self.label_number} of {self.perpetrator_id}"

    @property
    def safe_label(self) -> str:
        return f"{self.get_relationship_display().lower()}, victim {self.label_number}".capitalize()


class VictimUserObjectPermission(UserObjectPermissionBase):
    """A direct grant of one victim record to a named user (django-guardian, direct FK)."""

    content_object = models.ForeignKey(Victim, on_delete=models.CASCADE)


class VictimGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Victim, on_delete=models.CASCADE)
