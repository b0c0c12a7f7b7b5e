"""Audit rows leave the table only through the retention job's confirmed erasure.

Until now the append-only trigger let a DELETE through whenever the transaction had set
`tideline.audit_retention` to 'erase' (0004): any client can call `set_config(...)`, so any
connection of the app could delete audit rows, and TRUNCATE was not covered at all.

Now, on PostgreSQL:

- `accounts_audit_erase_month(review, time_zone)` is the one path. It is SECURITY DEFINER and
  owned by `tideline_audit_eraser`, a role that cannot log in and that no application role is
  a member of. It checks, in SQL, everything the retention job checks: the review exists, is
  for an audit month and is confirmed (status 'erased', decided by a user with an active DPO
  membership); the erasure's own audit event (written before the rows go, and itself
  append-only, so even a forged confirmation leaves an indelible trace) is on record; and the
  month is past the audit retention period (RetentionPolicy, default 2 years). Only then does
  it delete that month's events.
- The trigger lets a DELETE through only when the statement runs as `tideline_audit_eraser`,
  i.e. inside that function. Session settings no longer matter. UPDATE is always refused.
- A BEFORE TRUNCATE trigger refuses TRUNCATE (including a cascade from another table).

What an ordinary connection of the app cannot do: become `tideline_audit_eraser` (SET ROLE
needs membership), replace or re-own the function (needs its owner), or skip triggers with
`session_replication_role` (superuser only). What this does not stop: a superuser, and the
owner of `accounts_auditevent` dropping or disabling the trigger with DDL. A deployment that
wants the database itself to hold against a compromised application runs the web and worker
processes as a role that is neither (migrations as the owner). The test suite's database reset
(Django's flush, a TRUNCATE of every table) runs as the superuser with
`SET LOCAL session_replication_role = replica`, which production code cannot set
(tests/conftest.py).

Installing a function owned by another role needs a superuser: on a PostgreSQL database where
the migrating role is not one, this migration stops with an explanation instead of installing
a guard that could be bypassed. SQLite (the demo) has no trigger and skips all of this.
"""

from django.db import migrations

ROLE = "tideline_audit_eraser"

CREATE_ROLE = f"""
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{ROLE}') THEN
        BEGIN
            CREATE ROLE {ROLE} NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;  -- another database of this cluster created it at the same moment
        END;
    END IF;
END
$$;
"""

