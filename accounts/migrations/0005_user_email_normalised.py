"""Emails are stored normalised (stripped, lower case: accounts.models.normalise_email).

Existing rows are normalised first; two accounts that differ only in letter case or spaces
cannot both be kept, so the migration stops and names them for an administrator to merge.
Then a check constraint keeps every stored email normalised, which also makes the unique
constraint on email case-insensitive.
"""

import django.db.models.functions.text
from django.db import migrations, models


def normalise_existing(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    seen = {}
    for pk, email in User.objects.values_list("pk", "email"):
        normal = (email or "").strip().lower()
        if normal in seen:
            raise RuntimeError(
                f"Users {seen[normal]} and {pk} have the same email apart from letter case or spaces; "
                "merge or rename one of them, then migrate again."
            )
        seen[normal] = pk
        if normal != email:
            User.objects.filter(pk=pk).update(email=normal)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_retention_and_sar"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(normalise_existing, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("email", django.db.models.functions.text.Lower(django.db.models.functions.text.Trim("email")))
                ),
                name="user_email_normalised",
                violation_error_message="Enter the email address in lower case without spaces.",
            ),
        ),
    ]
