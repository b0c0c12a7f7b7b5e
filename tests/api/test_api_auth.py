"""Who the API lets in: tokens (hashed, scoped, revocable, expiring), verified sessions, never Basic."""

from __future__ import annotations

import base64
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import api_auth
from accounts.models import AuditEvent
from accounts.models_api import ApiToken, Scope, hash_key
from tests.api.conftest import make_token
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

CASES = "/api/cases/"


def test_no_credentials_gets_401_naming_the_token_scheme(api_data):
    response = APIClient().get(CASES)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_valid_token_reads_as_its_service_user(api_data, token_client):
    response = token_client("casemanager", "north").get(CASES)
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [api_data.case.pk]


def test_bearer_keyword_is_accepted_too(api_data, token_client):
    assert token_client("casemanager", "north", keyword="Bearer").get(CASES).status_code == 200


def test_the_key_is_stored_only_as_its_hash(world):
    token, raw = make_token(world.user("police", "north"))
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hash_key(raw) and raw not in (stored.key_hash, stored.key_prefix)
    assert stored.key_prefix == raw[:8]


@pytest.mark.parametrize(
    "header",
    ["Token not-a-real-key", "Token", "Token a b", "Bearer \u00e9\u00e9"],
)
def test_unknown_or_malformed_tokens_get_401(api_data, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert client.get(CASES).status_code == 401


def test_revoked_token_gets_401(world, api_data):
    token, raw = make_token(world.user("casemanager", "north"))
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert client.get(CASES).status_code == 401


def test_expired_token_gets_401(world, api_data):
    token, raw = make_token(
        world.user("casemanager", "north"), expires_at=timezone.now() + datetime.timedelta(hours=1)
    )
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert client.get(CASES).status_code == 401


def test_token_of_a_deactivated_service_user_gets_401(world, api_data):
    user = world.user("casemanager", "north")
    _, raw = make_token(user)
    user.is_active = False
    user.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert client.get(CASES).status_code == 401


def test_basic_authentication_is_never_accepted(world, api_data):
    client = APIClient()
    basic = base64.b64encode(b"casemanager.north@demo.tideline.test:Tideline-demo-2026").decode()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {basic}")
    assert client.get(CASES).status_code == 401


def test_wrong_scope_gets_403_naming_the_scope(api_data, token_client):
    client = token_client("casemanager", "north", scopes=[Scope.PANELS_READ])
    response = client.get(CASES)
    assert response.status_code == 403
    assert "cases:read" in response.json()["detail"]


def test_read_scope_does_not_allow_writes(api_data, token_client):
    client = token_client("casemanager", "north", scopes=[Scope.CASES_READ])
    response = client.patch(f"{CASES}{api_data.case.pk}/", {"version": 1, "phase": "active"}, format="json")
    assert response.status_code == 403


def test_last_used_is_recorded(world, api_data):
    token, raw = make_token(world.user("casemanager", "north"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    client.get(CASES)
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_service_user_must_belong_to_the_tokens_organisation(world):
    token = ApiToken(
        organisation=world.team("police", "north").organisation,
        name="Wrong",
        user=world.user("health", "north"),
        scopes=[Scope.CASES_READ],
    )
    token.set_new_key()
    with pytest.raises(ValidationError) as error:
        token.full_clean()
    assert "user" in error.value.message_dict


def test_unknown_scopes_are_refused(world):
    user = world.user("police", "north")
    token = ApiToken(
        organisation=user.primary_membership.team.organisation, name="x", user=user, scopes=["all"]
    )
    token.set_new_key()
    with pytest.raises(ValidationError):
        token.full_clean()


def test_session_needs_the_second_factor(world, api_data):
    client = sign_in(APIClient(), world.user("casemanager", "north"), verified=False)
    assert client.get(CASES).status_code in (401, 403)


def test_verified_session_reads(world, api_data, session_client):
    assert session_client("casemanager", "north").get(CASES).status_code == 200


def test_session_writes_need_the_csrf_token(world, api_data):
    client = sign_in(APIClient(enforce_csrf_checks=True), world.user("casemanager", "north"))
    response = client.patch(f"{CASES}{api_data.case.pk}/", {"version": 1, "phase": "active"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    api_data.case.refresh_from_db()
    assert api_data.case.phase != "active"


def test_rate_limit_per_token(api_data, token_client, monkeypatch):
    monkeypatch.setitem(api_auth.API_THROTTLE_RATES, "api_read", "3/min")
    client = token_client("casemanager", "north")
    codes = [client.get(CASES).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    # Another token of the same organisation has its own allowance.
    assert token_client("casemanager2", "north").get(CASES).status_code == 200


def test_list_reads_are_audited_one_event_per_record(world, api_data, token_client):
    token_client("casemanager", "north").get(CASES)
    event = AuditEvent.objects.get(
        object_type="casework.case", object_id=str(api_data.case.pk), action="view"
    )
    assert event.user == world.user("casemanager", "north")
    assert "API (token" in event.purpose


def test_refused_calls_are_audited_with_the_request(world, api_data, token_client):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-key", HTTP_X_REQUEST_ID="probe-1")
    assert client.get(CASES).status_code == 401
    other_area = token_client("casemanager", "south")
    assert other_area.get(f"{CASES}{api_data.case.pk}/").status_code == 404
    refused = AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).order_by("id")
    assert [(e.request_id, e.user_id, e.path) for e in refused][0] == ("probe-1", None, CASES)
    last = refused.last()
    assert last.user == world.user("casemanager", "south")
    assert "refused with 404" in last.purpose and last.path == f"{CASES}{api_data.case.pk}/"


def test_writes_through_services_carry_the_request_id(world, api_data, token_client):
    client = token_client("casemanager", "north")
    response = client.patch(
        f"{CASES}{api_data.case.pk}/",
        {"next_review_date": "2027-01-15", "version": api_data.case.version},
        format="json",
        HTTP_X_REQUEST_ID="write-1",
    )
    assert response.status_code == 200, response.json()
    update = AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).latest("id")
    assert update.request_id == "write-1" and update.path == f"{CASES}{api_data.case.pk}/"
