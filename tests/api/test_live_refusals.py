"""API refusals as production answers them: a live server, no test transaction around the call.

Reads run without a request transaction (accounts.routing.atomic_unless_safe). Under the test
client they ran inside the test's own transaction, which hid a 500 on every refused read.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.models import AuditEvent
from tests.api.conftest import make_token

pytestmark = pytest.mark.django_db(transaction=True)


def _denials() -> int:
    return AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).count()


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Token not-a-real-token"},
        {"Authorization": "Token"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
    ],
    ids=["anonymous", "unknown-token", "malformed-header", "basic-auth"],
)
def test_a_read_without_valid_credentials_is_refused_with_401_and_audited(live, world, headers):
    before = _denials()
    response = live.anonymous().get("/api/cases/", headers=headers)
    assert response.status_code in (401, 403), response.text[:300]
    assert _denials() == before + 1


def test_a_revoked_token_is_refused_and_audited(live, world):
    token, raw = make_token(world.user("casemanager", "north"))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    before = _denials()
    response = live.anonymous().api("GET", "/api/cases/", token=raw)
    assert response.status_code == 401
    assert _denials() == before + 1


def test_a_session_without_the_second_factor_is_refused(live, world):
    http = live.signed_in(world.user("casemanager", "north"), verified=False)
    response = http.get("/api/cases/")
    assert response.status_code in (401, 403)


def test_another_areas_case_is_404_and_audited(live, world, api_data):
    _, raw = make_token(world.user("casemanager", "north"))
    before = _denials()
    response = live.anonymous().api("GET", f"/api/cases/{api_data.other_area_case.pk}/", token=raw)
    assert response.status_code == 404
    assert _denials() == before + 1


def test_a_forged_cursor_is_refused_without_a_server_error(live, world, api_data):
    _, raw = make_token(world.user("casemanager", "north"))
    response = live.anonymous().api("GET", "/api/cases/?cursor=%25%25not-base64", token=raw)
    assert response.status_code == 404
    assert "detail" in response.json()


def test_a_rate_limited_read_is_429_and_audited(live, world, settings, monkeypatch):
    from accounts import api_auth

    monkeypatch.setitem(api_auth.API_THROTTLE_RATES, "api_read", "2/min")
    _, raw = make_token(world.user("casemanager", "north"))
    client = live.anonymous()
    answers = [client.api("GET", "/api/cases/", token=raw).status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED, purpose__contains="429").exists()
