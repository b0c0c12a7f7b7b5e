"""Panels fixtures: a north MARAC with member agencies, a case, a victim carrying canary strings
in every victim-restricted field, and an upcoming meeting with one item of each kind."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from casework import services as casework_services
from casework.models import Case, RiskLevel
from panels import services
from panels.models import AgendaItem, Meeting, Panel, PanelMembership
from victims import services as victim_services
from victims.models import (
    Child,
    SafetyPlan,
    Victim,
    VictimAddress,
    VictimContact,
    VictimLink,
    VictimSafeContact,
)

CANARY = "CANARYQX"  # appears only in victim-restricted fields; must never appear in panels output
VICTIM_NAME_CANARY = "Zephyrine"  # the victim's first name: agencies see it only when shared at MARAC
VICTIM_DOB = datetime.date(1990, 7, 14)
NAMED_REPS = ("police", "probation", "housing")


@pytest.fixture(autouse=True)
def _packs_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def eager_celery():
    """Run Celery tasks in-process (the test environment has a broker URL but no worker)."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def at(days: int, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def plant_restricted(victim: Victim, author) -> None:
    """Victim-restricted data (DESIGN.md §3), every field carrying the canary."""
    VictimAddress.objects.create(
        victim=victim, line_1=f"1 {CANARY} Street", town=f"{CANARY}ton", postcode="ZZ9 9ZZ"
    )
    VictimContact.objects.create(victim=victim, kind=VictimContact.Kind.values[0], value=f"07700{CANARY}")
    VictimSafeContact.objects.create(
        victim=victim, safe_contact_method=f"Text {CANARY}", safe_times=f"After 6pm {CANARY}"
    )
    SafetyPlan.objects.create(victim=victim, plan=f"Refuge at {CANARY}", updated_by=author)
    Child.objects.create(
        victim=victim, first_name="Child", school=f"{CANARY} Primary", address=f"{CANARY} Road"
    )


@dataclass
class PanelWorld:
    world: object
    panel: Panel
    matac: Panel
    meeting: Meeting
    case: Case
    victim: Victim
    link: VictimLink
    case_item: AgendaItem
    victim_item: AgendaItem

    def org(self, key: str):
        return self.world.team(key, "north").organisation

    def user(self, login: str, area: str = "north"):
        return self.world.user(login, area)


@pytest.fixture
def pw(world) -> PanelWorld:
    area = world.areas["north"]
    manager = world.user("casemanager", "north")
    idva = world.user("idva", "north")
    coordinator = world.user("coordinator", "north")
    perpetrator = casework_services.perpetrator_create(
        actor=manager,
        area=area,
        first_name="Gideon",
        last_name="Marsh",
        date_of_birth=datetime.date(1984, 3, 2),
    )
    case = casework_services.case_open(
        actor=manager,
        perpetrator=perpetrator,
        team=world.team("case_management", "north"),
        case_manager=manager,
        risk_level=RiskLevel.HIGH,
    )
    victim = victim_services.victim_create(
        actor=idva,
        team=world.team("idva", "north"),
        first_name=VICTIM_NAME_CANARY,
        last_name="Quill",
        perpetrator=perpetrator,
        relationship=VictimLink.Relationship.EX_PARTNER,
    )
    Victim.objects.filter(pk=victim.pk).update(date_of_birth=VICTIM_DOB)
    victim.refresh_from_db()
    plant_restricted(victim, idva)
    panels = {}
    for kind, team_key in ((Panel.Kind.MARAC, "marac"), (Panel.Kind.MATAC, "matac")):
        panel = Panel.objects.create(
            name=f"Test {kind}",
            kind=kind,
            area=area,
            coordinator_team=world.team(team_key, "north"),
            chair=world.user("chair", "north"),
        )
        for key in ("police", "probation", "housing", "idva"):
            seat = PanelMembership.objects.create(
                panel=panel, organisation=world.team(key, "north").organisation
            )
            if key in NAMED_REPS:  # the agency's named representative on the panel
                seat.representatives.add(world.user(key, "north"))
        panels[kind] = panel
    meeting = services.meeting_schedule(
        panel=panels[Panel.Kind.MARAC], scheduled_for=at(7), actor=coordinator
    )
    consent_to_marac(world, victim)
    case_item = services.agenda_item_add(
        meeting=meeting, case=case, reason=AgendaItem.Reason.NEW, actor=coordinator
    )
    victim_item = services.agenda_item_add(
        meeting=meeting, victim=victim, reason=AgendaItem.Reason.NEW, actor=coordinator
    )
    return PanelWorld(
        world=world,
        panel=panels[Panel.Kind.MARAC],
        matac=panels[Panel.Kind.MATAC],
        meeting=meeting,
        case=case,
        victim=victim,
        link=VictimLink.objects.get(victim=victim),
        case_item=case_item,
        victim_item=victim_item,
    )


@pytest.fixture
def published(pw) -> PanelWorld:
    services.agenda_publish(meeting=pw.meeting, actor=pw.user("coordinator"))
    pw.meeting.refresh_from_db()
    return pw


def consent_to_marac(world, victim: Victim, *, consent: str = "given") -> None:
    """The victim's IDVA records her consent to sharing at the north MARAC (panels.sharing)."""
    victim_services.consent_decision_record(
        actor=world.user("idva", "north"),
        victim=victim,
        purpose="marac",
        receiving_organisation=world.team("marac", "north").organisation,
        consent=consent,
        legal_basis="consent" if consent == "given" else "public_task",
    )


def add_victim(pw, first_name: str, *, perpetrator=None, consented: bool = True) -> Victim:
    """Another victim of the fixture's perpetrator (or `perpetrator`), with restricted data planted
    and (unless `consented` is False) her consent to sharing at the MARAC."""
    idva = pw.user("idva")
    victim = victim_services.victim_create(
        actor=idva,
        team=pw.world.team("idva", "north"),
        first_name=first_name,
        last_name="Quill",
        perpetrator=perpetrator or pw.case.perpetrator,
        relationship=VictimLink.Relationship.PARTNER,
    )
    plant_restricted(victim, idva)
    if consented:
        consent_to_marac(pw.world, victim)
    return victim


def add_agency_rep(world, key: str, login: str):
    """Another agency_rep in the same agency as the persona `key`, not named on any panel."""
    from accounts.models import Membership, Role, User

    user = User.objects.create_user(f"{login}@test.tideline.test", "Tideline-demo-2026", full_name=login)
    Membership.objects.create(user=user, team=world.team(key, "north"), role=Role.AGENCY_REP, active=True)
    return user
