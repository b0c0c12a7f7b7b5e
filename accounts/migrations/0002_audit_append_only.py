"""On PostgreSQL, make the audit table append-only in the database itself.

The model refuses updates and deletes too, but a trigger also stops raw SQL, admin bulk
actions and anything else that goes around the ORM. SQLite (the demo run) skips it. TRUNCATE is left to the
owner role (test-database resets use it; retention runs under a DBA's hand).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION accounts_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'audit events are append-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER accounts_auditevent_no_update_delete
BEFORE UPDATE OR DELETE ON accounts_auditevent
FOR EACH ROW EXECUTE FUNCTION accounts_auditevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS accounts_auditevent_no_update_delete ON accounts_auditevent;
DROP FUNCTION IF EXISTS accounts_auditevent_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
