"""The MARAC quarterly data return (SafeLives style): one row per meeting held in the period.

For each meeting: cases heard; repeats; children in the households of the victims heard;
victims from Black and minority ethnic groups (any recorded ethnic group other than White
British); victims with a disability; male victims; LGBT victims (gay, lesbian, bisexual or
another sexual orientation, or non-binary); perpetrators aged under 18 on the meeting's first
day of the period; and referral routes (the referring agency's type, from the MARAC referral).

Victim measures count the victim on victim-subject agenda items; a MARAC is victim-focused, so
perpetrator-subject items (rare at MARAC) count only towards cases heard, repeats and age.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import Membership, Organisation
from casework.models import Gender, Sexuality
from panels.models import AgendaItem, MaracReferral
from reports.cohorts import ReportFilter, marac_items
from reports.equality import _years_before
from reports.tables import AddsUp, Share, Table
from reports.tables import Count as N
from victims.models import Child

LGBT = Q(victim__sexuality__in=[Sexuality.GAY_LESBIAN, Sexuality.BISEXUAL, Sexuality.OTHER]) | Q(
    victim__gender=Gender.NON_BINARY
)
BME = Q(victim__ethnicity__gt="") & ~Q(victim__ethnicity__in=["white_british", "prefer_not"])
COLUMNS = [
    "Meeting date",
    "Cases heard",
    "Repeat cases",
    "Repeat rate",
    "Children in households",
    "BME victims",
    "Victims with a disability",
    "Male victims",
    "LGBT victims",
    "Perpetrators aged under 18",
]


def _route_subquery():
    """The referring agency's type for the MARAC referral behind each agenda item."""
    referrer_kind = Subquery(
        Membership.objects.filter(user_id=OuterRef("referred_by_id"), active=True)
        .order_by("pk")
        .values("team__organisation__kind")[:1]
    )
    return Subquery(
        MaracReferral.objects.filter(agenda_item_id=OuterRef("pk"))
        .annotate(route=referrer_kind)
        .order_by("-referred_on", "-pk")
        .values("route")[:1]
    )


def meeting_rows(f: ReportFilter) -> list[dict]:
    under_18_born_after = _years_before(f.period.start, 18)
    children = Subquery(
        Child.objects.filter(victim_id=OuterRef("victim_id"))
        .order_by()
        .values("victim_id")
        .annotate(n=Count("pk"))
        .values("n")[:1],
        output_field=IntegerField(),
    )
    referral_perpetrator_dob = Subquery(
        MaracReferral.objects.filter(agenda_item_id=OuterRef("pk"), perpetrator__isnull=False)
        .order_by("-referred_on")
        .values("perpetrator__date_of_birth")[:1]
    )
    items = marac_items(f).annotate(
        children=Coalesce(children, 0),
        perpetrator_dob=Coalesce("case__perpetrator__date_of_birth", referral_perpetrator_dob),
    )
    rows = list(
        items.order_by()
        .values("meeting_id", "meeting__scheduled_for", "meeting__panel__name")
        .annotate(
            heard=Count("pk"),
            repeats=Count("pk", filter=Q(reason=AgendaItem.Reason.REPEAT)),
            children_total=Sum("children"),
            bme=Count("pk", filter=BME),
            disability=Count("pk", filter=Q(victim__disability="yes")),
            male=Count("pk", filter=Q(victim__gender=Gender.MALE)),
            lgbt=Count("pk", filter=LGBT),
            under_18=Count("pk", filter=Q(perpetrator_dob__gt=under_18_born_after)),
        )
        .order_by("meeting__scheduled_for", "meeting_id")
    )
    routes = (
        marac_items(f)
        .annotate(route=_route_subquery())
        .order_by()
        .values("meeting_id", "route")
        .annotate(n=Count("pk"))
    )
    by_meeting: dict[int, dict[str, int]] = {}
    for route in routes:
        by_meeting.setdefault(route["meeting_id"], {})[route["route"] or ""] = route["n"]
    for row in rows:
        row["routes"] = by_meeting.get(row["meeting_id"], {})
    return rows


def route_columns(rows: list[dict]) -> list[tuple[str, str]]:
    used = {route for row in rows for route in row["routes"]}
    columns = [(value, label) for value, label in Organisation.Kind.choices if value in used]
    if "" in used:
        columns.append(("", "Not recorded"))
    return columns


MEASURES = ["heard", "repeats", "children_total", "bme", "disability", "male", "lgbt", "under_18"]
# The "All meetings" figures the outcome report repeats (reports.outcomes.MARAC_HEARD, MARAC_REPEATS).
KEYS = {"heard": "marac.heard", "repeats": "marac.repeats"}


def return_table(f: ReportFilter) -> Table:
    rows = meeting_rows(f)
    routes = route_columns(rows)
    lines = [_counts(row, routes) for row in rows]
    table_rows = [_cells(_meeting_label(row), line) for row, line in zip(rows, lines, strict=True)]
    sums = [AddsUp(line["heard"], line["routes"]) for line in lines]  # every item has one route
    if rows:
        totals = {
            name: N(sum(line[name].value for line in lines), key=KEYS.get(name, "")) for name in MEASURES
        }
        totals["routes"] = [
            N(sum(line["routes"][index].value for line in lines)) for index in range(len(routes))
        ]
        sums += [AddsUp(totals[name], [line[name] for line in lines]) for name in MEASURES]
        sums += [
            AddsUp(total, [line["routes"][index] for line in lines])
            for index, total in enumerate(totals["routes"])
        ]
        sums.append(AddsUp(totals["heard"], totals["routes"]))
        table_rows.append(_cells("All meetings", totals))
    return Table(
        "marac_return",
        "MARAC data return",
        COLUMNS + [f"Referred by: {label}" for _, label in routes],
        table_rows,
        note="One row per MARAC meeting held in the period. BME: any recorded ethnic group other than White "
        "British. Perpetrators' age is taken on the first day of the period.",
        sums=sums,
        sheet="MARAC data return",
    )


def _meeting_label(row: dict) -> str:
    when: datetime.datetime = row["meeting__scheduled_for"]
    return f"{date_format(timezone.localtime(when), 'j M Y')} ({row['meeting__panel__name']})"


def _counts(row: dict, routes: list[tuple[str, str]]) -> dict:
    counts = {name: N(row[name] or 0) for name in MEASURES}
    counts["routes"] = [N(row["routes"].get(value, 0)) for value, _ in routes]
    return counts


def _cells(label: str, counts: dict) -> list:
    return [
        label,
        counts["heard"],
        counts["repeats"],
        Share(counts["repeats"], counts["heard"]),
        *(counts[name] for name in MEASURES[2:]),
        *counts["routes"],
    ]
