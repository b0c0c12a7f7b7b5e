"""Hostile input to the incident import, the upload page and the police feed: every column gets
every hostile value; each is refused with its row and column (or, for bytes no UTF-8 file can
hold, a file error naming the line), nothing is imported, and nothing answers 500.

The one value a column may keep is a Unicode digit in the summary, which is prose ("3 m²"): it
is stored exactly as sent.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from casework import services
from casework.imports import COLUMNS, incident_import_csv
from casework.models import Incident
from tests.casework.legal.conftest import days_ago

pytestmark = pytest.mark.django_db

UNICODE_DIGITS = {"superscript": "²", "arabic_indic": "٣", "fullwidth": "３"}
HOSTILE = {
    **UNICODE_DIGITS,
    "nul": "1\x00",
    "very_long": "9" * 5000,
    "bom": "\ufeff1",
    "zero_width": "1\u200b",
    "formula_equals": '=HYPERLINK("http://example.invalid")',
    "formula_plus": "+1",
    "formula_minus": "-1",
    "formula_at": "@SUM(A1:A2)",
}
NAMES = [column.name for column in COLUMNS]


@pytest.fixture
def good_row(world, legal_case) -> dict[str, str]:
    """A row that imports, with every column filled in."""
    services.perpetrator_identifier_add(
        perpetrator=legal_case.perpetrator,
        actor=world.user("casemanager", "north"),
        kind="pnc",
        value="99/1234Z",
    )
    return {
        "police_reference": "HX/1",
        "occurred_on": days_ago(5).isoformat(),
        "occurred_time": "21:40",
        "incident_type": "crime",
        "offence": "common_assault",
        "is_domestic_abuse": "yes",
        "children_present": "yes",
        "children_count": "2",
        "perpetrator_id": str(legal_case.perpetrator.pk),
        "pnc_number": "99/1234Z",
        "last_name": "Holt",
        "first_name": "Darren",
        "date_of_birth": "1985-05-01",
        "victim_numbers": "1;2",
        "summary": "Officers attended.",
    }


def as_csv(row: dict[str, str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=NAMES)
    writer.writeheader()
    writer.writerow(row)
    return buffer.getvalue()


def run(world, file):
    return incident_import_csv(
        file=file, actor=world.user("casemanager", "north"), team=world.team("case_management", "north")
    )


def test_the_good_row_imports(world, good_row):
    result = run(world, io.BytesIO(as_csv(good_row).encode()))
    assert result.ok, result.rejected
    assert result.created == 1


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("column", NAMES)
def test_every_hostile_value_in_every_column_is_refused_with_its_row_and_column(
    world, good_row, column, value
):
    result = run(world, io.BytesIO(as_csv({**good_row, column: value}).encode("utf-8")))
    if column == "summary" and value in UNICODE_DIGITS.values():
        assert result.ok, result.rejected
        assert Incident.objects.get().summary == value
        return
    assert not result.ok and result.created == 0
    assert not result.file_errors
    assert (2, column) in {(problem.row, problem.column) for problem in result.rejected}, result.rejected
    assert not Incident.objects.exists()


@pytest.mark.parametrize("column", NAMES)
def test_a_lone_surrogate_in_any_column_is_refused(world, good_row, column):
    # Through the feed the import reads text, where a lone surrogate can arrive...
    result = run(world, io.StringIO(as_csv({**good_row, column: "A\ud800"})))
    assert (2, column) in {(problem.row, problem.column) for problem in result.rejected}
    # ...and in an uploaded file it is bytes no UTF-8 file may hold: the line is named.
    raw = as_csv({**good_row, column: "A\ud800"}).encode("utf-8", "surrogatepass")
    assert any("line 2" in error for error in run(world, io.BytesIO(raw)).file_errors)
    assert not Incident.objects.exists()


@pytest.mark.parametrize("column", NAMES)
def test_a_cell_in_another_encoding_names_its_line(world, good_row, column):
    raw = as_csv({**good_row, column: "Café"}).encode("latin-1")
    result = run(world, io.BytesIO(raw))
    assert any("line 2 has bytes that are not UTF-8" in error for error in result.file_errors)
    assert not Incident.objects.exists()


def test_a_leading_byte_order_mark_is_fine_but_a_second_one_is_not(world, good_row):
    assert run(world, io.BytesIO(b"\xef\xbb\xbf" + as_csv(good_row).encode())).ok
    Incident.all_objects.all().delete()
    result = run(world, io.BytesIO(b"\xef\xbb\xbf" + ("\ufeff" + as_csv(good_row)).encode()))
    assert not result.ok and any("police_reference" in error for error in result.file_errors)


def test_hostile_header_names_are_reported_without_echoing_invisible_characters(world, good_row):
    text = as_csv(good_row).replace("summary", "summ\x00ary\u200b", 1)
    result = run(world, io.BytesIO(text.encode()))
    assert any("summ?ary?" in error for error in result.file_errors)


def test_a_person_number_too_large_for_the_database_matches_nobody(world, good_row):
    result = run(world, io.BytesIO(as_csv({**good_row, "perpetrator_id": "9" * 30}).encode()))
    assert ("perpetrator_id", "No person with this number in your area") in {
        (problem.column, problem.reason) for problem in result.rejected
    }


# --- The upload page and the feed, over real HTTP with no transaction around the test -----------------


def test_the_upload_page_reports_hostile_files_and_imports_nothing(live, world, good_row):
    http = live.signed_in(world.user("casemanager", "north"))
    url = reverse("casework:incident_import")
    hostile = {
        **good_row,
        "children_count": "²",
        "summary": "Seen\x00",
        "offence": "=1+1",
        "perpetrator_id": "٣",
    }
    for content in (
        as_csv(hostile).encode(),
        as_csv({**good_row, "last_name": "Holt\ud800"}).encode("utf-8", "surrogatepass"),
        as_csv({**good_row, "summary": "Café"}).encode("latin-1"),
        "\ufeff".encode("utf-16") + as_csv(good_row).encode("utf-16-le"),
    ):
        page = http.get(url)
        token = page.text.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
        response = http.post(
            url, {"csrfmiddlewaretoken": token}, files={"file": ("extract.csv", content, "text/csv")}
        )
        assert response.status_code == 200, response.status_code
        assert "Nothing was imported" in response.text
    assert not Incident.objects.exists()


FEED_HOSTILE = [
    ("children_count", "²"),
    ("children_count", "٣"),
    ("perpetrator_id", "３"),
    ("victim_numbers", ["٣"]),
    ("occurred_on", "２０２６-01-01"),
    ("occurred_time", "２１:40"),
    ("date_of_birth", "١٩٨٥-05-01"),
    ("police_reference", "HX\x00/1"),
    ("police_reference", "HX/\ud800"),
    ("police_reference", "٣"),
    ("police_reference", "9" * 5000),
    ("summary", "=HYPERLINK(1)"),
    ("summary", "a\u200bb"),
    ("last_name", "Holt²"),
    ("pnc_number", "@SUM(A1)"),
    ("offence", "\ud800"),
    ("incident_type", "\x00"),
]


def feed_body(good_row, field, value) -> dict:
    return {
        **{name: good_row[name] for name in ("police_reference", "occurred_on", "occurred_time")},
        "incident_type": "crime",
        "offence": "common_assault",
        "is_domestic_abuse": True,
        "perpetrator_id": int(good_row["perpetrator_id"]),
        field: value,
    }


def feed_token(world) -> str:
    from accounts.models_api import Scope
    from tests.api.conftest import make_token

    return make_token(world.user("supervisor", "north"), scopes=[Scope.INCIDENTS_WRITE])[1]


@pytest.mark.parametrize(("field", "value"), FEED_HOSTILE)
def test_the_feed_refuses_hostile_values_field_by_field(world, good_row, field, value):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {feed_token(world)}")
    # json.dumps escapes what the test client's own renderer could not encode (a lone surrogate).
    response = client.post(
        "/api/incidents/", json.dumps(feed_body(good_row, field, value)), content_type="application/json"
    )
    assert response.status_code == 400, (response.status_code, response.content[:300])
    assert field in response.json(), response.json()
    assert not Incident.objects.exists()


def test_the_feed_refuses_hostile_values_over_real_http(live, world, good_row):
    token = feed_token(world)
    http = live.anonymous()
    for field, value in FEED_HOSTILE:
        response = http.api("POST", "/api/incidents/", token=token, json=feed_body(good_row, field, value))
        assert response.status_code == 400, (field, response.status_code, response.text[:300])
        assert field in response.json()
    assert not Incident.objects.exists()
