"""Backups: `pg_dump` custom-format dumps, restores, and a check that a dump really restores.

The check restores into a scratch database and compares every table's row count and a
checksum of the audit trail with the source, so a backup is only trusted once it has been
shown to come back whole.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
from django.db import connection

AUDIT_CHECKSUM_SQL = """
SELECT count(*), coalesce(md5(string_agg(
    concat_ws('|', id, occurred_at, user_id, user_email, organisation, role, action,
              object_type, object_id, purpose, request_id, ip_address, path), E'\\n' ORDER BY id)), '')
FROM accounts_auditevent
"""


@dataclass
class BackupCheck:
    dump: Path
    tables_compared: int = 0
    mismatches: list[str] = field(default_factory=list)
    audit_rows: int = 0
    audit_checksum: str = ""

    @property
    def ok(self) -> bool:
        return not self.mismatches


def _libpq_env(settings_dict: dict, database: str | None = None) -> dict:
    env = dict(os.environ)
    env.update(
        PGHOST=settings_dict.get("HOST") or "127.0.0.1",
        PGPORT=str(settings_dict.get("PORT") or 5432),
        PGUSER=settings_dict.get("USER") or "postgres",
        PGDATABASE=database or settings_dict["NAME"],
    )
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(f"{name} is not installed (Debian package postgresql-client).")
    return path


def _require_postgresql() -> dict:
    if connection.vendor != "postgresql":
        raise RuntimeError("Backups use pg_dump and need PostgreSQL (DATABASE_URL=postgres://...).")
    return connection.settings_dict


def backup(target: Path) -> Path:
    """Write a custom-format dump of the configured database to `target`."""
    settings_dict = _require_postgresql()
    target.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(  # noqa: S603 (fixed program, arguments built here)
        [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target)],
        env=_libpq_env(settings_dict),
        check=True,
        capture_output=True,
    )
    return target


# Backups are taken --no-owner, so a restore makes the restoring role own everything, the audit
# table's erasure function included; handed back to its own role, it works again (and only it
# does: accounts/migrations/0006_audit_erasure_only_through_retention.py). Until then an audit
# erasure is refused, never let through.
AUDIT_ERASER_ROLE = "tideline_audit_eraser"
REOWN_AUDIT_ERASER_SQL = f"""
DO $$
BEGIN
    IF to_regprocedure('accounts_audit_erase_month(bigint, text)') IS NOT NULL THEN
        ALTER FUNCTION accounts_audit_erase_month(bigint, text) OWNER TO {AUDIT_ERASER_ROLE};
    END IF;
END
$$;
"""


def _reown_audit_eraser(settings_dict: dict, database: str) -> None:
    conn = psycopg2.connect(
        host=settings_dict.get("HOST") or "127.0.0.1",
        port=settings_dict.get("PORT") or 5432,
        user=settings_dict.get("USER") or "postgres",
        password=settings_dict.get("PASSWORD") or None,
        dbname=database,
    )
    try:
        with conn, conn.cursor() as cursor:
            cursor.execute(REOWN_AUDIT_ERASER_SQL)
    finally:
        conn.close()


def restore(dump: Path, database: str) -> None:
    """Restore `dump` into `database` (which must exist), replacing what is there."""
    settings_dict = _require_postgresql()
    subprocess.run(  # noqa: S603
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--exit-on-error",
            "--dbname",
            database,
            str(dump),
        ],
        env=_libpq_env(settings_dict, database),
        check=True,
        capture_output=True,
    )
    _reown_audit_eraser(settings_dict, database)


# The audit table's guard: its triggers and who owns the erasure function (migration 0005).
AUDIT_GUARD_SQL = """
SELECT (SELECT string_agg(tgname, ',' ORDER BY tgname) FROM pg_trigger
        WHERE tgrelid = 'accounts_auditevent'::regclass AND NOT tgisinternal AND tgenabled <> 'D'),
       (SELECT proowner::regrole::text FROM pg_proc
        WHERE oid = to_regprocedure('accounts_audit_erase_month(bigint, text)'))
"""


def _snapshot(cursor) -> tuple[dict[str, int], tuple[int, str], tuple[str, str]]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    counts = {}
    for (table,) in cursor.fetchall():
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 (names from the catalogue)
        counts[table] = cursor.fetchone()[0]
    cursor.execute(AUDIT_CHECKSUM_SQL)
    rows, checksum = cursor.fetchone()
    cursor.execute(AUDIT_GUARD_SQL)
    triggers, eraser_owner = cursor.fetchone()
    return counts, (rows, checksum), (triggers, eraser_owner)


def _admin_connection(settings_dict: dict):
    conn = psycopg2.connect(
        host=settings_dict.get("HOST") or "127.0.0.1",
        port=settings_dict.get("PORT") or 5432,
        user=settings_dict.get("USER") or "postgres",
        password=settings_dict.get("PASSWORD") or None,
        dbname="postgres",
    )
    conn.autocommit = True
    return conn


def backup_check(dump: Path) -> BackupCheck:
    """Back up, restore into a scratch database, and compare counts, the audit checksum and the
    audit table's guard (its triggers, and the erasure function under its own role)."""
    settings_dict = _require_postgresql()
    backup(dump)
    with connection.cursor() as cursor:
        source_counts, source_audit, source_guard = _snapshot(cursor)
    scratch = f"tideline_restore_check_{uuid.uuid4().hex[:12]}"
    admin = _admin_connection(settings_dict)
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{scratch}"')
        restore(dump, scratch)
        restored = psycopg2.connect(
            host=settings_dict.get("HOST") or "127.0.0.1",
            port=settings_dict.get("PORT") or 5432,
            user=settings_dict.get("USER") or "postgres",
            password=settings_dict.get("PASSWORD") or None,
            dbname=scratch,
        )
        try:
            with restored.cursor() as cursor:
                restored_counts, restored_audit, restored_guard = _snapshot(cursor)
        finally:
            restored.close()
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        admin.close()

    result = BackupCheck(dump=dump, tables_compared=len(source_counts))
    result.audit_rows, result.audit_checksum = source_audit
    for table, count in source_counts.items():
        if restored_counts.get(table) != count:
            result.mismatches.append(
                f"{table}: {count} rows in the source, {restored_counts.get(table)} restored"
            )
    if restored_audit != source_audit:
        result.mismatches.append("audit trail checksum differs after restore")
    if restored_guard != source_guard:
        result.mismatches.append(
            f"audit table guard differs after restore (triggers, erasure function owner): "
            f"{source_guard} in the source, {restored_guard} restored"
        )
    return result
