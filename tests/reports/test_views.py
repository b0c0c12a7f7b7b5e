"""Report pages, exports and the commissioner's PDF: who may and who may not, what each channel
shows, that every download is audited, and that analysts never receive a name.

Figures come from the hand-built dataset in tests/reports/conftest.py.
"""

from __future__ import annotations

import csv
import datetime
import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import AuditEvent
from reports.registry import REPORTS

pytestmark = pytest.mark.django_db

PAGES = {
    "dashboard": "reports:dashboard",
    "outcomes": "reports:outcomes",
    "equality": "reports:equality",
    "marac-return": "reports:marac_return",
}
QUERY = {"period": "12m"}


def url(name: str, *args) -> str:
    return reverse(name, args=args)


def export_url(key: str, fmt: str) -> str:
    return reverse("reports:export", args=[key, fmt])


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return subprocess.run(
        [shutil.which("pdftotext") or "pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def xlsx_text(content: bytes) -> str:
    workbook = load_workbook(io.BytesIO(content))
    return "\n".join(
        " | ".join("" if v is None else str(v) for v in row)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
    )


# ---- Who may open each page -------------------------------------------------------------------


@pytest.mark.parametrize("name", [*PAGES.values(), "reports:commissioner_pdf"])
def test_anonymous_is_sent_to_sign_in(client, world, name):
    response = client.get(url(name))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_anonymous_cannot_export(client, world, fmt):
    response = client.get(export_url("outcomes", fmt))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("login", ["casemanager", "idva", "chair", "police", "dpo"])
@pytest.mark.parametrize("name", [*PAGES.values(), "reports:commissioner_pdf"])
def test_roles_without_reports_are_refused(client_for, name, login):
    assert client_for(login, "north").get(url(name)).status_code == 403


@pytest.mark.parametrize("login", ["casemanager", "idva", "chair", "police"])
@pytest.mark.parametrize("key", list(REPORTS))
def test_roles_without_reports_cannot_export(client_for, key, login):
    assert client_for(login, "north").get(export_url(key, "csv")).status_code == 403


@pytest.mark.parametrize("login", ["supervisor", "analyst"])
@pytest.mark.parametrize("name", PAGES.values())
def test_supervisors_and_analysts_open_every_report(client_for, dataset, name, login):
    response = client_for(login, "north").get(url(name), QUERY)
    assert response.status_code == 200
    report = next(r for r in REPORTS.values() if r.url_name == name)
    assert f'<h1 class="govuk-heading-l">{report.title}</h1>' in response.content.decode()


@pytest.mark.parametrize("name", ["reports:dashboard", "reports:outcomes", "reports:equality"])
def test_the_marac_coordinator_opens_only_the_marac_return(client_for, dataset, name):
    coordinator = client_for("coordinator", "north")
    assert coordinator.get(url(name)).status_code == 403
    assert coordinator.get(url("reports:commissioner_pdf")).status_code == 403
    assert coordinator.get(export_url("outcomes", "csv")).status_code == 403
    assert coordinator.get(url("reports:marac_return"), QUERY).status_code == 200


def test_the_marac_coordinator_sees_their_own_marac_with_exact_figures(client_for, dataset):
    page = client_for("coordinator", "north").get(url("reports:marac_return"), QUERY).content.decode()
    # The held meeting of the panel their team runs: 4 cases heard, 2 repeats, exact on screen.
    assert "(Test MARAC)" in page
    assert "Exact figures are shown on screen for the MARAC your team runs." in page
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">4</td>' in page
    # Their menu offers only what they may open, and no commissioner's PDF.
    assert url("reports:outcomes") not in page
    assert url("reports:commissioner_pdf") not in page
    assert export_url("marac-return", "csv") in page


def test_a_coordinator_of_another_area_sees_nothing_of_this_marac(client_for, dataset):
    page = client_for("coordinator", "south").get(url("reports:marac_return"), QUERY).content.decode()
    assert "Test MARAC" not in page
    assert "Nothing to show for this period." in page


def test_the_coordinator_exports_the_marac_return_suppressed(client_for, world, dataset):
    response = client_for("coordinator", "north").get(export_url("marac-return", "csv"), QUERY)
    assert response.status_code == 200
    rows = csv_rows(response.content)
    header = next(row for row in rows if row[:2] == ["Meeting date", "Cases heard"])
    meeting = next(row for row in rows if row and row[0].endswith("(Test MARAC)"))
    assert len(meeting) == len(header)
    assert dict(zip(header, meeting, strict=True))["Cases heard"] == "[c]"  # 4 people leave the system hidden
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT, object_type="reports.marac-return")
    assert event.user == world.user("coordinator", "north")


def test_a_coordinator_who_runs_no_marac_sees_an_empty_return(client_for, world, dataset):
    from accounts.models import Membership

    # Only the MATAC coordination membership: no MARAC panel is theirs.
    coordinator = world.user("coordinator", "north")
    Membership.objects.filter(user=coordinator, team=world.team("marac", "north")).update(active=False)
    page = client_for("coordinator", "north").get(url("reports:marac_return"), QUERY).content.decode()
    assert "Test MARAC" not in page


# ---- Other areas see only their own -----------------------------------------------------------


def shown(response, key: str) -> dict[str, list[str]]:
    """The rows of one table as the page showed them: {first cell: other cells}."""
    table = next(t for t in response.context["tables"] if t["key"] == key)
    return {row[0]: row[1:] for row in table["rows"]}


def test_another_areas_analyst_sees_only_their_own_figures(client_for, dataset):
    north = client_for("analyst", "north").get(url("reports:outcomes"), QUERY)
    south = client_for("analyst", "south").get(url("reports:outcomes"), QUERY)
    # North: 5 cases with physical abuse at intake (C1-C5). South: C8 only, so hidden.
    assert shown(north, "behaviour_change")["Physical abuse"][0] == "5"
    assert shown(south, "behaviour_change")["Physical abuse"][0] == "[c]"
    # The north MARAC's 4 cases are not counted in the south.
    assert shown(south, "repeat_marac")["Cases heard at MARAC"] == ["0"]
    south_marac = client_for("analyst", "south").get(url("reports:marac_return"), QUERY).content.decode()
    assert "Test MARAC" not in south_marac


# For each report, a figure only the north's data can make, and what the south sees instead.
OWN_AREA_ONLY = {
    "dashboard": ("caseload_by_phase", "Active", ["2", "50%"], ["0", "–"]),
    "outcomes": ("rfg_change", "Cases with entry and exit scores", ["3"], ["0"]),
    "equality": ("equality_ethnicity", "White", ["6", "67%", "86.0%", "Under-represented"], None),
    "marac-return": ("marac_return", None, None, None),
}


@pytest.mark.parametrize("key", list(REPORTS))
def test_each_report_shows_another_area_only_its_own_figures(client_for, dataset, key):
    table, row, north_value, south_value = OWN_AREA_ONLY[key]
    name = REPORTS[key].url_name
    north = client_for("supervisor", "north").get(url(name), QUERY)
    south = client_for("supervisor", "south").get(url(name), QUERY)
    assert north.status_code == south.status_code == 200
    if key == "marac-return":
        assert "(Test MARAC)" in north.content.decode()
        assert "(Test MARAC)" not in south.content.decode()
        return
    assert shown(north, table)[row] == north_value
    if south_value is not None:
        assert shown(south, table)[row] == south_value
    else:  # the south's only perpetrator (C8) is White British: one person, not six
        assert shown(south, table)[row][0] == "1"


def test_an_area_outside_the_scope_is_refused_and_nothing_is_shown(client_for, world, dataset):
    south = world.areas["south"].pk
    response = client_for("supervisor", "north").get(url("reports:outcomes"), {**QUERY, "area": south})
    assert response.status_code == 400
    assert response.context["tables"] == []
    assert 'id="behaviour_change-heading"' not in response.content.decode()
    export = client_for("analyst", "north").get(export_url("outcomes", "csv"), {**QUERY, "area": south})
    assert export.status_code == 400
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


@pytest.mark.parametrize("query", [{"period": "1999q9"}, {"team": "abc"}, {"intervention_type": "x"}])
def test_bad_filters_give_a_clear_error_not_a_500(client_for, dataset, query):
    response = client_for("supervisor", "north").get(url("reports:outcomes"), query)
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()


def test_an_unknown_report_or_format_is_not_found(client_for, world):
    analyst = client_for("analyst", "north")
    assert analyst.get(export_url("nonsense", "csv")).status_code == 404
    assert analyst.get(export_url("outcomes", "pdf")).status_code == 404


# ---- Suppression on screen --------------------------------------------------------------------


def test_analysts_see_small_numbers_suppressed_and_supervisors_exact(client_for, dataset):
    analyst = client_for("analyst", "north").get(url("reports:outcomes"), QUERY).content.decode()
    supervisor = client_for("supervisor", "north").get(url("reports:outcomes"), QUERY).content.decode()
    # Sexual abuse: one case stopped. Exact for the supervisor, hidden for the analyst.
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">[c]</td>' in analyst
    assert "[c] marks a hidden figure: one built from fewer than 5 people" in analyst
    assert "Exact figures are shown on screen for your teams." in supervisor


# ---- Exports ----------------------------------------------------------------------------------


@pytest.mark.parametrize("key", list(REPORTS))
def test_csv_export_is_suppressed_aligned_and_audited(client_for, world, dataset, key):
    response = client_for("supervisor", "north").get(export_url(key, "csv"), QUERY)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"tideline-{key}-12m.csv" in response["Content-Disposition"]
    rows = csv_rows(response.content)
    assert rows[0] == ["OFFICIAL-SENSITIVE"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.object_type == f"reports.{key}"
    assert event.object_id == "12m"
    assert event.user == world.user("supervisor", "north")
    assert "CSV" in event.purpose


def tables_in_csv(rows: list[list[str]]) -> dict[str, tuple[list[str], list[list[str]]]]:
    """{title: (header, data rows)}: a table is a blank row, its title, its header, rows, a note."""
    tables = {}
    index = 0
    while index < len(rows):
        if rows[index] == [] and index + 2 < len(rows):
            title, header = rows[index + 1][0], rows[index + 2]
            body = []
            index += 3
            while index < len(rows) and rows[index] != [] and len(rows[index]) > 1:
                body.append(rows[index])
                index += 1
            tables[title] = (header, body)
        else:
            index += 1
    return tables


@pytest.mark.parametrize("key", list(REPORTS))
def test_every_csv_row_lines_up_with_its_header(client_for, dataset, key):
    rows = csv_rows(client_for("supervisor", "north").get(export_url(key, "csv"), QUERY).content)
    tables = tables_in_csv(rows)
    assert tables
    for title, (header, body) in tables.items():
        for row in body:
            assert len(row) == len(header), f"{title}: {row} does not line up with {header}"


def test_cost_avoidance_columns_line_up_in_csv_and_excel(client_for, dataset):
    analyst = client_for("analyst", "north")
    header, body = tables_in_csv(csv_rows(analyst.get(export_url("outcomes", "csv"), QUERY).content))[
        "Cost avoidance (estimate)"
    ]
    # Numbers lose their "%" and "£" in a file: the unit moves into the column heading.
    assert header == [
        "Unit cost",
        "Counted against",
        "Number",
        "Unit cost (£)",
        "Share assumed avoided (%)",
        "Estimate (£)",
    ]
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    assert by_name["Cost of a MARAC case"]["Unit cost (£)"] == "63500"
    assert by_name["Cost of a MARAC case"]["Estimate (£)"] == "[c]"  # 3 people: suppressed
    assert by_name["Total estimated cost avoided"]["Estimate (£)"] == "[c]"

    workbook = load_workbook(io.BytesIO(analyst.get(export_url("outcomes", "xlsx"), QUERY).content))
    sheet = workbook["Cost avoidance"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[1]) == header
    assert sheet.max_column == len(header)  # no cell lies outside a headed column
    lines = {row[0]: dict(zip(header, row, strict=True)) for row in rows[2:] if row[0] in by_name}
    assert set(lines) == set(by_name)
    assert lines["Cost of a MARAC case"]["Unit cost (£)"] == 63500  # a number, in its own column
    assert lines["Cost of a MARAC case"]["Share assumed avoided (%)"] == 25
    assert lines["Cost of a MARAC case"]["Estimate (£)"] == "[c]"
    assert lines["Total estimated cost avoided"]["Estimate (£)"] == "[c]"


def test_excel_export_has_an_about_sheet_numbers_and_an_audit_event(client_for, world, dataset):
    response = client_for("supervisor", "north").get(export_url("dashboard", "xlsx"), QUERY)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[0] == "About"
    assert workbook["About"]["A1"].value == "OFFICIAL-SENSITIVE"
    completion = next(sheet for sheet in workbook.worksheets if sheet.title.startswith("Completion"))
    completed = next(
        row for row in completion.iter_rows(values_only=True) if row[0] == "Completed the intervention"
    )
    # 3 of the 6 closed cases: suppressed in an export (fewer than 5 people), as text.
    assert completed[1] == "[c]"
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.object_type == "reports.dashboard"
    assert "XLSX" in event.purpose


def test_commissioners_pdf_is_suppressed_marked_and_audited(client_for, world, dataset, tmp_path):
    response = client_for("supervisor", "north").get(url("reports:commissioner_pdf"), QUERY)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert "OFFICIAL-SENSITIVE" in text
    assert "Commissioner's report" in text
    assert "estimate" in text
    assert "Cost avoidance: assumptions and sources" in text
    assert "Bristol" in text  # the source of the unit cost, beside the estimate
    event = AuditEvent.objects.get(action=AuditEvent.Action.PRINT)
    assert event.object_type == "reports.commissioner"
    assert event.user == world.user("supervisor", "north")


# ---- Analysts never receive a name ------------------------------------------------------------


def forbidden_names(world, dataset) -> list[str]:
    workers = [
        world.user(login, "north").full_name
        for login in ("casemanager", "casemanager2", "idva", "supervisor", "police")
    ]
    return [*dataset.perpetrator_names, *dataset.victim_names, *workers, "Casey Manager", "Kit Colleague"]


def assert_no_names(text: str, names: list[str], where: str) -> None:
    leaked = [name for name in names if name in text]
    assert not leaked, f"names leaked to an analyst in {where}: {leaked}"


ADDRESS_CANARY = "Flat 7, 3 Canary Wharfside"
POSTCODE_CANARY = "ZZ9 9ZZ"
PHONE_CANARY = "07700 900999"


def add_victim_contact_canaries(world, dataset) -> list[str]:
    from victims import services as victim_services

    victim = dataset.victims["V1"]
    idva = world.user("idva", "north")
    victim_services.victim_address_add(
        actor=idva,
        victim=victim,
        kind="home",
        line_1=ADDRESS_CANARY,
        town="Northby",
        postcode=POSTCODE_CANARY,
    )
    victim_services.victim_contact_add(actor=idva, victim=victim, kind="mobile", value=PHONE_CANARY)
    return [ADDRESS_CANARY, POSTCODE_CANARY, PHONE_CANARY]


def every_channel(client) -> list[tuple[str, str]]:
    """(where, text) for every report page, CSV and Excel export, and the commissioner's PDF."""
    seen = []
    for key, report in REPORTS.items():
        extra = [{"subject": "victims"}, {}] if key == "equality" else [{}]
        for more in extra:
            page = client.get(reverse(report.url_name), {**QUERY, **more})
            assert page.status_code == 200
            seen.append((f"{key} page", page.content.decode()))
            csv_export = client.get(export_url(key, "csv"), {**QUERY, **more})
            seen.append((f"{key} CSV", csv_export.content.decode("utf-8-sig")))
            excel = client.get(export_url(key, "xlsx"), {**QUERY, **more})
            seen.append((f"{key} Excel", xlsx_text(excel.content)))
    return seen


def test_no_name_reaches_an_analyst_on_any_page_or_export(client_for, world, dataset, tmp_path):
    analyst = client_for("analyst", "north")
    names = forbidden_names(world, dataset) + add_victim_contact_canaries(world, dataset)
    for where, text in every_channel(analyst):
        assert_no_names(text, names, where)
    pdf = analyst.get(url("reports:commissioner_pdf"), QUERY)
    assert_no_names(pdf_text(pdf.content, tmp_path), names, "the commissioner's PDF")


def test_no_person_or_victim_contact_detail_reaches_a_supervisor_in_any_report(client_for, world, dataset):
    # Supervisors see their workers' names (caseload by worker) but never a perpetrator, a victim,
    # or a victim's address or phone number: reports are counts.
    names = [*dataset.perpetrator_names, *dataset.victim_names, *add_victim_contact_canaries(world, dataset)]
    for where, text in every_channel(client_for("supervisor", "north")):
        assert_no_names(text, names, where)


def test_the_supervisor_sees_worker_names_but_the_analyst_gets_no_caseload_by_worker(client_for, dataset):
    supervisor = client_for("supervisor", "north").get(url("reports:dashboard"), QUERY).content.decode()
    analyst = client_for("analyst", "north").get(url("reports:dashboard"), QUERY).content.decode()
    assert "Caseload by worker" in supervisor
    assert "Casey Manager" in supervisor
    assert "Caseload by worker" not in analyst


# ---- Query counts -----------------------------------------------------------------------------

# Each report is a fixed number of grouped queries, whatever the size of the data; the pins
# leave a little room for the page shell (session, user, memberships, navigation).
QUERY_PINS = {
    "reports:dashboard": 25,
    "reports:outcomes": 23,
    "reports:equality": 17,
    "reports:marac_return": 17,
}


@pytest.mark.parametrize("name", QUERY_PINS)
@pytest.mark.parametrize("login", ["supervisor", "analyst"])
def test_report_pages_run_a_fixed_number_of_queries(
    client_for, dataset, django_assert_max_num_queries, name, login
):
    client = client_for(login, "north")
    client.get(url(name), QUERY)  # warm the session
    with django_assert_max_num_queries(QUERY_PINS[name]):
        assert client.get(url(name), QUERY).status_code == 200


def test_the_coordinators_marac_return_runs_a_fixed_number_of_queries(
    client_for, dataset, django_assert_max_num_queries
):
    client = client_for("coordinator", "north")
    client.get(url("reports:marac_return"), QUERY)
    with django_assert_max_num_queries(QUERY_PINS["reports:marac_return"]):
        assert client.get(url("reports:marac_return"), QUERY).status_code == 200


def test_more_data_does_not_mean_more_queries(client_for, world, dataset):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from casework.models import Case
    from panels.models import AgendaItem, Meeting

    client = client_for("supervisor", "north")

    def counts() -> list[int]:
        result = []
        for name in PAGES.values():
            client.get(url(name), QUERY)
            with CaptureQueriesContext(connection) as queries:
                client.get(url(name), QUERY)
            result.append(len(queries))
        return result

    before = counts()
    # Another held MARAC meeting, and three more closed cases with another worker's caseload.
    panel = dataset.victims["V1"].team.area.panels.get(name="Test MARAC")
    held = Meeting.objects.create(
        panel=panel, scheduled_for=timezone.now() - datetime.timedelta(days=40), status="held"
    )
    for order, key in enumerate(("V3", "V4", "V5"), start=1):
        AgendaItem.objects.create(
            meeting=held,
            order=order,
            reason="repeat",
            victim=dataset.victims[key],
            slot_start=datetime.time(9),
        )
    for key in ("O1", "O2", "O3"):
        case = dataset.cases[key]
        Case.objects.create(
            perpetrator=case.perpetrator,
            team=case.team,
            opened_on=dataset.today - datetime.timedelta(days=100),
            closed_on=dataset.today - datetime.timedelta(days=5),
            phase=Case.Phase.CLOSED,
            case_manager=world.user("supervisor", "north"),
        )
    assert counts() == before


# ---- Navigation -------------------------------------------------------------------------------


def test_navigation_offers_reports_to_those_who_may_open_them(world):
    from reports.navigation import items

    assert [i.label for i in items(world.user("analyst", "north"), "/")] == ["Reports"]
    assert [i.label for i in items(world.user("supervisor", "north"), "/")] == ["Reports"]
    assert [i.label for i in items(world.user("coordinator", "north"), "/")] == ["MARAC data return"]
    assert items(world.user("casemanager", "north"), "/") == []
    assert items(world.user("chair", "north"), "/") == []
