"""Every record id a referral form or the referrals API accepts is one the caller may use.

Another area's team, signpost service or case manager gets the same "Select a valid choice"
error as an id that does not exist, so the answer never confirms a record exists, and nothing
is created or changed.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.choices import INVALID_CHOICE
from accounts.models_api import Scope
from referrals import services
from referrals.models import Referral
from tests.api.conftest import make_token
from tests.api.test_partner_endpoints import referral as api_referral

from .conftest import named_victim, referral_fields
from .test_intake import _post_data

pytestmark = pytest.mark.django_db

NO_SUCH_ID = 987654


@pytest.fixture
def referrer(world) -> APIClient:
    """Northshire police's referral system."""
    _, raw = make_token(world.user("police", "north"), scopes=[Scope.REFERRALS_WRITE])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


@pytest.mark.parametrize("which", ["another area's team", "no such team"])
def test_the_api_refuses_a_team_outside_the_callers_areas_like_one_that_does_not_exist(
    world, referrer, which
):
    team_id = world.team("case_management", "south").pk if which == "another area's team" else NO_SUCH_ID
    response = referrer.post("/api/referrals/", api_referral(world, team=team_id), format="json")
    assert response.status_code == 400
    assert response.json()["team"] == [INVALID_CHOICE]
    assert not Referral.objects.exists()


def test_the_api_still_accepts_a_team_in_the_callers_own_area(world, referrer):
    response = referrer.post("/api/referrals/", api_referral(world), format="json")
    assert response.status_code == 201, response.json()


@pytest.mark.parametrize("which", ["another area's team", "no such team"])
def test_the_referral_form_refuses_a_team_outside_the_callers_areas(client_for, world, which):
    team_id = world.team("case_management", "south").pk if which == "another area's team" else NO_SUCH_ID
    data = _post_data(world.team("case_management", "north")) | {"team": team_id}
    response = client_for("police", "north").post(reverse("referrals:create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["team"] == [INVALID_CHOICE]
    assert not Referral.objects.exists()


def test_the_service_refuses_a_team_outside_the_actors_areas(world):
    with pytest.raises(ValidationError) as refused:
        services.referral_save(
            actor=world.user("police", "north"),
            team=world.team("case_management", "south"),
            fields=referral_fields(),
            victims=[named_victim()],
            submit=True,
        )
    assert refused.value.message_dict == {"team": [INVALID_CHOICE]}
    assert not Referral.objects.exists()


def test_screening_refuses_another_areas_signpost_service(client_for, world, make_referral, service_setup):
    referral = make_referral("north")
    response = client_for("casemanager", "north").post(
        reverse("referrals:screen", args=[referral.pk]),
        {
            "outcome": "signpost",
            "reason": "Better served elsewhere",
            "signpost_service": service_setup["south"]["signpost"].pk,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["signpost_service"] == [INVALID_CHOICE]
    referral.refresh_from_db()
    assert referral.status == Referral.Status.NEW and referral.signpost_service_id is None


@pytest.mark.parametrize("who", ["casemanager.south", "idva.north"])
def test_allocation_refuses_anyone_but_the_receiving_teams_case_workers(
    client_for, world, make_referral, who
):
    referral = make_referral("north")
    Referral.objects.filter(pk=referral.pk).update(
        status=Referral.Status.AWAITING_ALLOCATION, person_decision=Referral.PersonDecision.NEW
    )
    login, area = who.split(".")
    response = client_for("supervisor", "north").post(
        reverse("referrals:allocate", args=[referral.pk]),
        {"case_manager": world.user(login, area).pk, "intervention_type": "intensive"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["case_manager"] == [INVALID_CHOICE]
    referral.refresh_from_db()
    assert referral.status == Referral.Status.AWAITING_ALLOCATION
