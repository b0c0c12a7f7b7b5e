"""England and Wales bank holidays and working-day arithmetic for referral time targets.

The dates come from the `holidays` package (`country_holidays("GB", subdiv="ENG")`, which is
England and Wales' calendar), named as gov.uk/bank-holidays names them. `bank_holidays_fill`
keeps the admin-editable `BankHoliday` table filled for this year and the next
`YEARS_AHEAD` (monthly, `referrals.tasks.bank_holidays_fill`), so the list never runs out;
working days are counted against that table, so an admin can add a one-off holiday without a
release. A row an admin added or changed is never overwritten, and one an admin marked a
working day after all is not put back.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from holidays import country_holidays

from referrals.models import BankHoliday

YEARS_AHEAD = 5

# The holidays package's names → gov.uk's. Holidays not listed (a coronation, a state funeral)
# keep the package's name.
GOV_UK_TITLES = {
    "May Day": "Early May bank holiday",
    "Spring Bank Holiday": "Spring bank holiday",
    "Late Summer Bank Holiday": "Summer bank holiday",
}


def _gov_uk_title(name: str) -> str:
    substitute = name.endswith(" (observed)")
    base = name.removesuffix(" (observed)")
    title = GOV_UK_TITLES.get(base, base)
    return f"{title} (substitute day)" if substitute else title


def england_and_wales(years: Iterable[int]) -> dict[datetime.date, str]:
    """The bank holidays falling on weekdays in `years`, with gov.uk's names.

    A holiday on a weekend is left out: weekends are not working days anyway, and its
    substitute day (the package's "observed" day) is listed.
    """
    calendar = country_holidays("GB", subdiv="ENG", years=list(years))
    return {date: _gov_uk_title(name) for date, name in sorted(calendar.items()) if date.weekday() < 5}


@transaction.atomic
def bank_holidays_fill(*, years_ahead: int = YEARS_AHEAD, today: datetime.date | None = None) -> int:
    """Add the package's bank holidays for this year and the next `years_ahead`; return how many.

    Idempotent. Rows are matched on the date the package gave (`package_date`), so a holiday
    an admin moved, renamed or marked a working day is left as the admin set it, and a date an
    admin had already added is kept with the admin's title. Only rows the fill wrote itself and
    no admin has touched follow the package (a renamed substitute day, say). Writes no audit
    event: this is public reference data, written by no user.
    """
    today = today or timezone.localdate()
    wanted = england_and_wales(range(today.year, today.year + years_ahead + 1))
    known = {row.package_date: row for row in BankHoliday.objects.filter(package_date__in=list(wanted))}
    taken = {row.date: row for row in BankHoliday.objects.filter(date__in=list(wanted))}
    added = 0
    for date, title in wanted.items():
        row = known.get(date)
        if row is not None:
            if row.source == BankHoliday.Source.PACKAGE and row.title != title:
                row.title = title
                row.save(update_fields=["title"])
            continue
        holder = taken.get(date)
        if holder is not None:
            if holder.package_date is None:
                holder.package_date = date
                holder.save(update_fields=["package_date"])
            continue
        BankHoliday.objects.create(
            date=date, title=title, source=BankHoliday.Source.PACKAGE, package_date=date
        )
        added += 1
    return added


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
