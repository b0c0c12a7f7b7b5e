"""A cheap answer to "has anything the risk rules read changed since the last scan?".

On PostgreSQL every table the rules can read carries a statement-level trigger that advances
one sequence, `tideline_change_seq`, whenever a statement inserts, updates, deletes or
truncates rows. Reading the sequence is one tiny query whatever the size of the tables, so a
scan can record the value it started from and a later scan on the same day, finding the value
unchanged, knows it would raise nothing new and skips (casework.flags.rules_due).

Tables the scan itself writes (flags, their recipients, the scan record), the audit trail,
history copies and API token stamps carry no trigger: a scan that raised flags, or people
reading records, does not make the next scan run again. Sequences are not transactional, so a
write rolled back still advances the value: that only causes a needless re-scan. A statement
counted while its transaction is still open may be missed by a scan running at that instant;
its own event job (casework.tasks) and the next day's full scan still raise its flag.

The triggers are (re)installed after every `migrate` (CaseworkConfig.ready), so tables added
later are watched too. SQLite has no such trigger here: `current()` returns None and every scan
runs in full, the same flags, just slower.
"""

from __future__ import annotations

from django.apps import apps
from django.db import connections

SEQUENCE = "tideline_change_seq"
FUNCTION = "tideline_note_change"
TRIGGER = "tideline_change"
WATCHED_APPS = ("accounts", "casework", "victims", "panels", "referrals")
# Written by scans, by reads or by the clock, not by the changes the rules look at.
UNWATCHED_MODELS = {
    "casework.riskflag",
    "casework.flagrecipient",
    "casework.scanrun",
    "accounts.auditevent",
    "accounts.apitoken",
}


def watched_tables() -> list[str]:
    tables = set()
    for label in WATCHED_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.label_lower in UNWATCHED_MODELS or model._meta.model_name.startswith("historical"):
                continue
            if model._meta.managed and not model._meta.proxy:
                tables.add(model._meta.db_table)
    return sorted(tables)


def install(using: str = "default") -> int:
    """Create the sequence, the function and a trigger on every watched table. Idempotent."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return 0
    existing = set(connection.introspection.table_names())
    tables = [table for table in watched_tables() if table in existing]
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE}")
        cursor.execute(
            f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN PERFORM nextval('{SEQUENCE}'); RETURN NULL; END $$"
        )
        for table in tables:
            quoted = connection.ops.quote_name(table)
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f"ON {quoted} FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
            )
        # A table no longer watched (its model moved to an app the rules do not read) loses its
        # trigger, so changes to it stop waking the re-scan.
        cursor.execute(
            "SELECT DISTINCT event_object_table FROM information_schema.triggers "
            "WHERE trigger_name = %s AND event_object_schema = current_schema()",
            [TRIGGER],
        )
        for (table,) in cursor.fetchall():
            if table not in tables:
                cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {connection.ops.quote_name(table)}")
    return len(tables)


def current(using: str = "default") -> int | None:
    """The sequence's value now (None where there is no marker: SQLite, or not installed yet)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT last_value FROM pg_sequences WHERE schemaname = current_schema() AND sequencename = %s",
            [SEQUENCE],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    return row[0] or 0  # NULL until the first change


def install_after_migrate(sender, using="default", **kwargs) -> None:
    if sender.name == "casework":
        install(using)
