"""Bank holidays: filled years ahead from the `holidays` package, admins' edits kept, working days."""

from __future__ import annotations

import datetime
from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django_celery_beat.models import PeriodicTask

from referrals import tasks
from referrals.bank_holidays import (
    add_working_days,
    bank_holidays_fill,
    england_and_wales,
)
from referrals.models import BankHoliday, ServiceTarget
from referrals.selectors import first_contact_due, holidays

pytestmark = pytest.mark.django_db

# The gov.uk list (England and Wales) for 2024–2028 that migration 0002 was first written with.
GOV_UK_2024_TO_2028 = {
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


def test_the_calendar_gives_gov_uk_dates_and_names_for_england_and_wales():
    assert england_and_wales(range(2024, 2029)) == GOV_UK_2024_TO_2028


def test_one_off_holidays_come_with_the_calendar():
    assert england_and_wales([2023])[datetime.date(2023, 5, 8)] == "Coronation of Charles III"


def test_the_migrations_install_the_gov_uk_rows_and_years_ahead():
    rows = dict(BankHoliday.objects.values_list("date", "title"))
    assert GOV_UK_2024_TO_2028.items() <= rows.items()
    this_year = datetime.date.today().year
    assert max(rows).year == this_year + 5
    assert (
        BankHoliday.objects.filter(source=BankHoliday.Source.PACKAGE, package_date__isnull=True).count() == 0
    )


def test_the_fill_adds_years_ahead_and_runs_again_without_duplicates():
    added = bank_holidays_fill(today=datetime.date(2040, 6, 1))
    assert added == len(england_and_wales(range(2040, 2046)))
    assert BankHoliday.objects.get(date=datetime.date(2045, 12, 25)).source == BankHoliday.Source.PACKAGE
    assert bank_holidays_fill(today=datetime.date(2040, 6, 1)) == 0


def test_the_fill_never_overwrites_what_an_admin_changed():
    christmas = datetime.date(2040, 12, 25)
    bank_holidays_fill(today=datetime.date(2040, 1, 1))
    # An admin moves Christmas, renames Boxing Day and marks Good Friday a working day.
    BankHoliday.objects.filter(date=christmas).update(
        date=datetime.date(2040, 12, 24), title="Christmas Eve instead", source=BankHoliday.Source.ADMIN
    )
    BankHoliday.objects.filter(date=datetime.date(2040, 12, 26)).update(
        title="St Stephen's Day", source=BankHoliday.Source.ADMIN
    )
    good_friday = BankHoliday.objects.get(title="Good Friday", date__year=2040)
    good_friday.working_day = True
    good_friday.source = BankHoliday.Source.ADMIN
    good_friday.save()

    assert bank_holidays_fill(today=datetime.date(2040, 1, 1)) == 0

    assert not BankHoliday.objects.filter(date=christmas).exists()
    assert BankHoliday.objects.get(date=datetime.date(2040, 12, 24)).title == "Christmas Eve instead"
    assert BankHoliday.objects.get(date=datetime.date(2040, 12, 26)).title == "St Stephen's Day"
    good_friday.refresh_from_db()
    assert good_friday.working_day
    assert good_friday.date not in holidays()


def test_a_date_an_admin_added_first_keeps_the_admins_title():
    BankHoliday.objects.create(date=datetime.date(2041, 1, 1), title="New Year")
    bank_holidays_fill(today=datetime.date(2041, 1, 1))
    row = BankHoliday.objects.get(date=datetime.date(2041, 1, 1))
    assert (row.title, row.source, row.package_date) == ("New Year", "admin", datetime.date(2041, 1, 1))


def test_a_calendar_row_no_admin_touched_follows_the_calendar():
    bank_holidays_fill(today=datetime.date(2042, 1, 1))
    BankHoliday.objects.filter(date=datetime.date(2042, 12, 25)).update(title="Xmas")
    bank_holidays_fill(today=datetime.date(2042, 1, 1))
    assert BankHoliday.objects.get(date=datetime.date(2042, 12, 25)).title == "Christmas Day"


def test_saving_in_admin_makes_the_row_the_admins_and_calendar_rows_cannot_be_deleted(world):
    admin = site._registry[BankHoliday]
    request = RequestFactory().post("/")
    request.user = world.users["admin"]
    row = BankHoliday.objects.filter(source=BankHoliday.Source.PACKAGE).first()
    row.title = "Renamed"
    admin.save_model(request, row, form=None, change=True)
    row.refresh_from_db()
    assert row.source == BankHoliday.Source.ADMIN
    assert not admin.has_delete_permission(request, row)
    assert "delete_selected" not in admin.get_actions(request)


def test_the_monthly_job_fills_and_is_scheduled():
    task = PeriodicTask.objects.get(name="Bank holiday calendar fill")
    assert task.task == "referrals.tasks.bank_holidays_fill"
    BankHoliday.objects.filter(date__year=datetime.date.today().year + 5).delete()
    assert tasks.bank_holidays_fill.apply().get() > 0


def test_the_data_migration_claims_the_rows_0002_installed():
    migration = import_module("referrals.migrations.0004_bank_holidays_from_calendar")
    BankHoliday.objects.all().delete()
    import_module("referrals.migrations.0002_seed_bank_holidays").seed(apps, None)
    assert not BankHoliday.objects.filter(source=BankHoliday.Source.PACKAGE).exists()
    migration.fill(apps)
    assert BankHoliday.objects.filter(date__year__lte=2028).count() == len(GOV_UK_2024_TO_2028)
    assert not BankHoliday.objects.filter(date__year__lte=2028, package_date__isnull=True).exists()
    assert set(BankHoliday.objects.filter(date__year__lte=2028).values_list("source", flat=True)) == {
        "package"
    }


def test_working_days_skip_weekends_and_bank_holidays():
    days_off = set(GOV_UK_2024_TO_2028)
    # Thursday 24 December 2026 + 2 working days: Fri 25 and Mon 28 are holidays → Wed 30.
    assert add_working_days(datetime.date(2026, 12, 24), 2, days_off) == datetime.date(2026, 12, 30)
    # Friday + 1 working day = Monday.
    assert add_working_days(datetime.date(2026, 11, 20), 1, days_off) == datetime.date(2026, 11, 23)


def test_a_date_marked_a_working_day_counts_towards_the_target(world):
    team = world.team("case_management", "north")
    ServiceTarget.objects.create(team=team, first_contact_working_days=1)
    christmas_eve = datetime.date(2026, 12, 24)
    assert first_contact_due(team, christmas_eve) == datetime.date(2026, 12, 29)
    BankHoliday.objects.filter(date=datetime.date(2026, 12, 25)).update(working_day=True)
    assert first_contact_due(team, christmas_eve) == datetime.date(2026, 12, 25)
