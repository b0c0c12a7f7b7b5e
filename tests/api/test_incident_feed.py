"""The police incident feed: CSV-import validation, all or nothing, idempotent, risk jobs triggered."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models_api import Scope
from casework.models import Incident, IncidentSource

pytestmark = pytest.mark.django_db

SINGLE = "/api/incidents/"
BATCH = "/api/incidents/batch/"


def incident(api_data, reference: str, **overrides) -> dict:
    data = {
        "police_reference": reference,
        "occurred_on": (timezone.localdate() - datetime.timedelta(days=3)).isoformat(),
        "occurred_time": "21:40",
        "incident_type": "crime",
        "offence": "common_assault",
        "is_domestic_abuse": True,
        "children_present": True,
        "children_count": 2,
        "perpetrator_id": api_data.case.perpetrator_id,
        "victim_numbers": [1],
        "summary": "Assault at home address; officers attended.",
    }
    data.update(overrides)
    return data


@pytest.fixture
def feed(token_client):
    return token_client("supervisor", "north", scopes=[Scope.INCIDENTS_WRITE])


@pytest.fixture
def enqueued(monkeypatch):
    """The incident ids the feed's import hands to the risk jobs (one batched enqueue per import)."""
    calls: list[int] = []
    monkeypatch.setattr("casework.imports.enqueue_flags_after_incidents", calls.extend)
    return calls


