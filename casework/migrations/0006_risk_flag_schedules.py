"""Beat schedules for the risk-flag jobs, editable afterwards in admin (django-celery-beat)."""

from django.db import migrations

DAILY = "Daily risk-flag scan"
HOURLY = "Escalate unacknowledged risk flags"


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    six_am, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="6", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/London"
    )
    hourly, _ = IntervalSchedule.objects.get_or_create(every=1, period="hours")
    PeriodicTask.objects.get_or_create(
        name=DAILY,
        defaults={
            "task": "casework.tasks.daily_risk_scan",
            "crontab": six_am,
            "description": "Every risk rule over its date window; raises new flags and emails recipients.",
        },
    )
    PeriodicTask.objects.get_or_create(
        name=HOURLY,
        defaults={
            "task": "casework.tasks.escalate_flags",
            "interval": hourly,
            "description": "Flags unacknowledged for 2 working days go to the team's supervisors.",
        },
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[DAILY, HOURLY]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0005_risk_flags"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
