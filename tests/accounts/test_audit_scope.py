"""The DPO reads the audit trail and access logs of their own area only, and every read is audited."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import audit
from accounts.models import AuditEvent
from casework import services as casework_services
from victims import services as victim_services

pytestmark = pytest.mark.django_db

NOT_THERE = 987654


def _case(world, area):
    supervisor = world.user("supervisor", area)
    person = casework_services.perpetrator_create(
        actor=supervisor, area=world.areas[area], first_name="Rowan", last_name=f"Vale{area}"
    )
    return casework_services.case_open(
        actor=supervisor, perpetrator=person, team=world.team("case_management", area), case_manager=None
    )


def _victim(world, area):
    return victim_services.victim_create(
        actor=world.user("idva", area), team=world.team("idva", area), first_name="Wren", last_name="Moss"
    )


@pytest.fixture
def records(world):
    return {
        "north_case": _case(world, "north"),
        "south_case": _case(world, "south"),
        "north_victim": _victim(world, "north"),
        "south_victim": _victim(world, "south"),
    }


def comparable(body: str) -> str:
    """A page without what differs on every response (CSP nonces, CSRF tokens, request ids)."""
    body = re.sub(r'nonce="[^"]*"', "", body)
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)
    return re.sub(r"[0-9a-f]{32}", "", body)


# --- The audit trail ---------------------------------------------------------------------------


def test_the_dpo_sees_events_of_their_areas_people_and_records_only(client_for, world, records):
    south_case = records["south_case"]
    audit.record(None, AuditEvent.Action.EXPORT, user=world.user("analyst", "north"), object_type="reports.x")
    audit.record(None, AuditEvent.Action.EXPORT, user=world.user("analyst", "south"), object_type="reports.y")
    # A north practitioner reading a south record: both areas' DPOs see it.
    audit.record(None, AuditEvent.Action.VIEW, south_case, user=world.user("casemanager", "north"))
    # Someone with no organisation acting on a north victim's record: the record's area decides.
    audit.record(None, AuditEvent.Action.UPDATE, records["north_victim"], user=world.users["admin"])
    north = client_for("dpo", "north").get("/audit/").content.decode()
    assert "reports.x" in north and "reports.y" not in north
    assert f"casework.case {south_case.pk}" in north
    assert f"victims.victim {records['north_victim'].pk}" in north
    assert f"victims.victim {records['south_victim'].pk}" not in north
    south = client_for("dpo", "south").get("/audit/").content.decode()
    assert "reports.y" in south and "reports.x" not in south
    assert f"casework.case {south_case.pk}" in south
    assert f"victims.victim {records['north_victim'].pk}" not in south


def test_searching_another_areas_record_looks_like_searching_one_that_does_not_exist(client_for, records):
    client = client_for("dpo", "north")
    south = client.get("/audit/", {"object_type": "casework.case", "object_id": records["south_case"].pk})
    missing = client.get("/audit/", {"object_type": "casework.case", "object_id": NOT_THERE})
    assert south.status_code == missing.status_code == 200
    assert "No events match." in south.content.decode() and "No events match." in missing.content.decode()
    own = client.get("/audit/", {"object_type": "casework.case", "object_id": records["north_case"].pk})
    assert "No events match." not in own.content.decode()


def test_another_areas_users_are_not_found_by_email(client_for, world):
    audit.record(None, AuditEvent.Action.EXPORT, user=world.user("analyst", "south"), object_type="reports.y")
    response = client_for("dpo", "north").get("/audit/", {"user_email": "analyst.south@demo.tideline.test"})
    assert "No events match." in response.content.decode()


def test_a_case_or_victim_reference_finds_that_records_events(client_for, records):
    client = client_for("dpo", "north")
    case = records["north_case"]
    body = client.get("/audit/", {"object_id": case.reference}).content.decode()
    assert f"casework.case {case.pk}" in body
    victim = records["north_victim"]
    body = client.get("/audit/", {"object_id": victim.reference.lower()}).content.decode()
    assert f"victims.victim {victim.pk}" in body
    clash = client.get("/audit/", {"object_type": "casework.case", "object_id": victim.reference})
    assert "V- references name a victim-survivor&#x27;s record" in clash.content.decode()


def test_every_search_of_the_audit_trail_is_audited_with_its_filters(client_for, world):
    client_for("dpo", "north").get(
        "/audit/", {"user_email": " Analyst.North@demo.tideline.test", "action": "export", "page": "2"}
    )
    event = AuditEvent.objects.get(action=AuditEvent.Action.SEARCH)
    assert event.user == world.user("dpo", "north")
    assert event.object_type == "accounts.auditevent"
    assert event.purpose == "audit trail search: user analyst.north@demo.tideline.test; action export; page 2"


def test_an_unreadable_search_shows_its_error_and_no_events(client_for, world):
    audit.record(None, AuditEvent.Action.EXPORT, user=world.user("analyst", "north"), object_type="reports.x")
    response = client_for("dpo", "north").get("/audit/", {"action": "not-an-action"})
    body = response.content.decode()
    assert response.status_code == 200 and "No events match." in body and "reports.x" not in body
    assert (
        AuditEvent.objects.get(action=AuditEvent.Action.SEARCH).purpose
        == "audit trail search: filters not valid"
    )


def test_audit_trail_query_count_stays_flat_with_the_area_filter(
    client_for, world, django_assert_max_num_queries
):
    client = client_for("dpo", "north")
    for i in range(60):
        audit.record(
            None, AuditEvent.Action.VIEW, user=world.user("idva", "north"), object_type="x", object_id=i
        )
    with django_assert_max_num_queries(12):
        assert client.get("/audit/").status_code == 200


# --- Access logs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url,record",
    [("/victims/{}/access-log/", "victim"), ("/cases/{}/access-log/", "case")],
)
def test_the_dpo_reads_their_own_areas_access_logs_and_the_read_is_audited(
    client_for, world, records, url, record
):
    target = records[f"north_{record}"]
    response = client_for("dpo", "north").get(url.format(target.pk))
    assert response.status_code == 200
    body = response.content.decode()
    assert target.reference in body and "you see the audit trail only" in body
    event = AuditEvent.objects.filter(user=world.user("dpo", "north"), action=AuditEvent.Action.VIEW).get()
    assert event.object_id == str(target.pk) and "data protection officer" in event.purpose


@pytest.mark.parametrize(
    "url,record",
    [("/victims/{}/access-log/", "victim"), ("/cases/{}/access-log/", "case")],
)
def test_another_areas_access_log_is_exactly_like_one_that_does_not_exist(client_for, records, url, record):
    client = client_for("dpo", "north")
    client.get(url.format(NOT_THERE))  # the session's first request touches it: keep that out
    with CaptureQueriesContext(connection) as other_area:
        other = client.get(url.format(records[f"south_{record}"].pk))
    with CaptureQueriesContext(connection) as no_record:
        missing = client.get(url.format(NOT_THERE))
    assert other.status_code == missing.status_code == 404
    assert comparable(other.content.decode()) == comparable(missing.content.decode())
    assert len(other_area.captured_queries) == len(no_record.captured_queries)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).exists()


def test_the_idva_team_supervisor_still_sees_their_records_access_log_with_tabs(client_for, records):
    response = client_for("idvamanager", "north").get(f"/victims/{records['north_victim'].pk}/access-log/")
    assert response.status_code == 200
    assert "Who has accessed this record" in response.content.decode()
    assert (
        client_for("idvamanager", "north")
        .get(f"/victims/{records['south_victim'].pk}/access-log/")
        .status_code
        == 404
    )


# --- Through a live server, as in production ---------------------------------------------------


def test_live_refused_reads_of_another_areas_trail_and_access_logs(live, world, records):
    http = live.signed_in(world.user("dpo", "north"))
    for url in ("/victims/{}/access-log/", "/cases/{}/access-log/"):
        other = http.get(url.format(records["south_victim" if "victims" in url else "south_case"].pk))
        missing = http.get(url.format(NOT_THERE))
        assert other.status_code == missing.status_code == 404, url
        assert comparable(other.text) == comparable(missing.text)
    search = http.get(
        "/audit/", params={"object_type": "casework.case", "object_id": records["south_case"].pk}
    )
    assert search.status_code == 200 and "No events match." in search.text
    assert live.signed_in(world.user("supervisor", "north")).get("/audit/").status_code == 403
    assert (
        AuditEvent.objects.filter(action=AuditEvent.Action.SEARCH, user=world.user("dpo", "north")).count()
        == 1
    )
