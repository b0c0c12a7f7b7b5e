"""Referrals, panels and victims over the API: success and refusal for each endpoint."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.models import AuditEvent
from accounts.models_api import Scope
from panels.models import Action
from referrals.models import Referral, ReferralVictimDetails

pytestmark = pytest.mark.django_db


# --- Referrals ---------------------------------------------------------------------------------


def referral(world, **overrides) -> dict:
    data = {
        "team": world.team("case_management", "north").pk,
        "pathway": "police",
        "referrer_name": "DS Kim Okafor",
        "referrer_organisation": "Northshire Police",
        "referrer_email": "k.okafor@police.example",
        "first_name": "Jay",
        "last_name": "Corran",
        "concerns": "Three call-outs in a month; escalating threats.",
        "stated_risk_level": "high",
        "legal_basis": "public_task",
        "consent": "given",
        "named_victims": [
            {
                "first_name": "Alex",
                "relationship": "ex_partner",
                "children_count": 1,
                "address": "14 Secret Row",
                "phone": "07700 900123",
            }
        ],
    }
    data.update(overrides)
    return data


@pytest.fixture
def referrer(token_client):
    return token_client("police", "north", scopes=[Scope.REFERRALS_WRITE])


def test_partner_submits_a_referral(world, referrer):
    data = referral(world)
    response = referrer.post("/api/referrals/", data, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    made = Referral.objects.get(pk=body["id"])
    assert made.status == Referral.Status.NEW and made.created_by == world.user("police", "north")
    assert made.team == world.team("case_management", "north")
    details = ReferralVictimDetails.objects.get(referral_victim__referral=made)
    assert details.address == "14 Secret Row"
    # Restricted details are stored for the IDVA team, never echoed back.
    assert "Secret Row" not in response.content.decode() and "900123" not in response.content.decode()
    assert AuditEvent.objects.filter(
        action="create", object_type="referrals.referral", object_id=str(made.pk)
    ).exists()
    # The referrer reads back its own submission, and only that.
    listed = referrer.get("/api/referrals/").json()["results"]
    assert [row["id"] for row in listed] == [made.pk]


def test_receiving_team_sees_the_referral_other_area_does_not(world, referrer, token_client):
    made = referrer.post("/api/referrals/", referral(world), format="json").json()
    team = token_client("casemanager", "north", scopes=[Scope.REFERRALS_WRITE])
    assert team.get(f"/api/referrals/{made['id']}/").status_code == 200
    south = token_client("casemanager", "south", scopes=[Scope.REFERRALS_WRITE])
    assert south.get(f"/api/referrals/{made['id']}/").status_code == 404


def test_incomplete_referral_names_each_missing_field(world, referrer):
    response = referrer.post("/api/referrals/", referral(world, concerns="", referrer_name=""), format="json")
    assert response.status_code == 400
    assert {"concerns", "referrer_name"} <= set(response.json())
    assert not Referral.objects.exists()


def test_referral_extra_fields_are_refused(world, referrer):
    response = referrer.post(
        "/api/referrals/",
        {**referral(world), "status": "accepted", "created_by": 1, "case": 1},
        format="json",
    )
    assert response.status_code == 400
    assert {"status", "created_by", "case"} <= set(response.json())
    assert not Referral.objects.exists()


def test_referral_to_a_non_case_management_team_is_refused(world, referrer):
    response = referrer.post(
        "/api/referrals/", referral(world, team=world.team("idva", "north").pk), format="json"
    )
    assert response.status_code == 400 and "team" in response.json()


def test_roles_that_may_not_record_referrals_are_refused(world, token_client):
    client = token_client("analyst", "north", scopes=[Scope.REFERRALS_WRITE])
    assert client.post("/api/referrals/", referral(world), format="json").status_code == 403


def test_referrals_need_their_scope_and_credentials(world, token_client):
    assert APIClient().post("/api/referrals/", referral(world), format="json").status_code == 401
    client = token_client("police", "north", scopes=[Scope.CASES_READ])
    assert client.post("/api/referrals/", referral(world), format="json").status_code == 403


# --- Panels ------------------------------------------------------------------------------------


def test_member_agency_reads_shared_agenda_items_only_as_shared(api_data, token_client):
    client = token_client("police", "north", scopes=[Scope.PANELS_READ])
    meetings = client.get("/api/panels/meetings/").json()["results"]
    assert [m["id"] for m in meetings] == [api_data.meeting.pk]
    items = {row["id"]: row for row in client.get("/api/panels/agenda-items/").json()["results"]}
    assert set(items) == {api_data.victim_item.pk, api_data.case_item.pk}
    case_item = items[api_data.case_item.pk]
    assert case_item["title"] == "Perpetrator item 2"  # the name was not shared
    assert "Harrow" not in str(case_item)
    assert "Vera" not in str(items[api_data.victim_item.pk])


def test_coordinator_sees_every_fact(api_data, token_client):
    client = token_client("coordinator", "north", scopes=[Scope.PANELS_READ])
    body = client.get(f"/api/panels/agenda-items/{api_data.case_item.pk}/").json()
    assert body["title"] == "Dale Harrow"


def test_non_member_agency_and_other_area_see_no_agenda(api_data, token_client):
    for login, area in [("housing", "north"), ("police", "south"), ("casemanager", "north")]:
        client = token_client(login, area, scopes=[Scope.PANELS_READ])
        assert client.get("/api/panels/agenda-items/").json()["results"] == []
        assert client.get(f"/api/panels/agenda-items/{api_data.victim_item.pk}/").status_code == 404
        assert client.get(f"/api/panels/meetings/{api_data.meeting.pk}/").status_code == 404


def test_agency_updates_its_own_action(api_data, token_client):
    client = token_client("police", "north", scopes=[Scope.PANELS_READ, Scope.ACTIONS_WRITE])
    listed = client.get("/api/panels/actions/").json()["results"]
    assert [row["id"] for row in listed] == [api_data.police_action.pk]
    response = client.patch(
        f"/api/panels/actions/{api_data.police_action.pk}/",
        {"version": 1, "status": "done", "update_note": "Marker placed"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    api_data.police_action.refresh_from_db()
    assert api_data.police_action.status == Action.Status.DONE and api_data.police_action.closed_on


def test_agency_cannot_see_or_change_another_agencys_action(api_data, token_client):
    client = token_client("police", "north", scopes=[Scope.PANELS_READ, Scope.ACTIONS_WRITE])
    url = f"/api/panels/actions/{api_data.health_action.pk}/"
    assert client.get(url).status_code == 404
    assert client.patch(url, {"version": 1, "status": "done"}, format="json").status_code == 404
    api_data.health_action.refresh_from_db()
    assert api_data.health_action.status == Action.Status.OPEN


def test_action_update_rules_and_extra_fields(api_data, token_client):
    client = token_client("police", "north", scopes=[Scope.PANELS_READ, Scope.ACTIONS_WRITE])
    url = f"/api/panels/actions/{api_data.police_action.pk}/"
    refused = client.patch(url, {"version": 1, "status": "not_possible"}, format="json")
    assert refused.status_code == 400 and "update_note" in refused.json()
    extra = client.patch(
        url, {"version": 1, "status": "done", "organisation": 1, "due_on": "2030-01-01"}, format="json"
    )
    assert extra.status_code == 400 and {"organisation", "due_on"} <= set(extra.json())
    stale = client.patch(url, {"version": 9, "status": "done"}, format="json")
    assert stale.status_code == 409
    api_data.police_action.refresh_from_db()
    assert api_data.police_action.version == 1


def test_action_write_needs_actions_scope(api_data, token_client):
    client = token_client("police", "north", scopes=[Scope.PANELS_READ])
    url = f"/api/panels/actions/{api_data.police_action.pk}/"
    assert client.patch(url, {"version": 1, "status": "done"}, format="json").status_code == 403


# --- Victims -----------------------------------------------------------------------------------


def test_idva_reads_the_victim_with_restricted_details(api_data, token_client):
    client = token_client("idva", "north", scopes=[Scope.VICTIMS_READ])
    assert [row["id"] for row in client.get("/api/victims/").json()["results"]] == [api_data.victim.pk]
    body = client.get(f"/api/victims/{api_data.victim.pk}/").json()
    assert body["restricted"]["addresses"][0]["kind"] == "refuge"
    assert AuditEvent.objects.filter(
        action="view", object_type="victims.victim", object_id=str(api_data.victim.pk)
    ).exists()


def test_victims_are_404_outside_the_idva_team(api_data, token_client):
    for login, area in [("casemanager", "north"), ("police", "north"), ("idva", "south"), ("chair", "north")]:
        client = token_client(login, area, scopes=[Scope.VICTIMS_READ])
        assert client.get("/api/victims/").json()["results"] == []
        assert client.get(f"/api/victims/{api_data.victim.pk}/").status_code == 404


def test_case_users_get_the_safe_view_of_linked_victims(api_data, token_client):
    client = token_client("casemanager", "north", scopes=[Scope.CASES_READ])
    body = client.get(f"/api/cases/{api_data.case.pk}/victims/").json()
    assert body[0]["label"] == "Ex-partner, victim 1"
    assert "Vera" not in str(body)


def test_safe_view_is_404_for_a_case_not_visible(api_data, token_client):
    for login, area in [("casemanager", "south"), ("idva", "north"), ("police", "north")]:
        client = token_client(login, area, scopes=[Scope.CASES_READ])
        assert client.get(f"/api/cases/{api_data.case.pk}/victims/").status_code == 404


def test_victims_need_their_scope(api_data, token_client):
    client = token_client("idva", "north", scopes=[Scope.CASES_READ])
    assert client.get("/api/victims/").status_code == 403


def test_panel_and_victim_list_query_counts_are_pinned(api_data, token_client, django_assert_max_num_queries):
    for login, url in [
        ("coordinator", "/api/panels/agenda-items/"),
        ("coordinator", "/api/panels/actions/"),
        ("coordinator", "/api/panels/meetings/"),
        ("idva", "/api/victims/"),
        ("police", "/api/referrals/"),
    ]:
        client = token_client(login, "north")
        client.get(url)
        with django_assert_max_num_queries(14):
            assert client.get(url).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_value_that_cannot_be_encoded_is_quoted_back_escaped_not_as_a_server_error(live, world):
    """DRF quotes a wrong choice back ('"…" is not a valid choice'); a lone surrogate there cannot be
    written as UTF-8, so every API answer escapes non-ASCII characters (REST_FRAMEWORK UNICODE_JSON)."""
    from tests.api.conftest import make_token

    _, raw = make_token(world.user("police", "north"), scopes=[Scope.REFERRALS_WRITE])
    body = '{"pathway": "police\\ud800\\u00e9"}'
    response = live.anonymous().api(
        "POST", "/api/referrals/", token=raw, data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400, response.text[:300]
    assert "\\ud800" in response.text and "\\u00e9" in response.text
    assert not Referral.objects.exists()
