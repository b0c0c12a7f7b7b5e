"""Demo organisations, teams and one user per role in each area (`manage.py seed_demo`).

Every demo user's email is `<role>.<area>@demo.tideline.test` with the one demo password
below, as listed in the README. Idempotent: running it again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from accounts.models import Area, Membership, Organisation, Role, Team, User

DEMO_PASSWORD = "Tideline-demo-2026"  # noqa: S105 (public demo password, listed in the README)
DEMO_DOMAIN = "demo.tideline.test"

AREAS = {
    "north": ("Northshire", Area.Kind.POLICE_FORCE),
    "south": ("Southvale", Area.Kind.POLICE_FORCE),
}

# (organisation suffix, organisation kind, team name suffix, team kind)
TEAMS = {
    "case_management": (
        "Drive Service",
        Organisation.Kind.PERPETRATOR_SERVICE,
        "perpetrator case management",
        Team.Kind.CASE_MANAGEMENT,
    ),
    "idva": (
        "IDVA Service",
        Organisation.Kind.IDVA_SERVICE,
        "IDVA team",
        Team.Kind.PARTNER_SUPPORT,
    ),
    "marac": (
        "Community Safety Partnership",
        Organisation.Kind.OTHER,
        "MARAC coordination",
        Team.Kind.PANEL_COORDINATION,
    ),
    "matac": (
        "Police",
        Organisation.Kind.POLICE,
        "MATAC coordination",
        Team.Kind.PANEL_COORDINATION,
    ),
    "police": (
        "Police",
        Organisation.Kind.POLICE,
        "police public protection unit",
        Team.Kind.AGENCY_REPRESENTATION,
    ),
    "probation": (
        "Probation Service",
        Organisation.Kind.PROBATION,
        "probation delivery unit",
        Team.Kind.AGENCY_REPRESENTATION,
    ),
    "socialcare": (
        "Children's Services",
        Organisation.Kind.CHILDRENS_SOCIAL_CARE,
        "children's social care",
        Team.Kind.AGENCY_REPRESENTATION,
    ),
    "housing": (
        "Housing",
        Organisation.Kind.HOUSING,
        "housing options",
        Team.Kind.AGENCY_REPRESENTATION,
    ),
    "health": (
        "NHS Trust",
        Organisation.Kind.HEALTH,
        "safeguarding health",
        Team.Kind.AGENCY_REPRESENTATION,
    ),
    "analysis": (
        "Community Safety Partnership",
        Organisation.Kind.OTHER,
        "performance and analysis",
        Team.Kind.ANALYSIS,
    ),
}

# login name → (full name pattern, [(team key, role)])
PEOPLE = {
    "casemanager": ("Casey Manager", [("case_management", Role.CASE_MANAGER)]),
    "casemanager2": ("Kit Colleague", [("case_management", Role.CASE_MANAGER)]),
    "supervisor": ("Sam Supervisor", [("case_management", Role.SUPERVISOR)]),
    "idva": ("Ida Advocate", [("idva", Role.IDVA)]),
    "idvamanager": ("Imogen Lead", [("idva", Role.SUPERVISOR)]),
    "coordinator": (
        "Corin Coordinator",
        [("marac", Role.PANEL_COORDINATOR), ("matac", Role.PANEL_COORDINATOR)],
    ),
    "chair": ("Charlie Chair", [("marac", Role.PANEL_CHAIR), ("matac", Role.PANEL_CHAIR)]),
    "police": ("Pat Constable", [("police", Role.AGENCY_REP)]),
    "probation": ("Robin Probation", [("probation", Role.AGENCY_REP)]),
    "socialcare": ("Sasha Social", [("socialcare", Role.AGENCY_REP)]),
    "housing": ("Harper Housing", [("housing", Role.AGENCY_REP)]),
    "health": ("Hari Health", [("health", Role.AGENCY_REP)]),
    "analyst": ("Alex Analyst", [("analysis", Role.ANALYST)]),
    "dpo": ("Dana Protection", [("analysis", Role.DPO)]),
}


@dataclass
class DemoWorld:
    areas: dict[str, Area] = field(default_factory=dict)
    teams: dict[tuple[str, str], Team] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)

    def user(self, login: str, area: str) -> User:
        return self.users[f"{login}.{area}"]

    def team(self, key: str, area: str) -> Team:
        return self.teams[(key, area)]


def demo_email(login: str, area: str | None = None) -> str:
    return f"{login}.{area}@{DEMO_DOMAIN}" if area else f"{login}@{DEMO_DOMAIN}"


def _user(email: str, full_name: str, *, staff: bool = False) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email, DEMO_PASSWORD, full_name=full_name, is_staff=staff, is_superuser=staff
        )
    return user


@transaction.atomic
def seed_people() -> DemoWorld:
    world = DemoWorld()
    for code, (name, kind) in AREAS.items():
        area, _ = Area.objects.get_or_create(code=code, defaults={"name": name, "kind": kind})
        world.areas[code] = area
        for key, (org_suffix, org_kind, team_suffix, team_kind) in TEAMS.items():
            organisation, _ = Organisation.objects.get_or_create(
                name=f"{name} {org_suffix}", defaults={"kind": org_kind, "area": area}
            )
            team, _ = Team.objects.get_or_create(
                organisation=organisation,
                name=f"{name} {team_suffix}",
                defaults={"area": area, "kind": team_kind},
            )
            world.teams[(key, code)] = team
        for login, (full_name, roles) in PEOPLE.items():
            first, last = full_name.split(" ", 1)
            user = _user(demo_email(login, code), f"{first} {last} ({name})")
            for team_key, role in roles:
                Membership.objects.get_or_create(
                    user=user, team=world.teams[(team_key, code)], role=role, active=True
                )
            world.users[f"{login}.{code}"] = user
    world.users["admin"] = _user(demo_email("admin"), "Ade Administrator", staff=True)
    return world
