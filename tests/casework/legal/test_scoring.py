"""RFG scoring worked by hand. The arithmetic of each example is in its comments."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from casework.scoring import (
    IncidentFacts,
    RfgSpec,
    compute_rfg,
    months_between,
    validate_recency_bands,
    window_start,
)

AS_OF = datetime.date(2026, 6, 15)

SPEC = RfgSpec(
    version=1,
    lookback_months=36,
    recency_bands=[
        {"from_months": 0, "to_months": 6, "points": 5},
        {"from_months": 6, "to_months": 12, "points": 3},
        {"from_months": 12, "to_months": 24, "points": 2},
        {"from_months": 24, "to_months": 36, "points": 1},
    ],
    frequency_points=Decimal("1"),
    gravity_weights={"common_assault": Decimal("2"), "abh": Decimal("4"), "gbh": Decimal("5")},
    default_gravity=Decimal("1"),
    victim_step=Decimal("0.5"),
    offence_labels={
        "common_assault": "Common assault",
        "abh": "ABH",
        "gbh": "GBH",
        "harassment": "Harassment",
    },
)


def facts(date, offence, *victims, domestic=True):
    return IncidentFacts(
        occurred_on=date, offence=offence, victim_ids=frozenset(victims), is_domestic_abuse=domestic
    )


def test_example_1_three_incidents_two_victims():
    incidents = [
        facts(datetime.date(2026, 4, 10), "abh", 1),  # 2 months ago (10 Apr → 15 Jun)
        facts(datetime.date(2025, 9, 1), "common_assault", 2),  # 9 months ago
        facts(datetime.date(2024, 1, 20), "harassment", 1),  # 28 months ago, still inside 36
    ]
    result = compute_rfg(incidents=incidents, spec=SPEC, as_of=AS_OF)
    # recency: most recent is 2 months ago → band 0–6 → 5
    # frequency: 3 incidents × 1 point = 3
    # gravity: highest weight is ABH = 4 (common assault 2, harassment not listed → default 1)
    # victims: {1, 2} = 2 → multiplier 1 + 0.5 × (2 − 1) = 1.5
    # score: (5 + 3 + 4) × 1.5 = 18
    assert result.score == Decimal("18.00")
    assert result.components["recency"] == "5"
    assert result.components["frequency"] == "3"
    assert result.components["gravity"] == "4"
    assert result.components["multiplier"] == "1.5"
    assert result.why.startswith(
        "3 incidents in 36 months; most recent 2 months ago (recency 5); frequency 3; "
        "highest gravity: ABH (weight 4); 2 victims (×1.5)"
    )


def test_example_2_old_incidents_and_one_outside_the_window():
    incidents = [
        facts(datetime.date(2025, 3, 1), "gbh", 7),  # 15 months ago → band 12–24 → 2
        facts(datetime.date(2024, 8, 1), "common_assault", 7),  # 22 months ago, inside
        facts(datetime.date(2023, 6, 14), "gbh", 8),  # 36 months and 1 day ago: outside the window
        facts(datetime.date(2025, 5, 1), "abh", 9, domestic=False),  # not domestic abuse: not counted
    ]
    result = compute_rfg(incidents=incidents, spec=SPEC, as_of=AS_OF)
    # window starts 15 Jun 2023 (exclusive), so the 14 Jun 2023 GBH is dropped
    # recency 2 (15 months), frequency 2 × 1 = 2, gravity GBH 5, victims {7} → × 1
    # score: (2 + 2 + 5) × 1 = 9
    assert result.score == Decimal("9.00")
    assert result.components["incidents"] == 2
    assert result.components["victims"] == 1
    assert "1 victim (×1)" in result.why


def test_example_3_three_victims_fractional_weights():
    spec = RfgSpec(**{**SPEC.__dict__, "frequency_points": Decimal("0.5"), "victim_step": Decimal("0.25")})
    incidents = [
        facts(datetime.date(2026, 6, 1), "common_assault", 1),  # 0 months ago → 5
        facts(datetime.date(2026, 1, 1), "common_assault", 2),
        facts(datetime.date(2025, 12, 1), "harassment", 3),
        facts(datetime.date(2025, 7, 1), "common_assault", 1, 3),
    ]
    result = compute_rfg(incidents=incidents, spec=spec, as_of=AS_OF)
    # recency 5; frequency 4 × 0.5 = 2; gravity common assault 2
    # victims {1, 2, 3} = 3 → multiplier 1 + 0.25 × 2 = 1.5
    # score: (5 + 2 + 2) × 1.5 = 13.5
    assert result.score == Decimal("13.50")
    assert "most recent less than a month ago" in result.why
    assert result.why.endswith("Score (5 + 2 + 2) × 1.5 = 13.5.")


def test_no_incidents_scores_zero_with_a_reason():
    result = compute_rfg(incidents=[], spec=SPEC, as_of=AS_OF)
    assert result.score == 0
    assert result.why == "No domestic-abuse incidents in the last 36 months."


def test_incidents_without_victims_use_multiplier_one():
    result = compute_rfg(incidents=[facts(datetime.date(2026, 5, 1), "gbh")], spec=SPEC, as_of=AS_OF)
    # (5 + 1 + 5) × 1 = 11
    assert result.score == Decimal("11.00")
    assert "no victims recorded (×1)" in result.why


def test_future_incidents_are_not_counted():
    result = compute_rfg(incidents=[facts(datetime.date(2026, 7, 1), "gbh", 1)], spec=SPEC, as_of=AS_OF)
    assert result.score == 0


@pytest.mark.parametrize(
    ("earlier", "later", "months"),
    [
        (datetime.date(2026, 1, 15), datetime.date(2026, 3, 14), 1),
        (datetime.date(2026, 1, 15), datetime.date(2026, 3, 15), 2),
        (datetime.date(2025, 12, 31), datetime.date(2026, 1, 1), 0),
        (datetime.date(2020, 6, 15), datetime.date(2026, 6, 15), 72),
    ],
)
def test_months_between_counts_whole_calendar_months(earlier, later, months):
    assert months_between(earlier, later) == months


def test_recency_band_edges_are_from_inclusive_to_exclusive():
    # exactly 6 months ago falls in the 6–12 band (3 points), not 0–6
    result = compute_rfg(incidents=[facts(datetime.date(2025, 12, 15), "other")], spec=SPEC, as_of=AS_OF)
    assert result.components["recency"] == "3"


def test_window_start_clips_to_the_end_of_short_months():
    assert window_start(datetime.date(2026, 5, 31), 3) == datetime.date(2026, 2, 28)
    assert window_start(datetime.date(2026, 6, 15), 36) == datetime.date(2023, 6, 15)


@pytest.mark.parametrize(
    "bands",
    [
        [],
        "not a list",
        [{"from_months": 0, "to_months": 6}],
        [{"from_months": 6, "to_months": 6, "points": 1}],
        [{"from_months": -1, "to_months": 6, "points": 1}],
        [{"from_months": 0, "to_months": "x", "points": 1}],
        [{"from_months": 0, "to_months": 6, "points": -2}],
    ],
)
def test_malformed_recency_bands_are_refused(bands):
    with pytest.raises(ValueError):
        validate_recency_bands(bands)


def test_default_bands_are_valid():
    validate_recency_bands(SPEC.recency_bands)
