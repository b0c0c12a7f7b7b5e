"""The police incident import: all or nothing, idempotent, matched inside the team's area."""

from __future__ import annotations

import io

import pytest

from accounts.models import AuditEvent
from casework import services, services_legal
from casework.imports import incident_import_csv
from casework.models import Incident, RfgScore
from tests.casework.legal.conftest import days_ago

pytestmark = pytest.mark.django_db

HEADER = (
    "police_reference,occurred_on,incident_type,offence,is_domestic_abuse,perpetrator_id,victim_numbers\n"
)


def csv_file(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode("utf-8"))


def run(world, text, area="north"):
    return incident_import_csv(
        file=csv_file(text), actor=world.user("casemanager", area), team=world.team("case_management", area)
    )


def test_valid_file_imports_every_row_and_scores(world, legal_case, rfg_model):
    pid = legal_case.perpetrator.pk
    text = HEADER + (
        f"NS/100,{days_ago(40).isoformat()},crime,abh,yes,{pid},1;2\n"
        f"NS/101,{days_ago(10):%d/%m/%Y},non_crime,non_crime,no,{pid},\n"
    )
    result = run(world, text)
    assert result.ok, result.rejected
    assert (result.created, result.already_present) == (2, 0)
    imported = Incident.objects.get(police_reference="NS/100")
    assert imported.source == "imported"
    assert imported.case == legal_case
    assert sorted(link.label_number for link in imported.victim_links.all()) == [1, 2]
    assert RfgScore.objects.filter(case=legal_case, kind="entry").exists()


def test_reimporting_the_same_file_creates_nothing_twice(world, legal_case):
    text = (
        HEADER + f"NS/200,{days_ago(5).isoformat()},crime,common_assault,yes,{legal_case.perpetrator.pk},\n"
    )
    assert run(world, text).created == 1
    again = run(world, text)
    assert again.ok
    assert (again.created, again.already_present) == (0, 1)
    assert Incident.objects.filter(police_reference="NS/200").count() == 1


def test_one_bad_row_means_nothing_is_imported_and_the_report_says_why(world, legal_case):
    pid = legal_case.perpetrator.pk
    text = HEADER + (
        f"NS/300,{days_ago(5).isoformat()},crime,common_assault,yes,{pid},\n"
        f"NS/301,31/02/2025,crime,punching,maybe,{pid},7\n"
        f"NS/300,{days_ago(4).isoformat()},crime,abh,yes,{pid},\n"
    )
    result = run(world, text)
    assert not result.ok
    assert result.created == 0
    assert not Incident.objects.exists()
    problems = {(r.row, r.column) for r in result.rejected}
    assert (3, "occurred_on") in problems
    assert (3, "offence") in problems
    assert (3, "is_domestic_abuse") in problems
    assert (3, "victim_numbers") in problems
    assert (4, "police_reference") in problems  # the same reference twice in one file
    assert result.rejected_row_count == 2


def test_rows_are_matched_by_pnc_then_by_name_and_date_of_birth(world, legal_case, new_case):
    services.perpetrator_identifier_add(
        perpetrator=legal_case.perpetrator,
        actor=world.user("casemanager", "north"),
        kind="pnc",
        value="99/1234Z",
    )
    other = new_case(first_name="Paul", last_name="Brennan")
    text = (
        "police_reference,occurred_on,incident_type,offence,is_domestic_abuse,pnc_number,last_name,first_name,date_of_birth\n"
        f"NS/400,{days_ago(3).isoformat()},crime,harassment,yes,99/1234z,,,\n"
        f"NS/401,{days_ago(3).isoformat()},crime,harassment,yes,,brennan,PAUL,01/05/1985\n"
    )
    result = run(world, text)
    assert result.ok, result.rejected
    assert Incident.objects.get(police_reference="NS/400").perpetrator == legal_case.perpetrator
    assert Incident.objects.get(police_reference="NS/401").perpetrator == other.perpetrator


