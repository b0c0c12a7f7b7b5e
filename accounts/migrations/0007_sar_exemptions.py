"""Subject access items carry a named DPA 2018 exemption and the reviewer's decision.

`third_party` / `released` become `exemption` / `decision`: a third-party item becomes one
withheld under "information about other people", a released one a "disclose" decision.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def forwards(apps, schema_editor):
    SarItem = apps.get_model("accounts", "SarItem")
    SarItem.objects.filter(third_party=True).update(exemption="third_party")
    SarItem.objects.filter(released=True).update(decision="disclose")
    for item in SarItem.objects.all().only("data"):
        if isinstance(item.data, dict):
            item.data = [[label, value] for label, value in item.data.items()]
            item.save(update_fields=["data"])


def backwards(apps, schema_editor):
    SarItem = apps.get_model("accounts", "SarItem")
    SarItem.objects.exclude(exemption="").update(third_party=True)
    SarItem.objects.filter(decision="disclose").exclude(exemption="").update(released=True)
    for item in SarItem.objects.all().only("data"):
        if isinstance(item.data, list):
            item.data = {pair[0]: pair[1] for pair in item.data}
            item.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_audit_erasure_only_through_retention"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="saritem", name="sar_item_release_needs_reason"),
        migrations.AddField(
            model_name="saritem",
            name="exemption",
            field=models.CharField(
                blank=True,
                choices=[
                    ("crime_taxation", "Crime and taxation"),
                    ("serious_harm", "Serious harm"),
                    ("third_party", "Information about other people"),
                    ("legal_privilege", "Legal professional privilege"),
                ],
                max_length=30,
            ),
        ),
        migrations.AddField(
            model_name="saritem",
            name="decision",
            field=models.CharField(
                blank=True, choices=[("disclose", "Disclose"), ("withhold", "Keep withheld")], max_length=20
            ),
        ),
        migrations.RenameField(model_name="saritem", old_name="third_party_reason", new_name="exemption_note"),
        migrations.RenameField(model_name="saritem", old_name="release_reason", new_name="decision_reason"),
        migrations.RenameField(model_name="saritem", old_name="released_by", new_name="decided_by"),
        migrations.RenameField(model_name="saritem", old_name="released_at", new_name="decided_at"),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="saritem", name="third_party"),
        migrations.RemoveField(model_name="saritem", name="released"),
        migrations.AlterField(
            model_name="saritem",
            name="exemption_note",
            field=models.CharField(
                blank=True,
                help_text="Why this kind of item falls under the exemption (for the reviewer)",
                max_length=200,
            ),
        ),
        migrations.AlterField(
            model_name="saritem",
            name="decided_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="saritem",
            name="section",
            field=models.CharField(help_text="A heading the subject reads, e.g. About you", max_length=120),
        ),
        migrations.AlterField(
            model_name="saritem",
            name="data",
            field=models.JSONField(
                default=list, help_text="[label, value] pairs in words, in reading order, as gathered"
            ),
        ),
        migrations.AddConstraint(
            model_name="saritem",
            constraint=models.CheckConstraint(
                condition=models.Q(("decision", ""))
                | models.Q(models.Q(("decision_reason", ""), _negated=True), ("decided_at__isnull", False)),
                name="sar_item_decision_needs_reason",
            ),
        ),
        migrations.AddConstraint(
            model_name="saritem",
            constraint=models.CheckConstraint(
                condition=models.Q(models.Q(("decision", "withhold"), _negated=True), models.Q(("exemption", ""), _negated=True), _connector="OR"),
                name="sar_item_withheld_names_exemption",
            ),
        ),
    ]
