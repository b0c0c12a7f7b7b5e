"""Sizes, proportions and the shared pieces the synthetic dataset is built from (bench.dataset)."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.utils import timezone

from accounts.models import Area, Organisation, Team, User
from bench.pgcopy import copy_rows
from casework.models import (
    Attendance,
    Case,
    ClosureReason,
    IncidentType,
    Offence,
    OrderKind,
    RiskLevel,
)
from referrals.models import Pathway
from victims.models import (
    Victim,
)

BENCH_PASSWORD = "Tideline-bench-2026"  # noqa: S105 (synthetic users on a throwaway database)
BENCH_DOMAIN = "bench.tideline.test"
AREA_CODE_PREFIX = "syn-"
BATCH = 2000
DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Size:
    areas: int
    cases_per_area: int
    cases_per_team: int
    case_managers_per_team: int
    idvas_per_team: int
    years: int
    # Agency representatives per area: kind key → how many users.
    reps: dict[str, int]
    marac_items: int = 15
    matac_items: int = 8
    busy_meeting_items: int = 30


REPS_FULL = {"police": 600, "probation": 160, "socialcare": 150, "housing": 100, "health": 100}

SIZES = {
    # Seconds: two small areas, enough of everything for the tests and a smoke run.
    "demo": Size(
        areas=2,
        cases_per_area=40,
        cases_per_team=40,
        case_managers_per_team=3,
        idvas_per_team=2,
        years=2,
        reps={"police": 2, "probation": 1, "socialcare": 1, "housing": 1, "health": 1},
        marac_items=6,
        matac_items=4,
        busy_meeting_items=12,
    ),
    # One police force: ~20,000 cases over seven years, ~1,150 users.
    "force": Size(
        areas=1,
        cases_per_area=20_000,
        cases_per_team=2_000,
        case_managers_per_team=8,
        idvas_per_team=8,
        years=7,
        reps=REPS_FULL,
    ),
    # England and Wales over seven years: 43 forces, 1,000,000 cases, ~50,000 users.
    "national": Size(
        areas=43,
        cases_per_area=23_256,
        cases_per_team=2_000,
        case_managers_per_team=8,
        idvas_per_team=8,
        years=7,
        reps=REPS_FULL,
    ),
}

# (key, organisation suffix, organisation kind)
AGENCIES = [
    ("drive", "Drive Service", Organisation.Kind.PERPETRATOR_SERVICE),
    ("idva", "IDVA Service", Organisation.Kind.IDVA_SERVICE),
    ("csp", "Community Safety Partnership", Organisation.Kind.OTHER),
    ("police", "Police", Organisation.Kind.POLICE),
    ("probation", "Probation Service", Organisation.Kind.PROBATION),
    ("socialcare", "Children's Services", Organisation.Kind.CHILDRENS_SOCIAL_CARE),
    ("housing", "Housing", Organisation.Kind.HOUSING),
    ("health", "NHS Trust", Organisation.Kind.HEALTH),
]
PANEL_AGENCIES = ("police", "probation", "socialcare", "housing", "health", "idva")

RISK_WEIGHTS = [
    (RiskLevel.STANDARD, 30),
    (RiskLevel.MEDIUM, 35),
    (RiskLevel.HIGH, 30),
    (RiskLevel.VERY_HIGH, 5),
]
INTERVENTIONS = [
    (Case.InterventionType.INTENSIVE, 45),
    (Case.InterventionType.GROUP, 30),
    (Case.InterventionType.EARLY, 15),
    (Case.InterventionType.DISRUPT_ONLY, 10),
]
CASE_DAYS = {  # (mean length in days, spread)
    Case.InterventionType.INTENSIVE: (300, 60),
    Case.InterventionType.GROUP: (180, 30),
    Case.InterventionType.EARLY: (90, 30),
    Case.InterventionType.DISRUPT_ONLY: (200, 60),
}
OFFENCES = [
    (Offence.NON_CRIME, 22),
    (Offence.COMMON_ASSAULT, 16),
    (Offence.HARASSMENT, 10),
    (Offence.CRIMINAL_DAMAGE, 8),
    (Offence.MALICIOUS_COMMUNICATIONS, 8),
    (Offence.COERCIVE_CONTROL, 8),
    (Offence.BREACH_OF_ORDER, 6),
    (Offence.PUBLIC_ORDER, 5),
    (Offence.ABH, 5),
    (Offence.STALKING, 4),
    (Offence.THREATS_TO_KILL, 3),
    (Offence.STRANGULATION, 2),
    (Offence.SEXUAL_ASSAULT, 1),
    (Offence.GBH, 1),
    (Offence.RAPE, 1),
]
ORDER_KINDS = [
    (OrderKind.DVPN, 15),
    (OrderKind.DVPO, 15),
    (OrderKind.DAPO, 10),
    (OrderKind.RESTRAINING, 20),
    (OrderKind.NON_MOLESTATION, 15),
    (OrderKind.BAIL, 15),
    (OrderKind.LICENCE, 5),
    (OrderKind.STALKING_PROTECTION, 5),
]
ORDER_DAYS = {  # (min, max) length; None: until further order
    OrderKind.DVPN: (2, 2),
    OrderKind.DVPO: (14, 28),
    OrderKind.DAPO: None,
    OrderKind.RESTRAINING: (365, 730),
    OrderKind.NON_MOLESTATION: (180, 365),
    OrderKind.BAIL: (28, 90),
    OrderKind.LICENCE: (180, 540),
    OrderKind.STALKING_PROTECTION: (365, 730),
}
SESSION_COUNTS = {
    Case.InterventionType.INTENSIVE: (4, 12),
    Case.InterventionType.GROUP: (6, 14),
    Case.InterventionType.EARLY: (2, 5),
    Case.InterventionType.DISRUPT_ONLY: (0, 2),
}
ATTENDANCE = [
    (Attendance.ATTENDED, 75),
    (Attendance.DID_NOT_ATTEND, 12),
    (Attendance.CANCELLED_BY_SERVICE, 5),
    (Attendance.CANCELLED_BY_PERSON, 8),
]
PATHWAYS = [
    (Pathway.POLICE, 30),
    (Pathway.CHILDRENS_SOCIAL_CARE, 20),
    (Pathway.PROBATION, 12),
    (Pathway.MARAC, 8),
    (Pathway.MATAC, 6),
    (Pathway.SELF_REFERRAL, 8),
    (Pathway.CAFCASS, 4),
    (Pathway.GP, 3),
    (Pathway.MENTAL_HEALTH, 3),
    (Pathway.SUBSTANCE_MISUSE, 2),
    (Pathway.HOUSING, 2),
    (Pathway.HELPLINE, 2),
]
ETHNICITIES = [
    ("white_british", 70),
    ("white_other", 6),
    ("asian_pakistani", 4),
    ("asian_indian", 3),
    ("black_african", 3),
    ("black_caribbean", 2),
    ("mixed_white_black_caribbean", 2),
    ("asian_bangladeshi", 1),
    ("other", 2),
    ("prefer_not", 3),
    ("", 4),
]

SUPPORT_STATUS = [
    (Victim.SupportStatus.ENGAGED, 60),
    (Victim.SupportStatus.NEW, 20),
    (Victim.SupportStatus.NOT_ENGAGED, 20),
]
HOUSING = [
    ("own_home", 60),
    ("shared", 10),
    ("family_friends", 10),
    ("refuge", 8),
    ("temporary", 7),
    ("not_known", 5),
]
CHILDREN_COUNT = [(0, 45), (1, 30), (2, 20), (3, 5)]
CHILD_STATUS = [("none", 50), ("child_in_need", 20), ("child_protection", 10), ("not_known", 20)]
CLOSURE_REASONS = [
    (ClosureReason.COMPLETED, 55),
    (ClosureReason.DISENGAGED, 25),
    (ClosureReason.MOVED_AREA, 8),
    (ClosureReason.CUSTODY, 8),
    (ClosureReason.OTHER, 4),
]

SESSION_KINDS = ("one_to_one", "one_to_one", "group", "phone", "home_visit", "liaison")
NOTE_KINDS = ("contact", "contact", "liaison", "supervision", "management")
INCIDENT_TYPE_OF = {Offence.NON_CRIME: IncidentType.NON_CRIME, Offence.BREACH_OF_ORDER: IncidentType.BREACH}
INCIDENT_COLUMNS = (
    "perpetrator_id",
    "case_id",
    "area_id",
    "occurred_on",
    "occurred_at",
    "incident_type",
    "offence",
    "is_domestic_abuse",
    "children_present",
    "children_count",
    "source",
    "police_reference",
    "summary",
    "created_by_id",
    "created_at",
    "updated_at",
    "deleted_at",
    "version",
)


def weighted(rng: random.Random, table) -> object:
    """One value from [(value, weight), ...] (cumulative weights cached on the table's id)."""
    cached = _CUMULATIVE.get(id(table))
    if cached is None or cached[3] is not table:
        total, cumulative = 0, []
        for _, weight in table:
            total += weight
            cumulative.append(total)
        cached = _CUMULATIVE[id(table)] = ([value for value, _ in table], cumulative, total, table)
    values, cumulative, total, _ = cached
    pick = rng.random() * total
    low, high = 0, len(cumulative) - 1
    while low < high:
        middle = (low + high) // 2
        if cumulative[middle] > pick:
            high = middle
        else:
            low = middle + 1
    return values[low]


_CUMULATIVE: dict[int, tuple] = {}


# --- Per-area state ---------------------------------------------------------------------------


@dataclass
class TeamStaff:
    team: Team
    workers: list[User]
    supervisor: User


@dataclass
class AreaWorld:
    index: int
    area: Area
    orgs: dict[str, Organisation]
    case_teams: list[TeamStaff]
    idva_teams: list[TeamStaff]
    coordinators: dict[str, tuple[Team, User]]  # "marac"/"matac" → (team, coordinator)
    chair: User
    reps: dict[str, list[User]]
    analyst: User
    # Filled while cases are made, read when panels are made.
    victims: list[tuple[int, int, int, datetime.date, str, int]] = field(default_factory=list)
    # (victim_id, perpetrator_id, link_id, link started, risk level, idva user id)
    cases: list[tuple[int, datetime.date, datetime.date | None, str]] = field(default_factory=list)
    # (case_id, opened_on, closed_on, risk level)
    incident_counter: int = 0


@dataclass
class Counts:
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, n: int) -> None:
        self.rows[name] = self.rows.get(name, 0) + n


class Writer:
    """bulk_create in batches (or COPY for plain rows: bench.pgcopy), counting rows per model."""

    def __init__(self, counts: Counts):
        self.counts = counts

    def copy(self, model, columns: tuple[str, ...], rows: list, *, label: str | None = None) -> None:
        copy_rows(model, columns, rows)
        self.counts.add(label or model._meta.label, len(rows))

    def __call__(self, model, objects: list, *, label: str | None = None) -> list:
        if objects:
            model.objects.bulk_create(objects, batch_size=BATCH)
            self.counts.add(label or model._meta.label, len(objects))
        return objects


def moment_on(
    day: datetime.date, rng: random.Random, hour_from: int = 8, hour_to: int = 18
) -> datetime.datetime:
    moment = datetime.datetime.combine(
        day, datetime.time(rng.randint(hour_from, hour_to - 1), rng.randrange(60))
    )
    return timezone.make_aware(moment)


def day_between(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    if end <= start:
        return start
    return start + DAY * rng.randint(0, (end - start).days)
