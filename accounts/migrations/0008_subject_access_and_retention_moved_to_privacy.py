"""Subject access and retention move to the privacy app (privacy migration 0001).

State only: the tables stay where they are, under their accounts_* names, now owned by privacy's
models (`Meta.db_table`).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_sar_exemptions"),
        ("privacy", "0001_subject_access_and_retention_from_accounts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="saritem", name="decided_by"),
                migrations.RemoveField(model_name="saritem", name="sar"),
                migrations.RemoveField(model_name="subjectaccessrequest", name="area"),
                migrations.RemoveField(model_name="subjectaccessrequest", name="requested_by"),
                migrations.DeleteModel(name="RetentionPolicy"),
                migrations.DeleteModel(name="RetentionReview"),
                migrations.DeleteModel(name="SarItem"),
                migrations.DeleteModel(name="SubjectAccessRequest"),
            ],
        ),
    ]
