"""What every signed-in request costs, and that the savings change nothing a user relies on.

- The session is read from its cached copy, not the database; ending a session (sign-out,
  access removed) removes the copy too.
- The user, their memberships and their second-factor devices come in one query; a membership
  ended or a device removed counts from the very next request.
- Reads run without a request transaction; writes run in one, as before.
"""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.backends import load_practitioner
from accounts.models import Membership
from accounts.routing import atomic_unless_safe
from accounts.sessions import sessions_end_for

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return [query["sql"] for query in captured.captured_queries]


def test_a_signed_in_page_reads_no_session_row_and_loads_the_user_in_one_query(client_for):
    client = client_for("casemanager", "north")
    client.get("/")
    queries = _queries(client, "/")
    assert not [sql for sql in queries if "django_session" in sql]
    loading = [sql for sql in queries if '"accounts_membership"' in sql and '"accounts_user"' in sql]
    assert len(loading) == 1
    assert not [sql for sql in queries if sql.startswith('SELECT "otp_totp_totpdevice"')]


def test_load_practitioner_brings_memberships_and_confirmed_devices(world, django_assert_num_queries):
    user = world.user("casemanager", "north")
    device = TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    TOTPDevice.objects.create(user=user, name="Half set up", confirmed=False)
    roles = [m.role for m in user.active_memberships()]
    with django_assert_num_queries(1):
        loaded = load_practitioner(user.pk)
        assert loaded == user
        assert [m.role for m in loaded.active_memberships()] == roles
        assert loaded.primary_membership.team.organisation.name
        assert loaded._confirmed_devices == {device.persistent_id}
    admin = world.users["admin"]
    assert load_practitioner(admin.pk) == admin
    assert load_practitioner(999_999) is None


def test_a_removed_device_asks_for_the_second_factor_again(client_for, world):
    client = client_for("casemanager", "north")
    assert client.get("/").status_code == 200
    TOTPDevice.objects.filter(user=world.user("casemanager", "north")).delete()
    response = client.get("/")
    assert response.status_code == 302 and "/sign-in/security-code/" in response["Location"]


def test_an_ended_membership_counts_from_the_next_request(client_for, world):
    client = client_for("casemanager", "north")
    assert client.get("/cases/").status_code == 200
    Membership.objects.filter(user=world.user("casemanager", "north")).update(active=False)
    assert client.get("/cases/").status_code == 403


def test_ending_someones_sessions_ends_the_cached_copy_too(client_for, world):
    client = client_for("police", "north")
    assert client.get("/").status_code == 200
    assert sessions_end_for(world.user("police", "north")) == 1
    assert not Session.objects.filter(session_key=client.session.session_key).exists()
    response = client.get("/")
    assert response.status_code == 302 and "sign-in" in response["Location"]


def _depth_seen_by(method: str) -> int:
    seen = []

    def view(request):
        seen.append(len(connection.atomic_blocks))
        return None

    wrapped = atomic_unless_safe(view)
    wrapped(getattr(RequestFactory(), method.lower())("/"))
    return seen[0] - len(connection.atomic_blocks)


@pytest.mark.parametrize(
    "method, depth", [("GET", 0), ("HEAD", 0), ("OPTIONS", 0), ("POST", 1), ("DELETE", 1)]
)
def test_reads_run_without_a_request_transaction_and_writes_in_one(method, depth):
    assert _depth_seen_by(method) == depth


def test_every_routed_view_decides_its_own_transaction():
    from django.urls import get_resolver

    from tests.accounts.test_route_registry import walk

    routed = [(text, entry) for text, entry, included in walk(get_resolver()) if not included]
    assert len(routed) > 100
    for text, entry in routed:
        assert "default" in getattr(entry.callback, "_non_atomic_requests", ()), text


def test_a_failed_write_still_rolls_back_everything(client_for, world, monkeypatch):
    """POSTs keep ATOMIC_REQUESTS' promise: the sign-out's audit event and session end together."""
    from accounts.models import AuditEvent

    client = client_for("casemanager", "north")
    before = AuditEvent.objects.count()

    def broken(*args, **kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(AuditEvent, "save", broken)
    client.raise_request_exception = False
    assert client.post("/sign-out/").status_code == 500
    assert AuditEvent.objects.count() == before