def test_single_incident_is_recorded_with_the_feed_as_source(api_data, feed, enqueued):
    response = feed.post(SINGLE, incident(api_data, "NP/2026/0001"), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["created"] == 1 and body["already_present"] == 0
    made = Incident.objects.get(pk=body["incident_ids"][0])
    assert made.source == IncidentSource.API
    assert made.perpetrator_id == api_data.case.perpetrator_id
    assert made.occurred_at == datetime.time(21, 40) and made.children_count == 2
    assert list(made.victim_links.all()) == [api_data.link]
    assert enqueued == [made.pk]


def test_a_resent_batch_creates_nothing_twice(api_data, feed, enqueued):
    batch = {"incidents": [incident(api_data, "NP/2026/0002"), incident(api_data, "NP/2026/0003")]}
    first = feed.post(BATCH, batch, format="json")
    assert first.status_code == 201 and first.json()["created"] == 2
    again = feed.post(BATCH, batch, format="json")
    assert again.status_code == 200
    assert again.json() == {"created": 0, "already_present": 2, "incident_ids": []}
    assert Incident.objects.filter(police_reference__startswith="NP/2026/000").count() == 2
    assert len(enqueued) == 2


def test_one_bad_incident_refuses_the_whole_batch_naming_each_problem(api_data, feed, enqueued):
    batch = {
        "incidents": [
            incident(api_data, "NP/2026/0004"),
            incident(api_data, "NP/2026/0005", perpetrator_id=api_data.other_area_case.perpetrator_id),
            incident(api_data, "NP/2026/0006", victim_numbers=[9]),
        ]
    }
    response = feed.post(BATCH, batch, format="json")
    assert response.status_code == 400
    problems = response.json()["incidents"]
    assert problems[0] == {}
    assert "perpetrator_id" in problems[1]
    assert "victim_numbers" in problems[2]
    assert not Incident.objects.filter(
        police_reference__in=["NP/2026/0004", "NP/2026/0005", "NP/2026/0006"]
    ).exists()
    assert enqueued == []


def test_type_errors_are_field_level(api_data, feed):
    response = feed.post(
        SINGLE,
        incident(api_data, "NP/2026/0007", occurred_on="yesterday", offence="murder-ish", children_count=99),
        format="json",
    )
    assert response.status_code == 400
    assert {"occurred_on", "offence", "children_count"} <= set(response.json())


def test_future_dates_are_refused_as_in_the_csv_import(api_data, feed):
    future = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    response = feed.post(SINGLE, incident(api_data, "NP/2026/0008", occurred_on=future), format="json")
    assert response.status_code == 400 and "occurred_on" in response.json()


def test_extra_fields_are_refused(api_data, feed):
    response = feed.post(
        SINGLE, {**incident(api_data, "NP/2026/0009"), "case": 1, "source": "manual"}, format="json"
    )
    assert response.status_code == 400
    assert {"case", "source"} <= set(response.json())
    assert not Incident.objects.filter(police_reference="NP/2026/0009").exists()


def test_matching_by_name_and_date_of_birth(api_data, feed):
    data = incident(api_data, "NP/2026/0010", perpetrator_id=None, last_name="Harrow", first_name="Dale")
    data["date_of_birth"] = "1985-03-04"
    response = feed.post(SINGLE, data, format="json")
    assert response.status_code == 201, response.json()


def test_needs_the_incidents_scope(api_data, token_client):
    client = token_client("supervisor", "north", scopes=[Scope.CASES_WRITE])
    assert client.post(SINGLE, incident(api_data, "NP/2026/0011"), format="json").status_code == 403


def test_police_agency_reps_cannot_push_as_on_the_upload_page(api_data, token_client):
    client = token_client("police", "north", scopes=[Scope.INCIDENTS_WRITE])
    response = client.post(SINGLE, incident(api_data, "NP/2026/0012"), format="json")
    assert response.status_code == 403
    assert not Incident.objects.filter(police_reference="NP/2026/0012").exists()


def test_anonymous_push_is_refused(api_data):
    assert APIClient().post(SINGLE, incident(api_data, "NP/2026/0013"), format="json").status_code == 401


def test_reading_the_feed_is_not_offered(api_data, feed):
    assert feed.get(SINGLE).status_code in (403, 405)


def test_empty_batch_is_refused(api_data, feed):
    assert feed.post(BATCH, {"incidents": []}, format="json").status_code == 400


# --- References are unique per police force (area) ----------------------------------------------


def south_incident(api_data, reference: str) -> Incident:
    from casework import services_legal

    return services_legal.incident_create(
        actor=api_data.other_area_case.case_manager,
        perpetrator=api_data.other_area_case.perpetrator,
        case=api_data.other_area_case,
        police_reference=reference,
        occurred_on=timezone.localdate() - datetime.timedelta(days=9),
        incident_type="crime",
        offence="harassment",
        summary="South's own summary",
    )


def test_a_push_of_a_reference_another_area_holds_creates_this_areas_own_incident(api_data, feed):
    south = south_incident(api_data, "SHARED/2026/0001")
    response = feed.post(SINGLE, incident(api_data, "SHARED/2026/0001"), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    # Nothing about the south incident: not "already present", not its id, not its details.
    assert body["created"] == 1 and body["already_present"] == 0
    assert body["incident_ids"] != [south.pk]
    assert "South" not in response.content.decode() and str(south.pk) not in body["incident_ids"]
    north = Incident.objects.get(pk=body["incident_ids"][0])
    assert north.area == api_data.case.perpetrator.area and north.perpetrator == api_data.case.perpetrator
    south.refresh_from_db()
    assert (
        south.perpetrator == api_data.other_area_case.perpetrator and south.summary == "South's own summary"
    )
    again = feed.post(SINGLE, incident(api_data, "SHARED/2026/0001"), format="json")
    assert again.status_code == 200 and again.json() == {
        "created": 0,
        "already_present": 1,
        "incident_ids": [],
    }


def test_another_areas_earlier_push_does_not_block_this_areas_incident(api_data, feed):
    assert feed.post(SINGLE, incident(api_data, "SHARED/2026/0002"), format="json").status_code == 201
    south = south_incident(api_data, "SHARED/2026/0002")
    assert south.area == api_data.other_area_case.perpetrator.area
    assert Incident.objects.filter(police_reference="SHARED/2026/0002").count() == 2
