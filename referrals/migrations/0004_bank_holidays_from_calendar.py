"""Bank holidays come from the `holidays` package, years ahead, and admins' edits stay theirs.

Each row records where it came from (`source`) and the date the calendar gave it
(`package_date`), and an admin may mark a calendar date a working day. The rows migration 0002
installed are the calendar's; this year and the next five are filled now, and a monthly job
(`referrals.tasks.bank_holidays_fill`) keeps the table five years ahead.

Self-contained, as a migration must be: the calendar is read from the `holidays` package here,
not through referrals.bank_holidays.
"""

import datetime

from django.db import migrations, models
from holidays import country_holidays

YEARS_AHEAD = 5
FILL_TASK = "Bank holiday calendar fill"

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


def _calendar(years):
    return {
        date: _gov_uk_title(name)
        for date, name in sorted(country_holidays("GB", subdiv="ENG", years=list(years)).items())
        if date.weekday() < 5
    }


def fill(apps, schema_editor=None):
    """Claim the calendar's rows already there, then add this year's and the next five years'
    (idempotent; the tests reinstall it after a flush)."""
    BankHoliday = apps.get_model("referrals", "BankHoliday")
    seeded = BankHoliday.objects.filter(package_date__isnull=True)
    known = _calendar({row.date.year for row in seeded})
    for row in seeded:
        if row.date in known and not BankHoliday.objects.filter(package_date=row.date).exists():
            row.package_date = row.date
            if known[row.date] == row.title:
                row.source = "package"
            row.save(update_fields=["package_date", "source"])
    this_year = datetime.date.today().year
    for date, title in _calendar(range(this_year, this_year + YEARS_AHEAD + 1)).items():
        if BankHoliday.objects.filter(models.Q(package_date=date) | models.Q(date=date)).exists():
            continue
        BankHoliday.objects.create(date=date, title=title, source="package", package_date=date)


def schedule(apps, schema_editor=None):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    monthly, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="4", day_of_week="*", day_of_month="1", month_of_year="*", timezone="Europe/London"
    )
    PeriodicTask.objects.get_or_create(
        name=FILL_TASK,
        defaults={
            "task": "referrals.tasks.bank_holidays_fill",
            "crontab": monthly,
            "description": "Adds England and Wales bank holidays five years ahead. Never changes an admin's edit.",
        },
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=FILL_TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0003_named_victim_pick_up"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AddField(
            model_name="bankholiday",
            name="package_date",
            field=models.DateField(blank=True, editable=False, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="bankholiday",
            name="source",
            field=models.CharField(
                choices=[("package", "Bank holiday calendar"), ("admin", "Added or changed by an admin")],
                default="admin",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="bankholiday",
            name="working_day",
            field=models.BooleanField(
                default=False,
                help_text="Tick to count this date as a working day after all (the calendar fill will not undo it).",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(schedule, unschedule),
    ]
