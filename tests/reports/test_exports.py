"""CSV and Excel files: numbers stay numbers, only text gets the formula guard, every sheet has a
meaningful name within Excel's limit, and "Last 12 months" is exactly the 12 months up to and
including today, labelled with its dates on the page and in every file."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from casework.models import Case, CaseClosure
from reports import dashboard, periods
from reports.access import scope_for
from reports.cohorts import ReportFilter
from reports.disclosure import Suppression
from reports.exports import SHEET_NAME_LIMIT, sheet_names, to_csv, to_xlsx
from reports.registry import REPORTS
from reports.tables import Average, Count, Money, Percent, Share, Table

HEADING = [["OFFICIAL-SENSITIVE"], ["A report"]]


def mixed_table() -> Table:
    people = Count(40)
    return Table(
        "mixed",
        "Mixed",
        ["Measure", "Value", "Share", "Money", "Target"],
        [
            ["Average change (exit minus entry)", Average(Decimal("-1.62"), people), "", "", ""],
            [
                "Cases",
                Count(1234),
                Share(617, 1234),
                Money(Decimal("63500"), built_from=(people,)),
                Percent(60),
            ],
            ['=HYPERLINK("http://evil")', Count(-3), "", "", ""],
            ["-not a number", "+also text", "@text", "\ttab", "\rreturn"],
        ],
    )


def test_csv_numbers_stay_numbers_and_only_text_gets_the_formula_guard():
    rows = list(
        csv.reader(
            io.StringIO(to_csv([mixed_table()], Suppression.none(), heading=HEADING).decode("utf-8-sig"))
        )
    )
    body = rows[rows.index(["Measure", "Value", "Share (%)", "Money (£)", "Target (%)"]) + 1 :]
    assert body[0][:2] == ["Average change (exit minus entry)", "-1.6"]  # not '-1.6
    assert body[1] == ["Cases", "1234", "50", "63500", "60.0"]
    assert body[2][:2] == ['\'=HYPERLINK("http://evil")', "-3"]  # a negative count is a number too
    assert body[3] == ["'-not a number", "'+also text", "'@text", "'\ttab", "'\rreturn"]


def test_excel_numbers_are_numbers_and_text_formulas_are_inert():
    workbook = load_workbook(io.BytesIO(to_xlsx([mixed_table()], Suppression.none(), heading=HEADING)))
    rows = list(workbook["Mixed"].iter_rows(values_only=True))
    assert rows[2][1] == -1.6
    assert rows[3][1:5] == (1234, 50, 63500, 60.0)
    assert rows[4][0] == '\'=HYPERLINK("http://evil")'
    assert rows[4][1] == -3


def test_sheet_names_are_cut_at_a_word_and_kept_unique():
    long = "Referrals by pathway and outcome in the period"
    tables = [
        Table("a", long, []),
        Table("b", long, []),
        Table("c", "About", []),
        Table("d", "Why? [Notes]", []),
    ]
    names = sheet_names(tables)
    assert names == ["Referrals by pathway and", "Referrals by pathway and (2)", "About (2)", "Why Notes"]
    assert all(len(name) <= SHEET_NAME_LIMIT for name in names)


def xlsx_sheets(client, key: str, query: dict) -> list[str]:
    response = client.get(reverse("reports:export", args=[key, "xlsx"]), query)
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content)).sheetnames


EXPECTED_SHEETS = {
    "dashboard": [
        "About",
        "Caseload by worker",
        "Caseload by phase",
        "Caseload by risk level",
        "Referrals by pathway",
        "First contact",
        "Engagement",
        "Completion",
        "Risk flags and reviews",
    ],
    "outcomes": [
        "About",
        "Behaviour change",
        "Victim risk",
        "RFG scores",
        "Repeat MARAC",
        "Needs",
        "Cost avoidance",
        "Cost assumptions",
    ],
    "equality": ["About", "Ethnic group", "Age band", "Gender", "Disability", "Sexual orientation"],
    "marac-return": ["About", "MARAC data return"],
}


@pytest.mark.django_db
@pytest.mark.parametrize("key", list(REPORTS))
def test_every_exports_sheets_are_named_for_what_they_hold(client_for, dataset, key):
    names = xlsx_sheets(client_for("supervisor", "north"), key, {"period": "12m"})
    assert names == EXPECTED_SHEETS[key]
    assert len(set(name.lower() for name in names)) == len(names)
    assert all(0 < len(name) <= SHEET_NAME_LIMIT for name in names)


# ---- Last 12 months ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "start"),
    [
        (datetime.date(2025, 6, 15), datetime.date(2024, 6, 16)),
        (datetime.date(2025, 12, 31), datetime.date(2025, 1, 1)),
        (datetime.date(2025, 1, 1), datetime.date(2024, 1, 2)),
        (datetime.date(2024, 2, 29), datetime.date(2023, 3, 1)),  # no 29 February a year earlier
        (datetime.date(2025, 2, 28), datetime.date(2024, 2, 29)),
        (datetime.date(2025, 3, 1), datetime.date(2024, 3, 2)),
    ],
)
def test_last_12_months_is_the_12_months_up_to_and_including_today(today, start):
    period = periods.resolve("12m", today)
    assert (period.start, period.end) == (start, today)
    assert period.label == "Last 12 months, up to and including today"


@pytest.mark.django_db
def test_a_case_closed_on_the_first_day_counts_and_one_the_day_before_does_not(world, dataset):
    period = periods.resolve("12m")
    supervisor = world.user("supervisor", "north")
    f = ReportFilter(period=period, scope=scope_for(supervisor))
    before = {row[0]: row[1] for row in dashboard.completion(f).cells(Suppression.none())}
    for closed_on, key in (
        (period.start, "first day"),
        (period.start - datetime.timedelta(days=1), "day before"),
    ):
        case = Case.objects.create(
            perpetrator=dataset.cases["C1"].perpetrator,
            team=dataset.cases["C1"].team,
            opened_on=closed_on - datetime.timedelta(days=200),
            closed_on=closed_on,
            phase=Case.Phase.CLOSED,
        )
        CaseClosure.objects.create(
            case=case,
            reason="completed",
            summary=key,
            requested_by=supervisor,
            decision="approved",
            decided_at=timezone.now(),
        )
    after = {row[0]: row[1] for row in dashboard.completion(f).cells(Suppression.none())}
    assert int(after["Completed the intervention"]) == int(before["Completed the intervention"]) + 1


@pytest.mark.django_db
def test_the_period_is_labelled_with_its_dates_on_the_page_and_in_every_file(client_for, dataset):
    period = periods.resolve("12m")
    dates = f"{period.start:%-d %B %Y} to {period.end:%-d %B %Y}"
    client = client_for("analyst", "north")
    page = client.get(reverse("reports:outcomes"), {"period": "12m"}).content.decode()
    assert f"<strong>Last 12 months, up to and including today</strong>: {dates}" in page
    csv_export = client.get(reverse("reports:export", args=["outcomes", "csv"]), {"period": "12m"})
    rows = list(csv.reader(io.StringIO(csv_export.content.decode("utf-8-sig"))))
    assert ["Period", f"Last 12 months, up to and including today: {dates}"] in rows
    excel = client.get(reverse("reports:export", args=["outcomes", "xlsx"]), {"period": "12m"})
    about = list(load_workbook(io.BytesIO(excel.content))["About"].iter_rows(values_only=True))
    assert ("Period", f"Last 12 months, up to and including today: {dates}") in about
