"""A risk-flag re-scan every 15 minutes that skips rules when nothing they read has changed.

The daily 06:00 scan still runs every rule in full. Between scans, each change raises its flags
through its own job within minutes; the re-scan catches any such job that was lost (for example
while Redis was down) within 15 minutes instead of the next morning, and costs two tiny queries
when nothing has changed (casework.change_marker).
"""

import json

from django.db import migrations

RESCAN = "Risk-flag re-scan (skipped when nothing changed)"


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_15, _ = IntervalSchedule.objects.get_or_create(every=15, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=RESCAN,
        defaults={
            "task": "casework.tasks.daily_risk_scan",
            "interval": every_15,
            "kwargs": json.dumps({"incremental": True}),
            "description": "Re-runs the risk rules whose inputs changed since their last run today.",
        },
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=RESCAN).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0008_scan_runs"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
