"""Reporting periods: financial-year quarters (April to June is Q1), financial years, last 12 months."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    start: datetime.date
    end: datetime.date  # inclusive


def _quarter_of(day: datetime.date) -> tuple[int, int]:
    """(financial year starting April, quarter 1-4) containing `day`."""
    fy = day.year if day.month >= 4 else day.year - 1
    quarter = ((day.month - 4) % 12) // 3 + 1
    return fy, quarter


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _quarter(fy: int, quarter: int) -> Period:
    start = _add_months(datetime.date(fy, 4, 1), (quarter - 1) * 3)
    end = _add_months(start, 3) - datetime.timedelta(days=1)
    label = f"{start:%b}–{end:%b %Y} (Q{quarter} {fy}/{str(fy + 1)[2:]})"
    return Period(f"fy{fy}q{quarter}", label, start, end)


def _year(fy: int) -> Period:
    return Period(
        f"fy{fy}",
        f"Financial year {fy}/{str(fy + 1)[2:]}",
        datetime.date(fy, 4, 1),
        datetime.date(fy + 1, 3, 31),
    )


def _months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` earlier, or the month's last day when it has no such day (29–31)."""
    first = _add_months(day.replace(day=1), -months)
    following = _add_months(first, 1)
    return first.replace(day=min(day.day, (following - datetime.timedelta(days=1)).day))


LAST_12_MONTHS = "Last 12 months, up to and including today"


def last_12_months(today: datetime.date) -> Period:
    """The 12 months up to and including today: from the day after the same date a year ago.

    (15 June 2025: 16 June 2024 to 15 June 2025. 29 February 2024: 1 March 2023 onwards.)
    """
    start = _months_before(today, 12) + datetime.timedelta(days=1)
    return Period("12m", LAST_12_MONTHS, start, today)


def available(today: datetime.date | None = None) -> list[Period]:
    """Last 12 months, then the current and previous 7 quarters, then the current and last 2 years."""
    today = today or timezone.localdate()
    periods = [last_12_months(today)]
    fy, quarter = _quarter_of(today)
    for _ in range(8):
        periods.append(_quarter(fy, quarter))
        fy, quarter = (fy, quarter - 1) if quarter > 1 else (fy - 1, 4)
    current_fy = _quarter_of(today)[0]
    periods.extend(_year(y) for y in (current_fy, current_fy - 1, current_fy - 2))
    return periods


def resolve(key: str | None, today: datetime.date | None = None) -> Period | None:
    for period in available(today):
        if period.key == key:
            return period
    return None


def default(today: datetime.date | None = None) -> Period:
    return available(today)[0]