# {s} is the schema the tables live in, quoted; names are qualified so the function's pinned
# search_path (pg_catalog, then pg_temp last) cannot be used to substitute another table.
ERASE_FUNCTION = """
CREATE OR REPLACE FUNCTION {s}.accounts_audit_erase_month(p_review bigint, p_time_zone text)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    v_review {s}.accounts_retentionreview%ROWTYPE;
    v_first date;
    v_years integer;
    v_active boolean;
    v_today date := (now() AT TIME ZONE p_time_zone)::date;
    v_deleted bigint;
BEGIN
    SELECT * INTO v_review FROM {s}.accounts_retentionreview WHERE id = p_review;
    IF NOT FOUND OR v_review.record_type <> 'audit' OR v_review.object_id !~ '^[0-9]{{4}}-[0-9]{{2}}$' THEN
        RAISE EXCEPTION 'audit erasure refused: % is not a retention review of an audit month', p_review;
    END IF;
    IF v_review.status <> 'erased' OR v_review.decided_by_id IS NULL OR v_review.decided_at IS NULL THEN
        RAISE EXCEPTION 'audit erasure refused: review % has not been confirmed', p_review;
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM {s}.accounts_membership m JOIN {s}.accounts_user u ON u.id = m.user_id
        WHERE m.user_id = v_review.decided_by_id AND m.role = 'dpo' AND m.active AND u.is_active
    ) THEN
        RAISE EXCEPTION 'audit erasure refused: review % was not confirmed by a data protection officer', p_review;
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM {s}.accounts_auditevent e
        WHERE e.action = 'delete' AND e.object_type = 'accounts.auditevent'
          AND e.object_id = v_review.object_id AND e.user_id = v_review.decided_by_id
          AND e.purpose LIKE 'retention erasure (review ' || p_review || ')%'
    ) THEN
        RAISE EXCEPTION 'audit erasure refused: the erasure of review % is not itself audited', p_review;
    END IF;
    v_first := to_date(v_review.object_id || '-01', 'YYYY-MM-DD');
    SELECT years, active INTO v_years, v_active FROM {s}.accounts_retentionpolicy WHERE record_type = 'audit';
    IF NOT FOUND OR NOT v_active THEN
        v_years := 2;  -- accounts.models_retention.DEFAULT_YEARS, as accounts.retention uses it
    END IF;
    IF (v_first + interval '1 month' - interval '1 day')::date > (v_today - make_interval(years => v_years))::date THEN
        RAISE EXCEPTION 'audit erasure refused: % is still inside its retention period', v_review.object_id;
    END IF;
    DELETE FROM {s}.accounts_auditevent
    WHERE occurred_at >= (v_first::timestamp AT TIME ZONE p_time_zone)
      AND occurred_at < ((v_first + interval '1 month')::timestamp AT TIME ZONE p_time_zone);
    GET DIAGNOSTICS v_deleted = ROW_COUNT;
    RETURN v_deleted;
END;
$fn$;

GRANT USAGE ON SCHEMA {s} TO {role};
GRANT SELECT, DELETE ON {s}.accounts_auditevent TO {role};
GRANT SELECT ON {s}.accounts_retentionreview, {s}.accounts_retentionpolicy, {s}.accounts_membership TO {role};
GRANT SELECT (id, is_active) ON {s}.accounts_user TO {role};
ALTER FUNCTION {s}.accounts_audit_erase_month(bigint, text) OWNER TO {role};
"""

TRIGGER = f"""
CREATE OR REPLACE FUNCTION accounts_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_user = '{ROLE}' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION USING MESSAGE = 'audit events are append-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS accounts_auditevent_no_truncate ON accounts_auditevent;
CREATE TRIGGER accounts_auditevent_no_truncate
BEFORE TRUNCATE ON accounts_auditevent
FOR EACH STATEMENT EXECUTE FUNCTION accounts_auditevent_append_only();
"""

# Back to 0004's trigger (the session-setting exit), without the function or the TRUNCATE trigger.
UNDO = """
DROP TRIGGER IF EXISTS accounts_auditevent_no_truncate ON accounts_auditevent;
DROP FUNCTION IF EXISTS {s}.accounts_audit_erase_month(bigint, text);
CREATE OR REPLACE FUNCTION accounts_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('tideline.audit_retention', true) = 'erase' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION USING MESSAGE = 'audit events are append-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql;
"""

NOT_SUPERUSER = (
    "Migration accounts.0005 installs the audit table's erasure function under its own role "
    f"({ROLE}), which needs a PostgreSQL superuser. Run `python manage.py migrate accounts` once "
    "with a superuser's DATABASE_URL; the application can then run as an ordinary role."
)


def _schema(schema_editor) -> tuple[str, bool]:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_schema(), (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)")
        schema, superuser = cursor.fetchone()
    return schema_editor.connection.ops.quote_name(schema), bool(superuser)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema, superuser = _schema(schema_editor)
    if not superuser:
        raise RuntimeError(NOT_SUPERUSER)
    # params=None: the SQL holds literal % signs (PL/pgSQL's RAISE and LIKE), not placeholders.
    schema_editor.execute(CREATE_ROLE, params=None)
    schema_editor.execute(ERASE_FUNCTION.format(s=schema, role=ROLE), params=None)
    schema_editor.execute(TRIGGER, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema, _ = _schema(schema_editor)
    schema_editor.execute(UNDO.format(s=schema), params=None)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_user_email_normalised")]

    operations = [migrations.RunPython(forwards, backwards)]
