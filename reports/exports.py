"""CSV and Excel files of report tables, always with small numbers suppressed.

Both carry the protective marking, the report, the period and the suppression rule at the top
(CSV) or on an "About" sheet (Excel). Text cells that a spreadsheet would run as a formula are
prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import re

from django.conf import settings
from openpyxl import Workbook
from openpyxl.styles import Font

from reports.tables import Table

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def heading_lines(*, title: str, period_label: str, scope_label: str, threshold: int) -> list[list[str]]:
    return [
        [settings.TIDELINE_PROTECTIVE_MARKING],
        [title],
        ["Period", period_label],
        ["Covers", scope_label],
        [f"Figures built from fewer than {threshold} people are shown as <{threshold}."],
    ]


def to_csv(tables: list[Table], *, heading: list[list[str]], threshold: int) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for line in heading:
        writer.writerow([_safe(cell) for cell in line])
    for table in tables:
        writer.writerow([])
        writer.writerow([_safe(table.title)])
        writer.writerow([_safe(column) for column in table.columns])
        for row in table.cells(threshold=threshold):
            writer.writerow([_safe(cell) for cell in row])
        if table.note:
            writer.writerow([_safe(table.note)])
    # A byte-order mark so Excel opens the file as UTF-8 (£ and en dashes).
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _sheet_title(title: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]\*\?/\\:]", "", title)[:28] or "Table"
    name, n = base, 2
    while name in used:
        name = f"{base[:26]} {n}"
        n += 1
    used.add(name)
    return name


def to_xlsx(tables: list[Table], *, heading: list[list[str]], threshold: int) -> bytes:
    workbook = Workbook()
    about = workbook.active
    about.title = "About"
    for line in heading:
        about.append([_safe(cell) for cell in line])
    about["A1"].font = Font(bold=True)
    used = {"About"}
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(table.title, used))
        sheet.append([_safe(table.title)])
        sheet["A1"].font = Font(bold=True)
        sheet.append([_safe(column) for column in table.columns])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in table.values(threshold=threshold):
            sheet.append([_safe(value) for value in row])
        if table.note:
            sheet.append([])
            sheet.append([_safe(table.note)])
        sheet.column_dimensions["A"].width = 48
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
