"""The audit table in PostgreSQL: append-only for every client, emptied only by a confirmed
retention erasure through its own function (accounts migration 0005).

"An ordinary connection of the app" is played by a role holding every privilege the app uses on
the tables (SELECT, INSERT, UPDATE, DELETE, TRUNCATE) that is neither a superuser nor their
owner, as the application's runtime role should be. The suite's own connection is a superuser:
the tests that need no role run as it too, and hold for it as well.
"""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from accounts import audit
from accounts.models import AuditEvent
from privacy import retention
from privacy.models import RetentionReview

pytestmark = pytest.mark.django_db

ERASE = "SELECT accounts_audit_erase_month(%s, 'Europe/London')"


@pytest.fixture(autouse=True)
def _postgresql_only(db):
    assert connection.vendor == "postgresql", "the test suite runs on PostgreSQL"
    retention.ensure_default_policies()


@pytest.fixture
def app_role(db) -> str:
    """A role with the app's table privileges, created in the test's transaction (so rolled back)."""
    name = f"tideline_test_app_{uuid.uuid4().hex[:10]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {name} NOLOGIN")
        cursor.execute(
            f"GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public TO {name}"
        )
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {name}")
        cursor.execute(f"GRANT CREATE ON SCHEMA public TO {name}")  # as a database owner has
    return name


def refused(statements: list[tuple[str, list]], *, match: str, role: str | None = None) -> None:
    """Run the statements in a savepoint (as `role`, if given) and expect the last to be refused."""
    with pytest.raises(DatabaseError, match=match), transaction.atomic(), connection.cursor() as cursor:
        # Foreign keys are deferred: their pending checks would stop a TRUNCATE before its trigger.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        if role:
            # Session authorization, not SET ROLE: SET ROLE is checked against the session user,
            # which in the suite is a superuser.
            cursor.execute(f"SET LOCAL SESSION AUTHORIZATION {role}")
        for sql, params in statements:
            cursor.execute(sql, params)


@pytest.fixture
def events(world) -> list[AuditEvent]:
    old = timezone.now() - datetime.timedelta(days=365 * 3)
    return [
        AuditEvent.objects.create(
            user=world.user("casemanager", "north"),
            action="view",
            object_type="casework.case",
            occurred_at=old,
        ),
        audit.record(None, AuditEvent.Action.VIEW, user=world.user("idva", "north")),
    ]


@pytest.fixture
def old_month_review(events) -> RetentionReview:
    retention.retention_scan()
    month = f"{timezone.localdate(events[0].occurred_at):%Y-%m}"
    return RetentionReview.objects.get(record_type="audit", object_id=month, status="pending")


def count() -> int:
    return AuditEvent.objects.count()


# --- No client can switch the trigger off ----------------------------------------------------------


def test_set_config_no_longer_lets_a_delete_through(events):
    for setting in ("tideline.audit_retention", "tideline.allow_audit_erasure"):
        refused(
            [("SELECT set_config(%s, 'erase', false)", [setting]), ("DELETE FROM accounts_auditevent", [])],
            match="append-only: DELETE refused",
        )
    assert count() == 2


def test_truncate_is_refused_directly_and_by_cascade(events):
    refused([("TRUNCATE accounts_auditevent", [])], match="append-only: TRUNCATE refused")
    refused([("TRUNCATE accounts_user CASCADE", [])], match="append-only: TRUNCATE refused")
    assert count() == 2


def test_updates_and_deletes_are_refused(events):
    refused([("UPDATE accounts_auditevent SET purpose = 'x'", [])], match="append-only: UPDATE refused")
    refused([("DELETE FROM accounts_auditevent WHERE id = %s", [events[0].pk])], match="append-only")
    assert count() == 2


# --- An ordinary connection of the app cannot reproduce the erasure --------------------------------


