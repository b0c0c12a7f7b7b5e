import pytest
from django.db import connection, transaction
from django.db.utils import InternalError

from accounts import audit
from accounts.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_an_event_records_who_what_where(rf, world):
    user = world.user("casemanager", "north")
    request = rf.get("/cases/1/", REMOTE_ADDR="10.1.2.3")
    request.user = user
    request.request_id = "req-123"
    event = audit.record(request, AuditEvent.Action.VIEW, user, purpose="checking")
    event.refresh_from_db()
    assert event.user == user
    assert event.user_email == user.email
    assert event.organisation == "Northshire Drive Service"
    assert event.role == "case_manager"
    assert event.object_type == "accounts.user"
    assert event.object_id == str(user.pk)
    assert event.ip_address == "10.1.2.3"
    assert event.request_id == "req-123"
    assert event.path == "/cases/1/"
    assert event.purpose == "checking"


def test_events_cannot_be_changed_or_deleted_through_the_orm(world):
    event = audit.record(None, AuditEvent.Action.VIEW, user=world.user("idva", "north"))
    event.purpose = "rewritten"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_the_database_refuses_updates_and_deletes_on_postgresql(world):
    assert connection.vendor == "postgresql", "the test suite runs on PostgreSQL"
    event = audit.record(None, AuditEvent.Action.VIEW, user=world.user("idva", "north"))
    for statement in (
        "UPDATE accounts_auditevent SET purpose = 'x' WHERE id = %s",
        "DELETE FROM accounts_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(InternalError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk, purpose="").exists()
    with pytest.raises(InternalError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(purpose="bulk")


def test_a_failed_audit_write_fails_the_request(client_for, monkeypatch):
    client = client_for("dpo", "north")

    def broken(*args, **kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(AuditEvent, "save", broken)
    client.raise_request_exception = False
    response = client.get("/audit/?object_type=casework.case")
    # The audit page itself reads; the sign-out writes an event and must fail without it.
    response = client.post("/sign-out/")
    assert response.status_code == 500


def test_sign_in_is_audited(client, world):
    from accounts.demo import DEMO_PASSWORD

    client.post("/sign-in/", {"username": "police.north@demo.tideline.test", "password": DEMO_PASSWORD})
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN)
    assert event.user_email == "police.north@demo.tideline.test"
    assert event.organisation == "Northshire Police"


def test_dpo_can_search_the_audit_trail(client_for, world):
    audit.record(
        None,
        AuditEvent.Action.EXPORT,
        user=world.user("analyst", "north"),
        object_type="reports.caseload",
        object_id="q3",
    )
    client = client_for("dpo", "north")
    response = client.get("/audit/", {"user_email": "analyst.north@demo.tideline.test"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "reports.caseload" in body and "Exported" in body


@pytest.mark.parametrize("login", ["casemanager", "idva", "police", "analyst", "chair"])
def test_other_roles_cannot_read_the_audit_trail(client_for, login):
    assert client_for(login, "north").get("/audit/").status_code == 403


def test_audit_trail_query_count_is_flat(client_for, world, django_assert_max_num_queries):
    client = client_for("dpo", "north")
    for i in range(60):
        audit.record(
            None,
            AuditEvent.Action.VIEW,
            user=world.user("idva", "north"),
            object_type="victims.victim",
            object_id=i,
        )
    with django_assert_max_num_queries(12):
        assert client.get("/audit/").status_code == 200
