"""Serial and repeat status is computed from victim links and incidents, never typed in."""

import datetime

import pytest
from django.urls import reverse

from casework.models import Incident
from casework.selectors import serial_repeat_status
from victims.models import Victim, VictimLink

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)


@pytest.fixture
def link(world, case):
    def make(number: int, **fields) -> VictimLink:
        victim = Victim.objects.create(
            team=world.team("idva", "north"),
            area=world.areas["north"],
            first_name=f"Vic{number}",
            last_name="Tim",
        )
        return VictimLink.objects.create(
            victim=victim,
            perpetrator=case.perpetrator,
            relationship="ex_partner",
            label_number=number,
            **fields,
        )

    return make


def incident(case, when, *links, domestic=True):
    item = Incident.objects.create(
        perpetrator=case.perpetrator,
        occurred_on=when,
        incident_type="crime",
        offence="assault",
        is_domestic_abuse=domestic,
    )
    item.victim_links.set(links)
    return item


def test_two_incidents_against_two_victims_in_three_years_is_serial(case, link):
    one, two = link(1), link(2)
    incident(case, datetime.date(2025, 1, 10), one)
    incident(case, datetime.date(2026, 2, 3), two)
    status = serial_repeat_status(case.perpetrator, today=TODAY)
    assert status.is_serial and not status.is_repeat and status.basis == "incidents"
    assert [v.label for v in status.victims] == ["victim 1", "victim 2"]
    assert "2 domestic-abuse incidents against 2 different victims" in status.explanation


def test_same_victim_twice_is_repeat_not_serial(case, link):
    one = link(1)
    incident(case, datetime.date(2025, 1, 10), one)
    incident(case, datetime.date(2025, 9, 1), one)
    status = serial_repeat_status(case.perpetrator, today=TODAY)
    assert status.is_repeat and not status.is_serial
    assert status.victims[0].dates == [datetime.date(2025, 1, 10), datetime.date(2025, 9, 1)]


def test_incidents_older_than_three_years_or_not_domestic_abuse_do_not_count(case, link):
    one, two = link(1), link(2)
    incident(case, datetime.date(2023, 5, 1), one)  # before 1 June 2023
    incident(case, datetime.date(2026, 1, 1), two)
    incident(case, datetime.date(2026, 2, 1), one, domestic=False)
    status = serial_repeat_status(case.perpetrator, today=TODAY)
    assert not status.is_serial and status.record_count == 1


def test_incidents_before_the_person_was_16_do_not_count(case, link):
    case.perpetrator.date_of_birth = datetime.date(2009, 12, 1)  # 16 on 1 Dec 2025
    case.perpetrator.save()
    one, two = link(1), link(2)
    incident(case, datetime.date(2025, 6, 1), one)
    incident(case, datetime.date(2026, 1, 5), two)
    assert not serial_repeat_status(case.perpetrator, today=TODAY).is_serial


def test_evidence_on_the_page_uses_labels_never_names(client_for, case, link):
    one, two = link(1), link(2)
    incident(case, datetime.date(2025, 1, 10), one)
    incident(case, datetime.date(2026, 2, 3), two)
    body = client_for("casemanager", "north").get(reverse("casework:person", args=[case.pk])).content.decode()
    assert "Serial" in body and "Victim 1" in body and "Victim 2" in body
    assert "Vic1" not in body and "Vic2" not in body
