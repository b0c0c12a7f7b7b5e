"""Seed England and Wales bank holidays 2024–2028 (gov.uk) into the admin-editable table."""

from django.db import migrations


def seed(apps, schema_editor):
    from referrals.bank_holidays import ENGLAND_AND_WALES

    BankHoliday = apps.get_model("referrals", "BankHoliday")
    for date, title in ENGLAND_AND_WALES.items():
        BankHoliday.objects.get_or_create(date=date, defaults={"title": title})


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
