"""THE ONE RULE on the case file: nothing about where a victim is, or how to reach them, appears."""

import datetime

import pytest
from django.urls import reverse

from casework import services
from casework.models import Incident
from victims.models import Victim, VictimAddress, VictimContact, VictimLink

pytestmark = pytest.mark.django_db

SECRETS = ["Rosalind", "Quiller", "7 Larkspur Close", "ZX1 9QQ", "07700 900123", "rosalind@example.org"]

GET_PAGES = [
    "case",
    "person",
    "assessments",
    "plans",
    "sessions",
    "notes",
    "chronology",
    "closure",
    "access_log",
    "case_risk",
    "case_edit",
    "person_edit",
]


@pytest.fixture
def linked_victim(world, case):
    victim = Victim.objects.create(
        team=world.team("idva", "north"),
        area=world.areas["north"],
        first_name="Rosalind",
        last_name="Quiller",
    )
    VictimAddress.objects.create(
        victim=victim, line_1="7 Larkspur Close", town="Northtown", postcode="ZX1 9QQ"
    )
    VictimContact.objects.create(victim=victim, kind="mobile", value="07700 900123")
    VictimContact.objects.create(victim=victim, kind="email", value="rosalind@example.org")
    link = VictimLink.objects.create(
        victim=victim, perpetrator=case.perpetrator, relationship="ex_partner", label_number=1
    )
    incident = Incident.objects.create(
        perpetrator=case.perpetrator,
        occurred_on=datetime.date.today() - datetime.timedelta(days=30),
        incident_type="crime",
        offence="assault",
    )
    incident.victim_links.set([link])
    services.case_session_record(
        case=case,
        actor=case.case_manager,
        kind="one_to_one",
        held_on=datetime.date.today(),
        attendance="attended",
    )
    return victim


@pytest.mark.parametrize("login", ["casemanager", "casemanager2", "supervisor"])
def test_no_case_file_page_shows_victim_details(client_for, case, linked_victim, login):
    client = client_for(login, "north")
    for name in GET_PAGES:
        response = client.get(reverse(f"casework:{name}", args=[case.pk]))
        if response.status_code != 200:
            continue
        body = response.content.decode()
        for secret in SECRETS:
            assert secret not in body, f"{secret!r} leaked on {name} to {login}"


def test_caseload_does_not_show_victim_details(client_for, case, linked_victim):
    body = (
        client_for("supervisor", "north")
        .get(reverse("casework:caseload"), {"scope": "team"})
        .content.decode()
    )
    assert case.reference in body
    for secret in SECRETS:
        assert secret not in body


def test_serial_evidence_uses_the_safe_label(client_for, case, linked_victim):
    body = client_for("casemanager", "north").get(reverse("casework:person", args=[case.pk])).content.decode()
    assert "Victim 1" in body


def test_audit_purposes_and_chronology_carry_no_victim_details(client_for, case, linked_victim):
    from accounts.models import AuditEvent

    client_for("casemanager", "north").get(reverse("casework:chronology", args=[case.pk]))
    for purpose, path in AuditEvent.objects.values_list("purpose", "path"):
        for secret in SECRETS:
            assert secret not in purpose and secret not in path
