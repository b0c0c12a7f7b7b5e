"""Reference data the reports need, entered by an administrator.

- PopulationShare: the area's population share for one category of one protected
  characteristic (for equality monitoring).
- CostAssumption: a unit cost and the share of it assumed to be avoided, for the cost
  avoidance estimate. Always shown beside the estimate it produces.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from accounts.models import Area


class Characteristic(models.TextChoices):
    ETHNICITY = "ethnicity", "Ethnic group"
    AGE_BAND = "age_band", "Age band"
    GENDER = "gender", "Gender"
    DISABILITY = "disability", "Disability"
    SEXUALITY = "sexuality", "Sexual orientation"


class PopulationShare(models.Model):
    """What percentage of the area's adult population falls in one category."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="population_shares")
    characteristic = models.CharField(max_length=20, choices=Characteristic.choices)
    category = models.CharField(
        max_length=40,
        help_text="The category code used in reports, for example 'white', 'asian', '25_34', 'female', 'yes'.",
    )
    percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    source = models.CharField(max_length=200, blank=True, help_text="For example: ONS Census 2021, TS021")

    class Meta:
        ordering = ["area", "characteristic", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "characteristic", "category"], name="populationshare_once_per_category"
            ),
            models.CheckConstraint(
                condition=Q(percent__gte=0) & Q(percent__lte=100), name="populationshare_is_percentage"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area}: {self.get_characteristic_display()} {self.category} {self.percent}%"


class CostAssumption(models.Model):
    """A unit cost, what it is counted against, and how much of it the service assumes it avoids."""

    class Basis(models.TextChoices):
        CASES_ABUSE_REDUCED = (
            "cases_abuse_reduced",
            "Closed perpetrator cases where physical abuse stopped or reduced",
        )
        VICTIMS_RISK_REDUCED = (
            "victims_risk_reduced",
            "Victim-survivors whose IDVA-assessed risk fell from intake to exit",
        )

    name = models.CharField(max_length=200)
    basis = models.CharField(max_length=30, choices=Basis.choices, unique=True)
    unit_cost = models.DecimalField("Unit cost (£)", max_digits=10, decimal_places=2)
    avoided_percent = models.DecimalField(
        "Share of the unit cost assumed avoided (%)",
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    source = models.TextField(help_text="Where the unit cost comes from.")
    assumption = models.TextField(help_text="What the service assumes, in plain words.")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(avoided_percent__gte=0) & Q(avoided_percent__lte=100),
                name="costassumption_is_percentage",
            ),
            models.CheckConstraint(condition=Q(unit_cost__gte=0), name="costassumption_cost_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name
