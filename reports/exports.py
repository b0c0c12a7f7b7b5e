"""CSV and Excel files of report tables, always with small numbers suppressed.

Both carry the protective marking, the report, the period (with its dates) and the suppression
rule at the top (CSV) or on an "About" sheet (Excel). Numbers are written as numbers (a count,
an average, a whole-number percentage, pounds), their unit in the column heading; only text
that a spreadsheet would run as a formula is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from django.conf import settings
from django.utils.formats import date_format
from openpyxl import Workbook
from openpyxl.styles import Font

from reports.disclosure import Suppression, note
from reports.periods import Period
from reports.tables import Table

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SHEET_NAME_LIMIT = 31  # Excel's own limit
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]\*\?/\\:]")


def _safe(value):
    """Numbers stay numbers; text a spreadsheet would treat as a formula gets an apostrophe."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return value
    value = "" if value is None else str(value)
    return "'" + value if value.startswith(FORMULA_START) else value


def heading_lines(*, title: str, period: Period, scope_label: str, threshold: int) -> list[list[str]]:
    dates = f"{date_format(period.start, 'j F Y')} to {date_format(period.end, 'j F Y')}"
    return [
        [settings.TIDELINE_PROTECTIVE_MARKING],
        [title],
        ["Period", f"{period.label}: {dates}"],
        ["Covers", scope_label],
        [note(threshold)],
    ]


def to_csv(tables: list[Table], suppression: Suppression, *, heading: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for line in heading:
        writer.writerow([_safe(cell) for cell in line])
    for table in tables:
        writer.writerow([])
        writer.writerow([_safe(table.title)])
        writer.writerow([_safe(column) for column in table.unit_columns()])
        for row in table.values(suppression):
            writer.writerow([_safe(cell) for cell in row])
        if table.note:
            writer.writerow([_safe(table.note)])
    # A byte-order mark so Excel opens the file as UTF-8 (£ and en dashes).
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def sheet_names(tables: list[Table]) -> list[str]:
    """One Excel sheet name per table: its short name, unique, within 31 characters."""
    used = {"About"}
    names = []
    for table in tables:
        base = SHEET_NAME_FORBIDDEN.sub("", table.sheet or table.title).strip()
        if len(base) > SHEET_NAME_LIMIT:
            # Cut at a word, never mid-word ("Referrals by pathway and out").
            base = base[: SHEET_NAME_LIMIT + 1].rsplit(" ", 1)[0].rstrip(" ,;–-")
        name, n = base or "Table", 2
        while name.lower() in {u.lower() for u in used}:  # Excel compares sheet names without case
            suffix = f" ({n})"
            name = base[: SHEET_NAME_LIMIT - len(suffix)].rstrip() + suffix
            n += 1
        used.add(name)
        names.append(name)
    return names


def to_xlsx(tables: list[Table], suppression: Suppression, *, heading: list[list[str]]) -> bytes:
    workbook = Workbook()
    about = workbook.active
    about.title = "About"
    for line in heading:
        about.append([_safe(cell) for cell in line])
    about["A1"].font = Font(bold=True)
    for table, name in zip(tables, sheet_names(tables), strict=True):
        sheet = workbook.create_sheet(name)
        sheet.append([_safe(table.title)])
        sheet["A1"].font = Font(bold=True)
        sheet.append([_safe(column) for column in table.unit_columns()])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in table.values(suppression):
            sheet.append([_safe(value) for value in row])
        if table.note:
            sheet.append([])
            sheet.append([_safe(table.note)])
        sheet.column_dimensions["A"].width = 48
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