def test_an_app_connection_cannot_delete_update_or_truncate(events, app_role):
    for sql in (
        "DELETE FROM accounts_auditevent",
        "UPDATE accounts_auditevent SET purpose = 'x'",
        "TRUNCATE accounts_auditevent",
    ):
        refused(
            [("SELECT set_config('tideline.audit_retention', 'erase', true)", []), (sql, [])],
            match="append-only",
            role=app_role,
        )
    assert count() == 2


def test_an_app_connection_cannot_take_the_erasers_role_or_skip_triggers(events, app_role):
    refused([("SET ROLE tideline_audit_eraser", [])], match="permission denied", role=app_role)
    refused([("SET session_replication_role = replica", [])], match="permission denied", role=app_role)
    refused(
        [("ALTER TABLE accounts_auditevent DISABLE TRIGGER USER", [])], match="must be owner", role=app_role
    )
    refused(
        [
            (
                "CREATE OR REPLACE FUNCTION accounts_audit_erase_month(bigint, text) RETURNS bigint "
                "LANGUAGE sql AS 'SELECT 0::bigint'",
                [],
            )
        ],
        match="must be owner",
        role=app_role,
    )
    assert count() == 2


def test_the_erasure_function_refuses_a_review_nobody_confirmed(old_month_review, app_role):
    refused([(ERASE, [old_month_review.pk])], match="has not been confirmed", role=app_role)
    refused([(ERASE, [987654321])], match="not a retention review of an audit month", role=app_role)
    assert count() == 2


def test_a_forged_confirmation_without_a_dpo_or_its_audit_event_is_refused(world, old_month_review, app_role):
    def forge(user) -> tuple[str, list]:
        return (
            "UPDATE accounts_retentionreview SET status = 'erased', decided_by_id = %s, decided_at = now() "
            "WHERE id = %s",
            [user.pk, old_month_review.pk],
        )

    refused(
        [forge(world.user("supervisor", "north")), (ERASE, [old_month_review.pk])],
        match="not confirmed by a data protection officer",
        role=app_role,
    )
    refused(
        [forge(world.user("dpo", "north")), (ERASE, [old_month_review.pk])],
        match="is not itself audited",
        role=app_role,
    )
    assert count() == 2


def test_months_inside_the_retention_period_are_refused_even_when_everything_else_is_in_order(world):
    dpo = world.user("dpo", "north")
    month = f"{timezone.localdate():%Y-%m}"
    review = RetentionReview.objects.create(
        record_type="audit",
        object_id=month,
        reference="this month",
        anchor_date=timezone.localdate(),
        due_on=timezone.localdate(),
        status="erased",
        decided_by=dpo,
        decided_at=timezone.now(),
    )
    audit.record(
        None,
        AuditEvent.Action.DELETE,
        user=dpo,
        object_type="accounts.auditevent",
        object_id=month,
        purpose=f"retention erasure (review {review.pk}): personal data removed, figures kept",
    )
    before = count()
    refused([(ERASE, [review.pk])], match="still inside its retention period")
    assert count() == before


def test_the_confirmed_retention_erasure_deletes_that_month_only(world, events, old_month_review):
    retention.review_erase(review=old_month_review, actor=world.user("dpo", "north"))
    assert not AuditEvent.objects.filter(pk=events[0].pk).exists()
    assert AuditEvent.objects.filter(pk=events[1].pk).exists()
    old_month_review.refresh_from_db()
    assert old_month_review.status == "erased" and old_month_review.summary == {"audit_events": 1}
    # The erasure's own event, written before the rows went, stays.
    assert AuditEvent.objects.filter(
        action="delete", object_type="accounts.auditevent", object_id=old_month_review.object_id
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_truncate_is_refused_with_no_transaction_around_the_test(world):
    """As production runs it; the suite's own reset after this test still empties the table."""
    audit.record(None, AuditEvent.Action.VIEW, user=world.user("idva", "north"))
    with pytest.raises(DatabaseError, match="append-only: TRUNCATE refused"), connection.cursor() as cursor:
        cursor.execute("TRUNCATE accounts_auditevent")
    assert count() == 1
