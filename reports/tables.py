"""Report tables: the one shape every page, chart, CSV, Excel sheet and PDF is drawn from.

A `Table` holds rows of cells; a numeric cell is a `Count` (people or cases) or a `Share`
(a percentage of a count). Suppression happens when a table is *shown*: `table.cells(suppress=...)`
turns any count of 1 to threshold-1 people into "<5" and hides the share built on it, so the
page, the export and the PDF can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from reports.access import suppression_threshold

SUPPRESSED = "<{}"
NO_DATA = "–"


@dataclass(frozen=True)
class Count:
    """How many people or cases. For counts of events (sessions), `backed_by` is the number of
    people behind them, and decides suppression instead of the count itself."""

    value: int
    backed_by: int | None = None

    def hidden(self, threshold: int | None) -> bool:
        people = self.value if self.backed_by is None else self.backed_by
        return bool(threshold) and 0 < people < threshold

    def show(self, threshold: int | None) -> str:
        return SUPPRESSED.format(threshold) if self.hidden(threshold) else f"{self.value:,}"

    def number(self, threshold: int | None) -> int | None:
        return None if self.hidden(threshold) else self.value


@dataclass(frozen=True)
class Share:
    """numerator / denominator as a percentage, suppressed with its numerator or denominator."""

    numerator: int
    denominator: int
    backed_by: int | None = None

    @property
    def percent(self) -> Decimal | None:
        if not self.denominator:
            return None
        return (Decimal(self.numerator) * 100 / Decimal(self.denominator)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    def hidden(self, threshold: int | None) -> bool:
        if not threshold:
            return False
        if self.backed_by is not None:
            return 0 < self.backed_by < threshold
        return 0 < self.numerator < threshold or 0 < self.denominator < threshold

    def show(self, threshold: int | None) -> str:
        if self.percent is None:
            return NO_DATA
        if self.hidden(threshold):
            return SUPPRESSED.format(threshold)
        return f"{self.percent}%"

    def number(self, threshold: int | None) -> Decimal | None:
        return None if self.percent is None or self.hidden(threshold) else self.percent


@dataclass(frozen=True)
class Money:
    """An amount of money; when worked out from a count of people, hidden with that count."""

    value: Decimal
    backed_by: int | None = None

    def hidden(self, threshold: int | None) -> bool:
        return bool(threshold) and self.backed_by is not None and 0 < self.backed_by < threshold

    def show(self, threshold: int | None) -> str:
        if self.hidden(threshold):
            return SUPPRESSED.format(threshold)
        return f"£{self.value.quantize(Decimal('1'), rounding=ROUND_HALF_UP):,}"

    def number(self, threshold: int | None) -> Decimal | None:
        return None if self.hidden(threshold) else self.value


@dataclass(frozen=True)
class Average:
    """A mean over `people` people; hidden when built from too few."""

    value: Decimal | float | None
    people_count: int
    places: int = 1

    def hidden(self, threshold: int | None) -> bool:
        return bool(threshold) and 0 < self.people_count < threshold

    def show(self, threshold: int | None) -> str:
        if self.value is None:
            return NO_DATA
        if self.hidden(threshold):
            return SUPPRESSED.format(threshold)
        return f"{Decimal(str(self.value)).quantize(Decimal(1).scaleb(-self.places), rounding=ROUND_HALF_UP)}"

    def number(self, threshold: int | None):
        if self.value is None or self.hidden(threshold):
            return None
        return Decimal(str(self.value)).quantize(Decimal(1).scaleb(-self.places), rounding=ROUND_HALF_UP)


def show(cell, threshold: int | None) -> str:
    if hasattr(cell, "show"):
        return cell.show(threshold)
    return "" if cell is None else str(cell)


def number(cell, threshold: int | None):
    """The cell as a spreadsheet value: numbers as numbers, suppressed cells as their text."""
    if hasattr(cell, "number"):
        value = cell.number(threshold)
        if value is None:
            return cell.show(threshold)
        if isinstance(cell, Share):
            return float(value)
        return value if not isinstance(value, Decimal) else float(value)
    return "" if cell is None else str(cell)


@dataclass
class Chart:
    """Which column of a table to draw as bars, labelled by the first column."""

    column: int
    unit: str = ""  # "%" for shares


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    note: str = ""
    chart: Chart | None = None
    numeric: bool = True  # False for tables of words (assumptions), laid out as text

    def cells(self, *, threshold: int | None) -> list[list[str]]:
        return [[show(cell, threshold) for cell in row] for row in self.rows]

    def values(self, *, threshold: int | None) -> list[list]:
        return [[number(cell, threshold) for cell in row] for row in self.rows]

    def chart_points(self, *, threshold: int | None) -> list[tuple[str, float | None, str]]:
        """(label, value or None when suppressed, text shown) for the chart column."""
        if self.chart is None:
            return []
        points = []
        for row in self.rows:
            cell = row[self.chart.column]
            value = number(cell, threshold)
            points.append(
                (show(row[0], None), value if isinstance(value, int | float) else None, show(cell, threshold))
            )
        return points


def threshold_for(*, suppress: bool) -> int | None:
    return suppression_threshold() if suppress else None
