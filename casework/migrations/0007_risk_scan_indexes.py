"""Indexes for the risk scans' date windows (casework.jobs and victims/flag_rules.py).

Each scan is one query over a recent window of one date column; without these indexes the
daily scan reads every incident, breach, custody record and new-partner notice.

`NewPartnerNotice` belongs to the victims app, so its index is created here with SQL and is not
part of the model state (no model change is needed; `IF NOT EXISTS` keeps it safe to re-run).
"""

from django.db import migrations, models

NEW_PARTNER_INDEX = "newpartner_recorded_scan_idx"


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0006_risk_flag_schedules"),
        ("victims", "0003_dash_paraphrased_instrument"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="custodyrecord",
            index=models.Index(
                condition=models.Q(("released_on__isnull", True)),
                fields=["expected_release_month"],
                name="custody_release_month_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="custodyrecord",
            index=models.Index(
                condition=models.Q(("released_on__isnull", False)),
                fields=["released_on"],
                name="custody_released_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="incident",
            index=models.Index(
                condition=models.Q(("deleted_at__isnull", True), ("is_domestic_abuse", True)),
                fields=["created_at"],
                name="incident_created_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="orderbreach",
            index=models.Index(
                condition=models.Q(("deleted_at__isnull", True)),
                fields=["created_at"],
                name="breach_created_idx",
            ),
        ),
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {NEW_PARTNER_INDEX} ON victims_newpartnernotice (recorded_at)",
            reverse_sql=f"DROP INDEX IF EXISTS {NEW_PARTNER_INDEX}",
        ),
    ]
