"""A realistic, internally consistent synthetic dataset at demo, force or national size.

`generate(size="force", seed=2026)` builds, per area (an invented police force):
agencies and teams, users in every role, perpetrators with one or more cases over the years
(about one in five serial, with two to four victims), victim-survivor records in the area's
IDVA team with their links, DASH, restricted details and children, police incidents linked to
victims, orders with protected persons and breaches, custody, sessions, notes, referrals,
closures and outcome measures, and MARAC and MATAC panels with meetings, agendas, research,
attendance and actions.

Everything is written with `bulk_create` in batches, one case-management team's caseload at a
time, so memory stays flat and the national size (1 million cases) streams through. Random
choices come from `random.Random` seeded per (seed, area, team): the same seed and day give
the same data. Dates are relative to today, so the risk rules always have work to find.

Consistency kept by construction: a victim's area is their perpetrator's case area; victims
sit in the same area's IDVA team and case managers never hold a linked victim's record;
serial perpetrators have two or more victims and incidents against at least two of them;
every date order the models check (closed after opened, expiry after made, release after
sentence...) holds.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable

from django.contrib.auth.hashers import make_password
from django.db import connection, connections, transaction
from django.utils import timezone

from accounts.models import Area, Membership, Organisation, Role, Team, User
from bench import names
from bench.caseload import Caseload
from bench.panel_data import panels_for_area
from bench.profiles import (
    AGENCIES,
    AREA_CODE_PREFIX,
    BENCH_DOMAIN,
    BENCH_PASSWORD,
    SIZES,
    AreaWorld,
    Counts,
    Size,
    TeamStaff,
    Writer,
)

# --- People and organisations -----------------------------------------------------------------


def _email(login: str, area_code: str) -> str:
    return f"{login}.{area_code}@{BENCH_DOMAIN}"


def _area_world(index: int, name: str, size: Size, write: Writer, password: str) -> AreaWorld:
    code = f"{AREA_CODE_PREFIX}{index + 1:02d}"
    rng = random.Random(f"people:{code}")  # noqa: S311 (synthetic data, not security)
    area = Area.objects.create(name=f"{name} (synthetic)", code=code, kind=Area.Kind.POLICE_FORCE)
    orgs = {
        key: Organisation(name=f"{name} {suffix}", kind=kind, area=area) for key, suffix, kind in AGENCIES
    }
    write(Organisation, list(orgs.values()))
    teams_needed = max(1, round(size.cases_per_area / size.cases_per_team))
    idva_teams_needed = max(1, (teams_needed + 1) // 2)

    teams: list[Team] = []
    plan: list[tuple[Team, list[tuple[str, str]]]] = []  # team, [(login, role)]

    def team(org: str, team_name: str, kind: str, people: list[tuple[str, str]]) -> Team:
        made = Team(name=f"{name} {team_name}", organisation=orgs[org], area=area, kind=kind)
        teams.append(made)
        plan.append((made, people))
        return made

    for n in range(teams_needed):
        people = [
            (f"cm{n + 1:02d}-{w + 1:02d}", Role.CASE_MANAGER) for w in range(size.case_managers_per_team)
        ]
        team(
            "drive",
            f"case management team {n + 1}",
            Team.Kind.CASE_MANAGEMENT,
            [*people, (f"sup{n + 1:02d}", Role.SUPERVISOR)],
        )
    for n in range(idva_teams_needed):
        people = [(f"idva{n + 1:02d}-{w + 1:02d}", Role.IDVA) for w in range(size.idvas_per_team)]
        team(
            "idva",
            f"IDVA team {n + 1}",
            Team.Kind.PARTNER_SUPPORT,
            [*people, (f"idvasup{n + 1:02d}", Role.SUPERVISOR)],
        )
    team(
        "csp",
        "MARAC coordination",
        Team.Kind.PANEL_COORDINATION,
        [("marac-coord", Role.PANEL_COORDINATOR), ("chair", Role.PANEL_CHAIR)],
    )
    team(
        "police",
        "MATAC coordination",
        Team.Kind.PANEL_COORDINATION,
        [("matac-coord", Role.PANEL_COORDINATOR), ("chair", Role.PANEL_CHAIR)],
    )
    for key, count in size.reps.items():
        team(
            key,
            f"{key} representatives",
            Team.Kind.AGENCY_REPRESENTATION,
            [(f"{key}{r + 1:03d}", Role.AGENCY_REP) for r in range(count)],
        )
    team(
        "csp", "performance and analysis", Team.Kind.ANALYSIS, [("analyst", Role.ANALYST), ("dpo", Role.DPO)]
    )
    write(Team, teams)

    users: dict[str, User] = {}
    for _, people in plan:
        for login, _role in people:
            if login in users:
                continue
            female = rng.random() < 0.6
            first = rng.choice(names.FEMALE_FIRST if female else names.MALE_FIRST)
            users[login] = User(
                email=_email(login, code),
                full_name=f"{first} {rng.choice(names.SURNAMES)}",
                password=password,
            )
    write(User, list(users.values()))
    write(
        Membership,
        [
            Membership(user=users[login], team=made, role=role)
            for made, people in plan
            for login, role in people
        ],
    )

    def staff(made: Team, people: list[tuple[str, str]]) -> TeamStaff:
        workers = [users[login] for login, role in people if role != Role.SUPERVISOR]
        supervisor = next(users[login] for login, role in people if role == Role.SUPERVISOR)
        return TeamStaff(made, workers, supervisor)

    case_teams = [staff(made, people) for made, people in plan if made.kind == Team.Kind.CASE_MANAGEMENT]
    idva_teams = [staff(made, people) for made, people in plan if made.kind == Team.Kind.PARTNER_SUPPORT]
    coordination = [made for made, _ in plan if made.kind == Team.Kind.PANEL_COORDINATION]
    return AreaWorld(
        index=index,
        area=area,
        orgs=orgs,
        case_teams=case_teams,
        idva_teams=idva_teams,
        coordinators={
            "marac": (coordination[0], users["marac-coord"]),
            "matac": (coordination[1], users["matac-coord"]),
        },
        chair=users["chair"],
        reps={key: [users[f"{key}{r + 1:03d}"] for r in range(count)] for key, count in size.reps.items()},
        analyst=users["analyst"],
    )


# --- Entry point ---------------------------------------------------------------------------------


def existing_areas() -> int:
    return Area.objects.filter(code__startswith=AREA_CODE_PREFIX).count()


def generate(
    *,
    size: str,
    seed: int = 2026,
    today: datetime.date | None = None,
    progress: Callable[[str], None] | None = None,
    jobs: int = 1,
) -> Counts:
    """Generate the dataset. Refuses to run twice into one database (areas are unique).

    Areas are independent of each other, so `jobs` > 1 builds them in that many processes
    (each with its own connection); the data is the same either way.
    """
    spec = SIZES[size]
    today = today or timezone.localdate()
    counts = Counts()
    say = progress or (lambda message: None)
    if existing_areas():
        raise ValueError(
            "This database already holds a synthetic dataset (areas 'syn-…'); use a fresh database."
        )
    password = make_password(BENCH_PASSWORD)
    _reference_data()
    started = time.monotonic()
    work = [
        (index, name, size, seed, today, password) for index, name in enumerate(names.place_names(spec.areas))
    ]
    if jobs > 1 and len(work) > 1:
        import multiprocessing

        connections.close_all()  # each process opens its own
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            done = pool.imap_unordered(_area_job, work)
            for finished, (_index, area, rows) in enumerate(done, start=1):
                for label, n in rows.items():
                    counts.add(label, n)
                say(
                    f"area {finished}/{spec.areas} {area}: {sum(counts.rows.values()):,} rows in {time.monotonic() - started:.0f}s"
                )
    else:
        for job in work:
            index, area, rows = _area_job(job)
            for label, n in rows.items():
                counts.add(label, n)
            say(
                f"area {index + 1}/{spec.areas} {area}: {counts.rows.get('casework.Case', 0):,} cases, "
                f"{sum(counts.rows.values()):,} rows in {time.monotonic() - started:.0f}s"
            )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    return counts


def _area_job(job: tuple) -> tuple[int, str, dict[str, int]]:
    """One area, start to finish: its people, each team's caseload, then its panels."""
    index, name, size, seed, today, password = job
    spec = SIZES[size]
    counts = Counts()
    write = Writer(counts)
    with transaction.atomic():
        world = _area_world(index, name, spec, write, password)
    remaining = spec.cases_per_area
    for team_index, staff in enumerate(world.case_teams):
        target = remaining // (len(world.case_teams) - team_index)
        remaining -= target
        idva = world.idva_teams[team_index // 2 % len(world.idva_teams)]
        with transaction.atomic():
            Caseload(world, staff, idva, spec, seed=seed, today=today, write=write).build(target)
    with transaction.atomic():
        panels_for_area(world, spec, seed=seed, today=today, write=write)
    return index, world.area.name, counts.rows


def _reference_data() -> None:
    """What the seeded migrations do not provide: an active RFG model (as the demo makes one)."""
    from casework.models import RfgGravityWeight, RfgModel
    from casework.scoring import DEFAULT_GRAVITY_WEIGHTS

    if not RfgModel.objects.exists():
        model = RfgModel.objects.create(version=1, name="Starting model (review locally)", is_active=True)
        RfgGravityWeight.objects.bulk_create(
            RfgGravityWeight(model=model, offence=offence, weight=weight)
            for offence, weight in DEFAULT_GRAVITY_WEIGHTS.items()
        )
