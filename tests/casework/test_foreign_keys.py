"""Every record id a casework form accepts is one the caller may use (`accounts.choices`).

A case manager from another team or area, another area's agency, another person's victim link,
an assessment instrument that is not offered, or a team the caller does not import for gets the
same "Select a valid choice" error as an id that does not exist, and nothing is changed.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.choices import INVALID_CHOICE
from accounts.models import Membership, Role, Team
from casework.models import Assessment, AssessmentInstrument, DisruptionAction, Incident, Order
from victims import services as victim_services

pytestmark = pytest.mark.django_db

NO_SUCH_ID = 987654


def _day(name: str, value: datetime.date) -> dict:
    return {f"{name}_day": value.day, f"{name}_month": value.month, f"{name}_year": value.year}


def _errors(response, field: str) -> list[str]:
    assert response.status_code == 200, f"expected the form again, got {response.status_code}"
    return response.context["form"].errors.get(field)


@pytest.fixture
def other_link(world, make_case):
    """A victim link of another (south) person: not one of the north case's links."""
    south_case = make_case("south", first_name="Owen")
    victim = victim_services.victim_create(
        actor=world.user("idva", "south"),
        team=world.team("idva", "south"),
        first_name="Nia",
        last_name="Penn",
        perpetrator=south_case.perpetrator,
        relationship="ex_partner",
    )
    return victim.links.get()


@pytest.mark.parametrize(
    "field,who",
    [
        ("case_manager", "casemanager.south"),
        ("case_manager", "idva.north"),
        ("case_manager", None),
        ("supervisor", "supervisor.south"),
        ("supervisor", "casemanager2.north"),  # in the team, but not a supervisor
    ],
)
def test_allocating_a_case_refuses_anyone_outside_its_team(client_for, world, case, field, who):
    chosen = world.user(*who.split(".")).pk if who else NO_SUCH_ID
    data = {"case_manager": world.user("casemanager2", "north").pk, field: chosen}
    response = client_for("supervisor", "north").post(reverse("casework:case_allocate", args=[case.pk]), data)
    assert _errors(response, field) == [INVALID_CHOICE]
    case.refresh_from_db()
    assert case.case_manager == world.user("casemanager", "north")
    assert case.supervisor == world.user("supervisor", "north")


@pytest.mark.parametrize("which", ["another area's agency", "no such agency"])
def test_a_disruption_action_refuses_an_agency_outside_the_cases_area(client_for, world, case, which):
    agency = world.team("police", "south").organisation.pk if which == "another area's agency" else NO_SUCH_ID
    data = {"lever": "welfare_check", "agency": agency, "description": "Check on bail", "status": "planned"}
    response = client_for("casemanager", "north").post(reverse("casework:action_add", args=[case.pk]), data)
    assert _errors(response, "agency") == [INVALID_CHOICE]
    assert not DisruptionAction.objects.exists()


def test_a_disruption_action_still_takes_an_agency_of_the_cases_area(client_for, world, case):
    data = {
        "lever": "welfare_check",
        "agency": world.team("police", "north").organisation.pk,
        "description": "Check on bail",
        "status": "planned",
    }
    response = client_for("casemanager", "north").post(reverse("casework:action_add", args=[case.pk]), data)
    assert response.status_code == 302
    assert DisruptionAction.objects.get().case == case


@pytest.mark.parametrize("which", ["retired instrument", "no such instrument"])
def test_starting_an_assessment_refuses_an_instrument_not_offered(client_for, case, instruments, which):
    instrument = AssessmentInstrument.objects.first()
    if which == "retired instrument":
        AssessmentInstrument.objects.filter(pk=instrument.pk).update(active=False)
    chosen = instrument.pk if which == "retired instrument" else NO_SUCH_ID
    response = client_for("casemanager", "north").post(
        reverse("casework:assessments", args=[case.pk]), {"instrument": chosen}
    )
    assert _errors(response, "instrument") == [INVALID_CHOICE]
    assert not Assessment.objects.exists()


def test_an_order_refuses_a_protected_person_linked_to_someone_else(client_for, case, other_link):
    data = {
        "kind": "restraining",
        **_day("made_on", timezone.localdate()),
        "protected_persons": [other_link.pk],
    }
    response = client_for("casemanager", "north").post(reverse("casework:order_add", args=[case.pk]), data)
    assert _errors(response, "protected_persons") == [INVALID_CHOICE]
    assert not Order.objects.exists()


def test_an_incident_refuses_a_victim_linked_to_someone_else(client_for, case, other_link):
    data = {
        **_day("occurred_on", timezone.localdate()),
        "incident_type": "call_out",
        "offence": "common_assault",
        "is_domestic_abuse": "yes",
        "victim_links": [other_link.pk],
    }
    response = client_for("casemanager", "north").post(reverse("casework:incident_add", args=[case.pk]), data)
    assert _errors(response, "victim_links") == [INVALID_CHOICE]
    assert not Incident.objects.exists()


def test_an_incident_import_refuses_a_team_the_caller_does_not_import_for(client_for, world):
    # With two teams of their own the page asks which one; another area's team is not offered.
    north = world.team("case_management", "north")
    second = Team.objects.create(
        name="Northshire second team", organisation=north.organisation, area=north.area, kind=north.kind
    )
    Membership.objects.create(user=world.user("casemanager", "north"), team=second, role=Role.CASE_MANAGER)
    upload = SimpleUploadedFile("incidents.csv", b"police_reference,occurred_on\n", content_type="text/csv")
    response = client_for("casemanager", "north").post(
        reverse("casework:incident_import"),
        {"team": world.team("case_management", "south").pk, "file": upload},
    )
    assert _errors(response, "team") == [INVALID_CHOICE]
    assert not Incident.objects.exists()
