"""An API token acts only through its service user's memberships in the token's organisation.

The service user here is Northshire's case manager, who also works in Southvale's IDVA team and
supervises in Southvale's case-management team. A token issued to the Northshire Drive Service
must not bring those Southvale teams' records with it; the same person signed in still sees them.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Membership, Role
from accounts.models_api import ApiToken
from casework.models import BreakGlassAccess, Case
from tests.api.conftest import ALL_SCOPES
from tests.conftest import sign_in
from victims import services as victim_services

pytestmark = pytest.mark.django_db


def token_client_for(user, organisation) -> APIClient:
    """An APIClient sending a new all-scopes token of `organisation` acting as `user`."""
    token = ApiToken(organisation=organisation, name=f"{organisation} system", user=user, scopes=ALL_SCOPES)
    raw = token.set_new_key()
    token.full_clean()
    token.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


@pytest.fixture
def two_org_user(world, api_data):
    """(user, token client for north's Drive Service, session client, south victim, south case)."""
    user = world.user("casemanager", "north")
    by_token = token_client_for(user, world.team("case_management", "north").organisation)
    Membership.objects.create(user=user, team=world.team("idva", "south"), role=Role.IDVA)
    Membership.objects.create(user=user, team=world.team("case_management", "south"), role=Role.SUPERVISOR)
    south_victim = victim_services.victim_create(
        actor=world.user("idva", "south"),
        team=world.team("idva", "south"),
        first_name="Sian",
        last_name="Moor",
    )
    by_session = sign_in(APIClient(), user)
    return user, by_token, by_session, south_victim, api_data.other_area_case


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content[:300]
    return {row["id"] for row in response.json()["results"]}


def test_a_token_does_not_reach_another_organisations_idva_team_records(two_org_user):
    _, by_token, _, south_victim, _ = two_org_user
    assert south_victim.pk not in _ids(by_token.get("/api/victims/"))
    assert by_token.get(f"/api/victims/{south_victim.pk}/").status_code == 404


def test_a_session_of_the_same_user_still_reaches_that_idva_teams_records(two_org_user):
    _, _, by_session, south_victim, _ = two_org_user
    assert south_victim.pk in _ids(by_session.get("/api/victims/"))
    assert by_session.get(f"/api/victims/{south_victim.pk}/").status_code == 200


def test_a_token_does_not_reach_cases_of_a_team_its_user_supervises_in_another_organisation(two_org_user):
    _, by_token, by_session, _, south_case = two_org_user
    assert south_case.pk not in _ids(by_token.get("/api/cases/"))
    assert by_token.get(f"/api/cases/{south_case.pk}/").status_code == 404
    assert south_case.pk in _ids(by_session.get("/api/cases/"))
    assert by_session.get(f"/api/cases/{south_case.pk}/").status_code == 200


def test_a_token_still_reaches_its_own_organisations_records(two_org_user, api_data):
    _, by_token, _, _, _ = two_org_user
    assert api_data.case.pk in _ids(by_token.get("/api/cases/"))
    assert by_token.get(f"/api/cases/{api_data.case.pk}/").status_code == 200


def test_a_token_cannot_act_with_a_role_held_only_in_another_organisation(two_org_user):
    """The user supervises only in Southvale: through the north token they are a case manager,
    so an edit that needs a supervisor of the case's team is not theirs to make."""
    _, by_token, _, _, south_case = two_org_user
    response = by_token.patch(
        f"/api/cases/{south_case.pk}/", {"version": south_case.version, "phase": "active"}, format="json"
    )
    assert response.status_code == 404
    south_case.refresh_from_db()
    assert south_case.phase != "active"


@pytest.fixture
def police_token_user(world, api_data):
    """Northshire's police representative, with a token for Northshire Police, and clients."""
    user = world.user("police", "north")
    by_token = token_client_for(user, world.team("police", "north").organisation)
    return user, by_token, sign_in(APIClient(), user)


def test_an_allocation_on_another_organisations_case_does_not_open_it_to_the_token(
    police_token_user, api_data
):
    user, by_token, by_session = police_token_user
    Case.objects.filter(pk=api_data.case.pk).update(supervisor=user)
    assert by_token.get(f"/api/cases/{api_data.case.pk}/").status_code == 404
    assert api_data.case.pk not in _ids(by_token.get("/api/cases/"))
    assert by_session.get(f"/api/cases/{api_data.case.pk}/").status_code == 200


def test_break_glass_opens_a_case_to_the_person_signed_in_not_to_their_token(police_token_user, api_data):
    user, by_token, by_session = police_token_user
    BreakGlassAccess.objects.create(
        case=api_data.case,
        user=user,
        reason="Urgent safeguarding call",
        expires_at=timezone.now() + BreakGlassAccess.DURATION,
    )
    assert by_token.get(f"/api/cases/{api_data.case.pk}/").status_code == 404
    assert api_data.case.pk not in _ids(by_token.get("/api/cases/"))
    assert by_session.get(f"/api/cases/{api_data.case.pk}/").status_code == 200


def test_a_grant_to_the_named_practitioner_reaches_the_case_through_their_token(police_token_user, api_data):
    from casework.grants import case_access_grant

    user, by_token, _ = police_token_user
    case_access_grant(
        case=api_data.case, user=user, level="view", reason="Joint work", actor=api_data.case.supervisor
    )
    assert by_token.get(f"/api/cases/{api_data.case.pk}/").status_code == 200


def test_chairing_another_organisations_panel_does_not_open_it_to_the_token(world, api_data):
    from panels.models import Panel

    user = world.user("probation", "north")
    Panel.objects.filter(pk=api_data.meeting.panel_id).update(chair=user)
    by_token = token_client_for(user, world.team("probation", "north").organisation)
    assert by_token.get(f"/api/panels/meetings/{api_data.meeting.pk}/").status_code == 404
    assert sign_in(APIClient(), user).get(f"/api/panels/meetings/{api_data.meeting.pk}/").status_code == 200
