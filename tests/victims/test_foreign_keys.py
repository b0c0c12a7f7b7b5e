"""Every record id a victim form accepts is one the caller may use (`accounts.choices`).

An IDVA from another team or area, or a link of another victim, gets the same "Select a valid
option" error as an id that does not exist, and nothing is changed.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.choices import INVALID_CHOICE
from accounts.models import User
from casework import services as casework_services
from victims import services
from victims.models import Child, ConsentDecision, SharedNote, Victim

pytestmark = pytest.mark.django_db

NO_SUCH_ID = 987654


def _victim(world, area: str, first_name: str) -> Victim:
    idva = world.user("idva", area)
    person = casework_services.perpetrator_create(
        actor=world.user("casemanager", area), area=world.areas[area], first_name="Ray", last_name=first_name
    )
    return services.victim_create(
        actor=idva,
        team=world.team("idva", area),
        first_name=first_name,
        last_name="Lane",
        perpetrator=person,
        relationship="ex_partner",
    )


@pytest.mark.parametrize("who", ["idva.south", "casemanager.north", "inactive idva", None])
def test_allocating_support_refuses_anyone_outside_the_victims_idva_team(client_for, world, who):
    victim = _victim(world, "north", "Vera")
    if who == "inactive idva":
        chosen = User.objects.create_user(
            "gone@test.tideline.test", "x" * 12, full_name="Gone", is_active=False
        )
        chosen.memberships.create(team=world.team("idva", "north"), role="idva")
        chosen_id = chosen.pk
    else:
        chosen_id = world.user(*who.split(".")).pk if who else NO_SUCH_ID
    response = client_for("idvamanager", "north").post(
        reverse("victims:allocate", args=[victim.pk]), {"idva": chosen_id}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["idva"] == [INVALID_CHOICE]
    victim.refresh_from_db()
    assert victim.idva_id is None


def test_a_shared_note_refuses_a_link_of_another_victim(client_for, world):
    victim = _victim(world, "north", "Vera")
    other = _victim(world, "north", "Mina")
    response = client_for("idva", "north").post(
        reverse("victims:shared_note_new", args=[victim.pk]),
        {"link": other.links.get().pk, "text": "Engaging well", "confirm": "on"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["link"] == [INVALID_CHOICE]
    assert not SharedNote.objects.exists()


def test_a_child_refuses_a_link_of_another_victim(client_for, world):
    victim = _victim(world, "north", "Vera")
    other = _victim(world, "north", "Mina")
    response = client_for("idva", "north").post(
        reverse("victims:child_new", args=[victim.pk]),
        {"first_name": "Robin", "perpetrator_links": [other.links.get().pk], "status": "living_with_victim"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["perpetrator_links"] == [INVALID_CHOICE]
    assert not Child.objects.exists()


@pytest.mark.parametrize("which", ["another area's agency", "no such agency"])
def test_a_consent_decision_refuses_an_agency_outside_the_victims_area(client_for, world, which):
    victim = _victim(world, "north", "Vera")
    agency = world.team("police", "south").organisation.pk if which == "another area's agency" else NO_SUCH_ID
    response = client_for("idva", "north").post(
        reverse("victims:consent_new", args=[victim.pk]),
        {"purpose": "MARAC", "receiving_organisation": agency, "consent": "given", "legal_basis": "consent"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["receiving_organisation"] == [INVALID_CHOICE]
    assert not ConsentDecision.objects.exists()
