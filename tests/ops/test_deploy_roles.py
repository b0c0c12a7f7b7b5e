"""The production database roles (deploy/postgres-init/10-app-role.sh), run against the real PostgreSQL.

The compose `migrate` service creates the tables as their owner; web, worker and beat connect as
tideline_app. The init script must leave tideline_app able to read and write the rows of tables
created later, and unable to do what would let it get round the audit trail's triggers.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import psycopg2
import pytest

pytestmark = pytest.mark.services

SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "postgres-init" / "10-app-role.sh"


def _admin_run(*statements: str, dbname: str = "postgres") -> None:
    conn = psycopg2.connect(host="127.0.0.1", user="postgres", dbname=dbname)
    conn.autocommit = True  # CREATE DATABASE cannot run in a transaction
    try:
        with conn.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    finally:
        conn.close()


@pytest.fixture
def scratch():
    """A scratch database and a role name of its own (roles are cluster-wide)."""
    suffix = uuid.uuid4().hex[:8]
    database, role = f"tideline_roles_{suffix}", f"tideline_app_{suffix}"
    _admin_run(f'CREATE DATABASE "{database}"')
    try:
        yield database, role
    finally:
        _admin_run(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)', f'DROP ROLE IF EXISTS "{role}"')


def test_the_app_role_reads_and_writes_rows_of_later_tables_but_cannot_get_round_the_audit_guard(scratch):
    database, role = scratch
    script = SCRIPT.read_text().replace("tideline_app", role)
    env = {
        **os.environ,
        "POSTGRES_USER": "postgres",
        "POSTGRES_DB": database,
        "TIDELINE_APP_DB_PASSWORD": "app-password-for-this-test",
        "PGHOST": "127.0.0.1",
    }
    subprocess.run(["sh", "-c", script], env=env, check=True, capture_output=True)  # noqa: S603,S607

    _admin_run(  # what the migrations do, as the owner
        "CREATE TABLE accounts_auditevent (id bigserial PRIMARY KEY, purpose text)",
        "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'append-only'; END $$",
        "CREATE TRIGGER guard BEFORE DELETE ON accounts_auditevent FOR EACH ROW EXECUTE FUNCTION refuse()",
        dbname=database,
    )

    app = psycopg2.connect(
        host="127.0.0.1", user=role, password="app-password-for-this-test", dbname=database
    )
    app.autocommit = True
    try:
        with app.cursor() as cursor:
            cursor.execute("INSERT INTO accounts_auditevent (purpose) VALUES ('seen') RETURNING id")
            assert cursor.fetchone()[0] == 1
            cursor.execute("SELECT count(*) FROM accounts_auditevent")
            assert cursor.fetchone()[0] == 1
            for statement in (
                "TRUNCATE accounts_auditevent",
                "ALTER TABLE accounts_auditevent DISABLE TRIGGER guard",
                "DROP TRIGGER guard ON accounts_auditevent",
                "SET session_replication_role = replica",
                "DELETE FROM accounts_auditevent",
            ):
                with pytest.raises(psycopg2.Error):
                    cursor.execute(statement)
            cursor.execute(
                "SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user"
            )
            assert cursor.fetchone() == (False, False, False)
    finally:
        app.close()
