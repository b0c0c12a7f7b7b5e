"""Equality monitoring: the caseload's make-up against the area's population shares.

Shares are of people with a recorded answer ("prefer not to say" and "not recorded" are shown
but left out of the comparison, as the population figures have no such category). A group is
flagged as over-represented when its caseload share is at least 1.25 times its population
share, and under-represented at 0.8 times or less — a prompt to look closer, not a finding.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case as CaseWhen
from django.db.models import CharField, Count, Q, QuerySet, Value, When

from casework.models import Disability, Gender, Perpetrator, Sexuality
from reports import cohorts
from reports.cohorts import ReportFilter
from reports.disclosure import Suppression
from reports.models import Characteristic, PopulationShare
from reports.tables import AddsUp, Chart, Percent, Share, Table
from reports.tables import Count as N

OVER = Decimal("1.25")
UNDER = Decimal("0.8")
NOT_RECORDED = "not_recorded"
PREFER_NOT = "prefer_not"
UNCOMPARED = (NOT_RECORDED, PREFER_NOT)


class Subject:
    PERPETRATORS = "perpetrators"
    VICTIMS = "victims"
    CHOICES = [(PERPETRATORS, "People who cause harm"), (VICTIMS, "Victim-survivors")]


ETHNIC_GROUPS = [
    ("asian", "Asian or Asian British"),
    ("black", "Black, Black British, Caribbean or African"),
    ("mixed", "Mixed or multiple ethnic groups"),
    ("white", "White"),
    ("other", "Other ethnic group"),
]
AGE_BANDS = [
    ("under_18", "Under 18"),
    ("18_24", "18 to 24"),
    ("25_34", "25 to 34"),
    ("35_44", "35 to 44"),
    ("45_54", "45 to 54"),
    ("55_64", "55 to 64"),
    ("65_plus", "65 and over"),
]
_AGE_LIMITS = [("under_18", 18), ("18_24", 25), ("25_34", 35), ("35_44", 45), ("45_54", 55), ("55_64", 65)]


@dataclass(frozen=True)
class Dimension:
    characteristic: str
    title: str
    categories: list[tuple[str, str]]


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _expression(characteristic: str, *, on: datetime.date):
    """A database expression giving each person's category code for one characteristic."""
    text = CharField()
    if characteristic == Characteristic.ETHNICITY:
        whens = [When(ethnicity=PREFER_NOT, then=Value(PREFER_NOT))]
        whens += [When(ethnicity__startswith=f"{code}_", then=Value(code)) for code, _ in ETHNIC_GROUPS]
        whens.append(When(ethnicity="other", then=Value("other")))
        return CaseWhen(*whens, default=Value(NOT_RECORDED), output_field=text)
    if characteristic == Characteristic.AGE_BAND:
        # Born after the date N years before `on` = younger than N on that day.
        whens = [When(date_of_birth__isnull=True, then=Value(NOT_RECORDED))]
        whens += [
            When(date_of_birth__gt=_years_before(on, limit), then=Value(code)) for code, limit in _AGE_LIMITS
        ]
        return CaseWhen(*whens, default=Value("65_plus"), output_field=text)
    field = {Characteristic.GENDER: "gender", Characteristic.DISABILITY: "disability"}.get(
        characteristic, "sexuality"
    )
    return CaseWhen(
        When(**{f"{field}__in": ["", Gender.UNKNOWN]}, then=Value(NOT_RECORDED)),
        default=field,
        output_field=text,
    )


def dimensions() -> list[Dimension]:
    return [
        Dimension(Characteristic.ETHNICITY, "Ethnic group", ETHNIC_GROUPS),
        Dimension(Characteristic.AGE_BAND, "Age band", AGE_BANDS),
        Dimension(
            Characteristic.GENDER,
            "Gender",
            [(v, label) for v, label in Gender.choices if v not in (Gender.UNKNOWN, Gender.PREFER_NOT)],
        ),
        Dimension(
            Characteristic.DISABILITY,
            "Disability",
            [(v, label) for v, label in Disability.choices if v != PREFER_NOT],
        ),
        Dimension(
            Characteristic.SEXUALITY,
            "Sexual orientation",
            [(v, label) for v, label in Sexuality.choices if v != PREFER_NOT],
        ),
    ]


