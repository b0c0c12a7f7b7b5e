"""Report tables: the one shape every page, chart, CSV, Excel sheet and PDF is drawn from.

A `Table` holds rows of cells. A numeric cell is a `Count` (people or cases) or built on counts:
a `Share` (a percentage of one count over another), an `Average` over a count of people, or
`Money` worked out from counts. A table also declares the sums a reader could use to work a
hidden figure back (`AddsUp`: these totals add up to these parts).

Nothing is hidden here: `reports.disclosure.protect(tables, threshold=...)` decides which counts
a report may show, once for all its tables, and every channel draws its cells through that
decision (`table.cells(suppression)`), so the page, the export and the PDF can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reports.disclosure import Suppression

NO_DATA = "–"


def _places(value, places: int) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@dataclass(frozen=True, eq=False)  # compared by identity: two counts of 3 are different figures
class Count:
    """How many people or cases.

    `key` names a figure that appears in more than one table of a report (the same key is the
    same figure, hidden everywhere or nowhere). For counts of events (sessions), `backed_by` is
    the count of people behind them: the events are hidden whenever those people are.
    """

    value: int
    backed_by: Count | None = None
    key: str = ""

    def counts(self) -> list[Count]:
        return [self]

    def show(self, suppression: Suppression) -> str:
        return suppression.marker(self) or f"{self.value:,}"

    def number(self, suppression: Suppression):
        return suppression.marker(self) or self.value


def as_count(value: Count | int) -> Count:
    return value if isinstance(value, Count) else Count(value)


@dataclass(frozen=True, eq=False)
class Share:
    """numerator / denominator as a whole-number percentage, hidden with either count.

    Whole numbers on purpose: a share to one decimal place of a small total pins its
    numerator down (and with it, from the other shares, any figure hidden beside it).
    """

    numerator: Count
    denominator: Count

    def __init__(self, numerator: Count | int, denominator: Count | int):
        object.__setattr__(self, "numerator", as_count(numerator))
        object.__setattr__(self, "denominator", as_count(denominator))

    @property
    def exact(self) -> Decimal | None:
        """The unrounded percentage (for comparisons such as equality monitoring)."""
        if not self.denominator.value:
            return None
        return Decimal(self.numerator.value) * 100 / Decimal(self.denominator.value)

    @property
    def percent(self) -> int | None:
        exact = self.exact
        return None if exact is None else int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))

    def counts(self) -> list[Count]:
        return [self.numerator, self.denominator]

    def show(self, suppression: Suppression) -> str:
        if self.percent is None:
            return NO_DATA
        return suppression.marker(*self.counts()) or f"{self.percent}%"

    def number(self, suppression: Suppression):
        if self.percent is None:
            return NO_DATA
        return suppression.marker(*self.counts()) or self.percent


@dataclass(frozen=True, eq=False)
class Percent:
    """A percentage that is not built from the report's people (a target, a population share)."""

    value: Decimal | None
    places: int = 1

    def counts(self) -> list[Count]:
        return []

    def show(self, suppression: Suppression) -> str:
        return NO_DATA if self.value is None else f"{_places(self.value, self.places)}%"

    def number(self, suppression: Suppression):
        return NO_DATA if self.value is None else float(_places(self.value, self.places))


@dataclass(frozen=True, eq=False)
class Money:
    """An amount of money; when worked out from counts, hidden whenever any of them is."""

    value: Decimal
    built_from: tuple[Count, ...] = ()

    def counts(self) -> list[Count]:
        return list(self.built_from)

    def show(self, suppression: Suppression) -> str:
        return suppression.marker(*self.built_from) or f"£{_places(self.value, 0):,}"

    def number(self, suppression: Suppression):
        return suppression.marker(*self.built_from) or int(_places(self.value, 0))


@dataclass(frozen=True, eq=False)
class Average:
    """A mean over a count of people; hidden whenever that count is."""

    value: Decimal | float | None
    people: Count
    places: int = 1

    def counts(self) -> list[Count]:
        return [self.people]

    def show(self, suppression: Suppression) -> str:
        if self.value is None:
            return NO_DATA
        return suppression.marker(self.people) or str(_places(self.value, self.places))

    def number(self, suppression: Suppression):
        if self.value is None:
            return NO_DATA
        return suppression.marker(self.people) or float(_places(self.value, self.places))


@dataclass(frozen=True, eq=False)
class AddsUp:
    """An identity a reader can use: the totals add up to the parts.

    Declare every one a reader could know, including totals that are not printed but follow
    from the shares (a share's denominator) and sums across tables of the same report: a
    declared sum can only make suppression hide more, a missing one can let a figure out.
    """

    totals: tuple[Count, ...]
    parts: tuple[Count, ...]

    def __init__(self, total: Count | list[Count] | tuple[Count, ...], parts):
        object.__setattr__(self, "totals", (total,) if isinstance(total, Count) else tuple(total))
        object.__setattr__(self, "parts", tuple(parts))


def cell_counts(cell) -> list[Count]:
    return cell.counts() if hasattr(cell, "counts") else []


def show(cell, suppression: Suppression) -> str:
    if hasattr(cell, "show"):
        return cell.show(suppression)
    return "" if cell is None else str(cell)


def number(cell, suppression: Suppression):
    """The cell as a spreadsheet value: numbers as numbers, hidden cells as their marker (text)."""
    if hasattr(cell, "number"):
        return cell.number(suppression)
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
    sums: list[AddsUp] = field(default_factory=list)
    sheet: str = ""  # the Excel sheet name: meaningful within Excel's 31 characters

    def counts(self) -> list[Count]:
        """Every count the table shows or builds a figure on, in reading order."""
        found = [count for row in self.rows for cell in row for count in cell_counts(cell)]
        for identity in self.sums:
            found += [*identity.totals, *identity.parts]
        return found

    def cells(self, suppression: Suppression) -> list[list[str]]:
        return [[show(cell, suppression) for cell in row] for row in self.rows]

    def values(self, suppression: Suppression) -> list[list]:
        return [[number(cell, suppression) for cell in row] for row in self.rows]

    def unit_columns(self) -> list[str]:
        """Column headings for files, where numbers lose their "%" and "£": the unit goes in the heading."""
        headings = []
        for index, heading in enumerate(self.columns):
            kinds = {type(row[index]) for row in self.rows if index < len(row)}
            unit = "%" if kinds & {Share, Percent} else "£" if Money in kinds else ""
            if unit and f"({unit})" not in heading:
                heading = f"{heading} ({unit})"
            headings.append(heading)
        return headings

    def chart_points(self, suppression: Suppression) -> list[tuple[str, float | None, str]]:
        """(label, value or None when hidden, text shown) for the chart column."""
        if self.chart is None:
            return []
        points = []
        for row in self.rows:
            cell = row[self.chart.column]
            value = number(cell, suppression)
            points.append(
                (
                    show(row[0], suppression),
                    value if isinstance(value, int | float) else None,
                    show(cell, suppression),
                )
            )
        return points
