"""Police references unique per police force; who restricted a case, when and why.

Police references are unique per police force (area), not across the whole service.

Before, one area's import or feed push of a reference another area held was counted "already
present": it told the pushing area which references the other holds, and blocked the other's
later import. Each incident now carries the area whose reference it is (its perpetrator's area
when recorded; existing rows take their perpetrator's area), and the unique constraint is on
(area, police_reference).

A case's `restricted` flag (visible only to its allocated workers and named users) is now set
and cleared by a supervisor of its team with a reason (casework.restriction): the case keeps the
reason, who and when; its history keeps earlier ones.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

FILL = """
UPDATE casework_incident SET area_id = (
    SELECT p.area_id FROM casework_perpetrator p WHERE p.id = casework_incident.perpetrator_id
);
UPDATE casework_historicalincident SET area_id = (
    SELECT p.area_id FROM casework_perpetrator p WHERE p.id = casework_historicalincident.perpetrator_id
);
"""


def fill_area(apps, schema_editor):
    for statement in FILL.strip().split(";\n"):
        schema_editor.execute(statement.rstrip(";"))
    if schema_editor.connection.vendor == "postgresql":
        # The updates queue deferred foreign-key checks; PostgreSQL will not ALTER a table with
        # checks pending, so they run now rather than at commit.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


HELP = "The police force area that recorded it (the person's area when it was recorded)."


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("casework", "0011_no_contact_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="incident", name="incident_police_reference_unique"),
        migrations.AddField(
            model_name="historicalincident",
            name="area",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text=HELP,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="accounts.area",
            ),
        ),
        migrations.AddField(
            model_name="incident",
            name="area",
            field=models.ForeignKey(
                null=True,
                help_text=HELP,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.area",
            ),
        ),
        migrations.RunPython(fill_area, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="incident",
            name="area",
            field=models.ForeignKey(
                help_text=HELP,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.area",
            ),
        ),
        migrations.AddConstraint(
            model_name="incident",
            constraint=models.UniqueConstraint(
                condition=models.Q(("police_reference", ""), _negated=True),
                fields=("area", "police_reference"),
                name="incident_area_police_reference_unique",
            ),
        ),
        migrations.AddField(
            model_name="case", name="restricted_at", field=models.DateTimeField(blank=True, null=True)
        ),
        migrations.AddField(
            model_name="case",
            name="restricted_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="case",
            name="restricted_reason",
            field=models.TextField(blank=True, verbose_name="Why access is restricted"),
        ),
        migrations.AddField(
            model_name="historicalcase",
            name="restricted_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="historicalcase",
            name="restricted_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalcase",
            name="restricted_reason",
            field=models.TextField(blank=True, verbose_name="Why access is restricted"),
        ),
    ]
