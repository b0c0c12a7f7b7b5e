"""Seed England and Wales bank holidays 2024–2028 into the admin-editable table.

Self-contained, as a migration must be: the dates come from the `holidays` package directly
(England's calendar, which is England and Wales'), weekdays only, named as gov.uk names them:
the same 40 rows the hand-typed gov.uk list this migration first shipped with installed.
Migration 0004 keeps the table filled for the years after.
"""

from django.db import migrations
from holidays import country_holidays

GOV_UK_TITLES = {
    "May Day": "Early May bank holiday",
    "Spring Bank Holiday": "Spring bank holiday",
    "Late Summer Bank Holiday": "Summer bank holiday",
}


def _gov_uk_title(name):
    substitute = name.endswith(" (observed)")
    base = name.removesuffix(" (observed)")
    title = GOV_UK_TITLES.get(base, base)
    return f"{title} (substitute day)" if substitute else title


def seed(apps, schema_editor):
    BankHoliday = apps.get_model("referrals", "BankHoliday")
    calendar = country_holidays("GB", subdiv="ENG", years=range(2024, 2029))
    for date, name in sorted(calendar.items()):
        if date.weekday() < 5:
            BankHoliday.objects.get_or_create(date=date, defaults={"title": _gov_uk_title(name)})


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
