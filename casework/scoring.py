"""RFG(V) scoring: Recency, Frequency, Gravity and Victims, as a pure function.

No public source fixes the weights, so they live in a versioned, admin-configured `RfgModel`.
`compute_rfg` takes plain values (no database) so every score can be worked by hand:

    in window  = domestic-abuse incidents with occurred_on after (as_of − look-back months)
    recency    = points of the band holding the months since the most recent incident
    frequency  = number of incidents in window × points per incident
    gravity    = the highest gravity weight among the offences in window
    victims    = distinct victims across those incidents; multiplier = 1 + step × (victims − 1)
    score      = (recency + frequency + gravity) × multiplier, rounded to 2 decimal places

Example: 3 incidents in 36 months, the latest 2 months ago (band 0–6: 5 points), 1 point each
(3), highest gravity ABH (4), 2 victims (step 0.5: ×1.5) → (5 + 3 + 4) × 1.5 = 18.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

# A starting point for version 1, loosely after published MATAC practice (most harmful offences
# weigh most). No public source fixes these: each area reviews and versions its own.
DEFAULT_GRAVITY_WEIGHTS = {
    "non_crime": "1",
    "malicious_communications": "1",
    "public_order": "1",
    "criminal_damage": "2",
    "harassment": "2",
    "breach_of_order": "2",
    "common_assault": "2",
    "coercive_control": "3",
    "stalking": "3",
    "threats_to_kill": "4",
    "abh": "4",
    "strangulation": "5",
    "gbh": "5",
    "sexual_assault": "5",
    "rape": "6",
    "other": "1",
}


@dataclass(frozen=True)
class IncidentFacts:
    occurred_on: datetime.date
    offence: str
    victim_ids: frozenset[int] = frozenset()
    is_domestic_abuse: bool = True
    offence_label: str = ""


@dataclass(frozen=True)
class RfgSpec:
    version: int
    lookback_months: int
    recency_bands: list[dict]
    frequency_points: Decimal
    gravity_weights: dict[str, Decimal]
    default_gravity: Decimal
    victim_step: Decimal
    offence_labels: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_model(cls, model) -> RfgSpec:
        from casework.models import Offence

        return cls(
            version=model.version,
            lookback_months=model.lookback_months,
            recency_bands=list(model.recency_bands),
            frequency_points=Decimal(model.frequency_points),
            gravity_weights={w.offence: Decimal(w.weight) for w in model.gravity_weights.all()},
            default_gravity=Decimal(model.default_gravity),
            victim_step=Decimal(model.victim_step),
            offence_labels=dict(Offence.choices),
        )

    def gravity(self, offence: str) -> Decimal:
        return self.gravity_weights.get(offence, self.default_gravity)


@dataclass(frozen=True)
class RfgResult:
    score: Decimal
    components: dict
    why: str


def validate_recency_bands(bands) -> None:
    """Raise ValueError with a plain message unless `bands` is a list of well-formed bands."""
    if not isinstance(bands, list) or not bands:
        raise ValueError("Enter at least one recency band")
    for band in bands:
        if not isinstance(band, dict) or set(band) != {"from_months", "to_months", "points"}:
            raise ValueError('Each band needs exactly "from_months", "to_months" and "points"')
        try:
            start, end, points = (
                int(band["from_months"]),
                int(band["to_months"]),
                Decimal(str(band["points"])),
            )
        except (TypeError, ValueError, ArithmeticError):
            raise ValueError("Band months must be whole numbers and points a number") from None
        if start < 0 or end <= start or points < 0:
            raise ValueError(
                "Each band must start at 0 or more, end after it starts, and give 0 or more points"
            )


def months_between(earlier: datetime.date, later: datetime.date) -> int:
    """Whole calendar months from `earlier` to `later` (15 Jan → 14 Mar is 1 month)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if later.day < earlier.day:
        months -= 1
    return months


def window_start(as_of: datetime.date, months: int) -> datetime.date:
    """The first day counted: `months` calendar months before as_of (day clipped to month end)."""
    year, month = divmod(as_of.year * 12 + as_of.month - 1 - months, 12)
    month += 1
    for day in (as_of.day, 30, 29, 28):
        try:
            return datetime.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _recency_points(months_ago: int, bands: list[dict]) -> Decimal:
    for band in bands:
        if int(band["from_months"]) <= months_ago < int(band["to_months"]):
            return Decimal(str(band["points"]))
    return Decimal(0)


def _fmt(value: Decimal) -> str:
    value = value.normalize()
    return f"{value:f}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def compute_rfg(*, incidents: Iterable[IncidentFacts], spec: RfgSpec, as_of: datetime.date) -> RfgResult:
    """The score, its components and a plain-English reason. Pure: same input, same output."""
    start = window_start(as_of, spec.lookback_months)
    counted = [i for i in incidents if i.is_domestic_abuse and start < i.occurred_on <= as_of]
    if not counted:
        return RfgResult(
            score=Decimal("0.00"),
            components={
                "model_version": spec.version,
                "lookback_months": spec.lookback_months,
                "incidents": 0,
                "recency": "0",
                "frequency": "0",
                "gravity": "0",
                "victims": 0,
                "multiplier": "1",
            },
            why=f"No domestic-abuse incidents in the last {spec.lookback_months} months.",
        )
    latest = max(i.occurred_on for i in counted)
    months_ago = months_between(latest, as_of)
    recency = _recency_points(months_ago, spec.recency_bands)
    frequency = spec.frequency_points * len(counted)
    gravest = max(counted, key=lambda i: (spec.gravity(i.offence), i.occurred_on))
    gravity = spec.gravity(gravest.offence)
    victims: set[int] = set().union(*(i.victim_ids for i in counted))
    multiplier = Decimal(1) + spec.victim_step * max(len(victims) - 1, 0)
    score = ((recency + frequency + gravity) * multiplier).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    gravest_label = gravest.offence_label or spec.offence_labels.get(gravest.offence, gravest.offence)
    when = "less than a month ago" if months_ago == 0 else f"{_plural(months_ago, 'month')} ago"
    parts = [
        f"{_plural(len(counted), 'incident')} in {spec.lookback_months} months",
        f"most recent {when} (recency {_fmt(recency)})",
        f"frequency {_fmt(frequency)}",
        f"highest gravity: {gravest_label} (weight {_fmt(gravity)})",
    ]
    if victims:
        parts.append(f"{_plural(len(victims), 'victim')} (×{_fmt(multiplier)})")
    else:
        parts.append("no victims recorded (×1)")
    return RfgResult(
        score=score,
        components={
            "model_version": spec.version,
            "lookback_months": spec.lookback_months,
            "incidents": len(counted),
            "most_recent": latest.isoformat(),
            "months_since_most_recent": months_ago,
            "recency": _fmt(recency),
            "frequency": _fmt(frequency),
            "gravity": _fmt(gravity),
            "gravest_offence": gravest.offence,
            "gravest_offence_label": gravest_label,
            "victims": len(victims),
            "multiplier": _fmt(multiplier),
        },
        why="; ".join(parts)
        + f". Score ({_fmt(recency)} + {_fmt(frequency)} + {_fmt(gravity)}) × {_fmt(multiplier)} = {_fmt(score)}.",
    )
