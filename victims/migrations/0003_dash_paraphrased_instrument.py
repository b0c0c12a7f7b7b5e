from django.db import migrations

from victims import dash_questions


def load(apps, schema_editor):
    DashInstrument = apps.get_model("victims", "DashInstrument")
    if not DashInstrument.objects.filter(version=dash_questions.VERSION).exists():
        DashInstrument.objects.create(
            version=dash_questions.VERSION,
            title="DASH risk identification checklist (paraphrased)",
            questions=dash_questions.as_instrument_questions(),
            active=not DashInstrument.objects.filter(active=True).exists(),
            escalation_incidents=3,
        )


class Migration(migrations.Migration):
    dependencies = [("victims", "0002_historicalvictim_disability_and_more")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
