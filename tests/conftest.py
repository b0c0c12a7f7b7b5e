"""Shared fixtures: personas (the demo world), signed-in clients and the browser harness."""

from __future__ import annotations

import os
from importlib import import_module

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.demo import DemoWorld, seed_people

pytest_plugins = ["tests.browser_support", "tests.celery_support", "tests.live_support"]

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# beside one unless told it is safe, which it is here (one thread, no awaits).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# Rows the data migrations install. A transactional test (browser tests, live server) ends with a
# flush that removes them, and `--reuse-db` keeps a database such a test has flushed, so they are
# put back, the way the migrations do (every installer is idempotent): once when the session's
# database is ready, and before each transactional test. `tests/test_data_migrations.py` fails
# when a migration's RunPython is in neither list.
DATA_MIGRATIONS = [
    # Retention defaults and the beat entry: installed first by accounts 0004, then under the
    # task's new name by privacy 0001; only the latest installer runs after a flush.
    ("privacy.migrations.0001_subject_access_and_retention_from_accounts", "install"),
    ("casework.migrations.0003_assessment_instruments", "install"),
    ("casework.migrations.0006_risk_flag_schedules", "create"),
    ("casework.migrations.0009_incremental_risk_scan_schedule", "create"),
    ("referrals.migrations.0002_seed_bank_holidays", "seed"),
    ("referrals.migrations.0004_bank_holidays_from_calendar", "fill"),
    ("referrals.migrations.0004_bank_holidays_from_calendar", "schedule"),
    ("victims.migrations.0003_dash_paraphrased_instrument", "load"),
]
# RunPython steps that install no rows a flush removes (schema objects, or fixes to existing rows).
NOT_ROW_INSTALLERS = [
    ("accounts.migrations.0002_audit_append_only", "forwards"),
    ("accounts.migrations.0004_retention_and_sar", "forwards"),
    ("accounts.migrations.0005_user_email_normalised", "normalise_existing"),
    ("accounts.migrations.0006_audit_erasure_only_through_retention", "forwards"),
    ("accounts.migrations.0007_sar_exemptions", "forwards"),
    # Moves content types and renames the beat entry's task; its rows come back through `install`.
    ("privacy.migrations.0001_subject_access_and_retention_from_accounts", "forwards"),
    ("referrals.migrations.0003_named_victim_pick_up", "assign_idva_teams"),
    ("casework.migrations.0012_incident_area_and_case_restriction", "fill_area"),
]


def _flush_past_the_audit_guard() -> None:
    """Let the suite's database reset empty the audit table, which refuses TRUNCATE.

    A transactional test (live server, browser) ends with Django's flush: one TRUNCATE of every
    table, which the audit table's BEFORE TRUNCATE trigger refuses (accounts migration 0005).
    The suite connects as a PostgreSQL superuser, so the flush's transaction first sets
    `session_replication_role = replica`, under which ordinary triggers do not fire. Production
    code cannot do this: the setting is for superusers only, and the application should not
    connect as one.
    """
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush
    if getattr(original, "skips_audit_guard", False):
        return

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = original(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        # execute_sql_flush runs the statements in one transaction: SET LOCAL ends with it.
        return ["SET LOCAL session_replication_role = replica", *statements] if statements else statements

    sql_flush.skips_audit_guard = True  # type: ignore[attr-defined]
    DatabaseOperations.sql_flush = sql_flush  # type: ignore[method-assign]


_flush_past_the_audit_guard()


def install_data_migration_rows() -> None:
    from django.apps import apps

    for module, installer in DATA_MIGRATIONS:
        getattr(import_module(module), installer)(apps, None)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The session's test database, with what the data migrations install whatever ran before."""
    with django_db_blocker.unblock():
        install_data_migration_rows()


@pytest.fixture(autouse=True)
def _data_migration_rows(request):
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and marker.kwargs.get("transaction", False)
    if not (transactional or "live_server" in request.fixturenames):
        return
    request.getfixturevalue("transactional_db")
    install_data_migration_rows()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db) -> DemoWorld:
    """The personas: one user per role in areas north and south, as in the demo (accounts/demo.py)."""
    return seed_people()


def sign_in(client, user, *, verified: bool = True):
    """Sign `user` in on the test client, with the second factor done unless verified=False."""
    client.force_login(user, backend="accounts.backends.PractitionerBackend")
    if verified:
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="Test app", defaults={"confirmed": True})
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session[BACKEND_SESSION_KEY] = "accounts.backends.PractitionerBackend"
        session.save()
    return client


@pytest.fixture
def client_for(client, world):
    """`client_for("casemanager", "north")` → a test client signed in as that persona."""

    def make(login: str, area: str | None = None):
        from django.test import Client

        fresh = Client()
        user = world.users["admin"] if login == "admin" else world.user(login, area)
        return sign_in(fresh, user)

    return make