def test_people_in_another_area_and_ambiguous_names_are_rejected(world, legal_case, new_case):
    new_case(first_name="Sam", last_name="Twin")
    new_case(first_name="Sam", last_name="Twin")
    south = new_case("south", first_name="Sid", last_name="South")
    text = (
        "police_reference,occurred_on,incident_type,offence,is_domestic_abuse,perpetrator_id,last_name,first_name,date_of_birth\n"
        f"NS/500,{days_ago(3).isoformat()},crime,harassment,yes,{south.perpetrator.pk},,,\n"
        f"NS/501,{days_ago(3).isoformat()},crime,harassment,yes,,Twin,Sam,1985-05-01\n"
        f"NS/502,{days_ago(3).isoformat()},crime,harassment,yes,,,,\n"
    )
    result = run(world, text)
    reasons = {r.row: r.reason for r in result.rejected}
    assert reasons[2] == "No person with this number in your area"
    assert reasons[3].startswith("More than one person")
    assert reasons[4].startswith("Give perpetrator_id")
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"\xff\xfe\x00bad", "The file is saved as UTF-16."),
        (HEADER.encode() + "NS/1,caf\xe9".encode("latin-1"), "line 2 has bytes that are not UTF-8"),
        (b"police_reference,occurred_on\nNS/1,2025-01-01\n", "missing the required column"),
        (HEADER.encode(), "no incidents"),
        ((HEADER.strip() + ",colour\n").encode(), "does not know: colour"),
    ],
)
def test_unreadable_files_are_refused_whole(world, legal_case, content, message):
    result = incident_import_csv(
        file=io.BytesIO(content),
        actor=world.user("casemanager", "north"),
        team=world.team("case_management", "north"),
    )
    assert not result.ok
    assert any(message in error for error in result.file_errors)
    assert not Incident.objects.exists()


def test_successful_import_is_audited(world, legal_case):
    run(
        world,
        HEADER + f"NS/600,{days_ago(3).isoformat()},crime,harassment,yes,{legal_case.perpetrator.pk},\n",
    )
    assert AuditEvent.objects.filter(object_type="casework.incidentimport", action="create").exists()
    assert AuditEvent.objects.filter(object_type="casework.incident", action="create").count() == 1


def test_another_areas_reference_neither_shows_as_present_nor_blocks_the_import(world, legal_case, new_case):
    south_case = new_case("south", first_name="Sam", last_name="Southby")
    services_legal.incident_create(
        actor=world.user("casemanager", "south"),
        perpetrator=south_case.perpetrator,
        case=south_case,
        police_reference="XA/1",
        occurred_on=days_ago(9),
        incident_type="crime",
        offence="harassment",
    )
    text = HEADER + f"XA/1,{days_ago(5).isoformat()},crime,common_assault,yes,{legal_case.perpetrator.pk},\n"
    result = run(world, text)
    assert result.ok and (result.created, result.already_present) == (1, 0)
    # And the south area's own re-import still recognises only its own incident.
    south_text = (
        HEADER + f"XA/1,{days_ago(9).isoformat()},crime,harassment,yes,{south_case.perpetrator.pk},\n"
    )
    again = run(world, south_text, area="south")
    assert again.ok and (again.created, again.already_present) == (0, 1)
    assert sorted(
        Incident.objects.filter(police_reference="XA/1").values_list("area__code", flat=True)
    ) == sorted([world.areas["north"].code, world.areas["south"].code])


def test_the_database_keeps_references_unique_within_an_area_only(world, legal_case, new_case):
    from django.db import IntegrityError, transaction

    fields = {"occurred_on": days_ago(3), "incident_type": "crime", "offence": "harassment"}
    Incident.objects.create(perpetrator=legal_case.perpetrator, police_reference="DB/1", **fields)
    south = new_case("south", first_name="Sam", last_name="Southby")
    Incident.objects.create(perpetrator=south.perpetrator, police_reference="DB/1", **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.create(perpetrator=legal_case.perpetrator, police_reference="DB/1", **fields)
