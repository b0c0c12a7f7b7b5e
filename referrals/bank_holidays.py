"""England and Wales bank holidays and working-day arithmetic for referral time targets.

The dates come from gov.uk/bank-holidays (England and Wales division), 2024–2028. They seed
the admin-editable `BankHoliday` table (migration 0002); working days are counted against
that table, so an admin can add a one-off holiday (a coronation, say) without a release.
"""

from __future__ import annotations

import datetime

ENGLAND_AND_WALES: dict[datetime.date, str] = {
    datetime.date(2024, 1, 1): "New Year's Day",
    datetime.date(2024, 3, 29): "Good Friday",
    datetime.date(2024, 4, 1): "Easter Monday",
    datetime.date(2024, 5, 6): "Early May bank holiday",
    datetime.date(2024, 5, 27): "Spring bank holiday",
    datetime.date(2024, 8, 26): "Summer bank holiday",
    datetime.date(2024, 12, 25): "Christmas Day",
    datetime.date(2024, 12, 26): "Boxing Day",
    datetime.date(2025, 1, 1): "New Year's Day",
    datetime.date(2025, 4, 18): "Good Friday",
    datetime.date(2025, 4, 21): "Easter Monday",
    datetime.date(2025, 5, 5): "Early May bank holiday",
    datetime.date(2025, 5, 26): "Spring bank holiday",
    datetime.date(2025, 8, 25): "Summer bank holiday",
    datetime.date(2025, 12, 25): "Christmas Day",
    datetime.date(2025, 12, 26): "Boxing Day",
    datetime.date(2026, 1, 1): "New Year's Day",
    datetime.date(2026, 4, 3): "Good Friday",
    datetime.date(2026, 4, 6): "Easter Monday",
    datetime.date(2026, 5, 4): "Early May bank holiday",
    datetime.date(2026, 5, 25): "Spring bank holiday",
    datetime.date(2026, 8, 31): "Summer bank holiday",
    datetime.date(2026, 12, 25): "Christmas Day",
    datetime.date(2026, 12, 28): "Boxing Day (substitute day)",
    datetime.date(2027, 1, 1): "New Year's Day",
    datetime.date(2027, 3, 26): "Good Friday",
    datetime.date(2027, 3, 29): "Easter Monday",
    datetime.date(2027, 5, 3): "Early May bank holiday",
    datetime.date(2027, 5, 31): "Spring bank holiday",
    datetime.date(2027, 8, 30): "Summer bank holiday",
    datetime.date(2027, 12, 27): "Christmas Day (substitute day)",
    datetime.date(2027, 12, 28): "Boxing Day (substitute day)",
    datetime.date(2028, 1, 3): "New Year's Day (substitute day)",
    datetime.date(2028, 4, 14): "Good Friday",
    datetime.date(2028, 4, 17): "Easter Monday",
    datetime.date(2028, 5, 1): "Early May bank holiday",
    datetime.date(2028, 5, 29): "Spring bank holiday",
    datetime.date(2028, 8, 28): "Summer bank holiday",
    datetime.date(2028, 12, 25): "Christmas Day",
    datetime.date(2028, 12, 26): "Boxing Day",
}


def add_working_days(start: datetime.date, days: int, holidays: set[datetime.date]) -> datetime.date:
    """The date `days` working days after `start` (weekends and `holidays` skipped).

    Day 0 is `start` itself; "within 2 working days" of a Friday referral is the Tuesday.
    """
    current = start
    remaining = days
    while remaining > 0:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5 and current not in holidays:
            remaining -= 1
    return current


def working_days_between(start: datetime.date, end: datetime.date, holidays: set[datetime.date]) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count = 0
    current = start
    while current < end:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5 and current not in holidays:
            count += 1
    return count