def people(f: ReportFilter, subject: str) -> QuerySet:
    if subject == Subject.VICTIMS:
        return cohorts.victims_in_scope(f).filter(created_at__date__lte=f.period.end)
    return Perpetrator.objects.filter(pk__in=cohorts.cases_worked(f).values("perpetrator_id"))


def representation(caseload: Share, population: Decimal | None, *, suppression: Suppression) -> str:
    if population is None:
        return "No population figure"
    if caseload.percent is None:
        return "Too few people to compare"
    marker = suppression.marker(*caseload.counts())
    if marker:
        # Over or under would say which side of the population share the hidden figure lies.
        return marker
    if population == 0:
        return "Over-represented" if caseload.numerator.value else "In line"
    ratio = caseload.exact / population
    if ratio >= OVER:
        return "Over-represented"
    if ratio <= UNDER:
        return "Under-represented"
    return "In line"


class RepresentationCell:
    """Worked out when shown, because whether it can be said depends on suppression."""

    def __init__(self, share: Share, population: Decimal | None):
        self.share = share
        self.population = population

    def counts(self):
        return self.share.counts()

    def show(self, suppression: Suppression) -> str:
        return representation(self.share, self.population, suppression=suppression)

    def number(self, suppression: Suppression) -> str:
        return self.show(suppression)


def tables(f: ReportFilter, subject: str = Subject.PERPETRATORS) -> list[Table]:
    group = people(f, subject)
    expressions = {
        dim.characteristic: _expression(dim.characteristic, on=f.period.end) for dim in dimensions()
    }
    aggregates = {}
    for dim in dimensions():
        for code in _codes(dim):
            aggregates[f"{dim.characteristic}__{code}"] = Count(
                "pk", filter=Q(**{f"eq_{dim.characteristic}": code})
            )
    annotated = group.order_by().annotate(**{f"eq_{key}": value for key, value in expressions.items()})
    counts = annotated.aggregate(**aggregates) if aggregates else {}
    shares = {
        (row.characteristic, row.category): row.percent
        for row in PopulationShare.objects.filter(area_id__in=f.scope.area_ids)
    }
    single_area = len(f.scope.area_ids) == 1
    # Every table counts the same people, so their total is one figure shared by all five.
    first = dimensions()[0]
    everyone = N(
        sum(counts[f"{first.characteristic}__{code}"] for code in _codes(first)), key="equality.people"
    )
    result = []
    for dim in dimensions():
        categories = [(label, N(counts[f"{dim.characteristic}__{code}"])) for code, label in dim.categories]
        answered = N(sum(cell.value for _, cell in categories))
        prefer_not = N(counts[f"{dim.characteristic}__{PREFER_NOT}"])
        not_recorded = N(counts[f"{dim.characteristic}__{NOT_RECORDED}"])
        rows = []
        for (code, _), (label, n) in zip(dim.categories, categories, strict=True):
            share = Share(n, answered)
            population = shares.get((dim.characteristic, code)) if single_area else None
            rows.append([label, n, share, Percent(population), RepresentationCell(share, population)])
        rows.append(["Prefer not to say", prefer_not, "", "", ""])
        rows.append(["Not recorded", not_recorded, "", "", ""])
        result.append(
            Table(
                f"equality_{dim.characteristic}",
                dim.title,
                [
                    dim.title,
                    "People",
                    "Share of those who answered",
                    "Area population share",
                    "Representation",
                ],
                rows,
                note=""
                if single_area
                else "Population shares are set per area: choose one area to compare with its population.",
                chart=Chart(2, unit="%"),
                sums=[
                    AddsUp(answered, [cell for _, cell in categories]),
                    AddsUp(everyone, [answered, prefer_not, not_recorded]),
                ],
                sheet=dim.title,
            )
        )
    return result


def _codes(dim: Dimension) -> list[str]:
    return [code for code, _ in dim.categories] + list(UNCOMPARED)
