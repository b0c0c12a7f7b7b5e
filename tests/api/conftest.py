"""Fixtures for the API tests: a populated north area, tokens for any persona, API clients.

`CANARY` is written into every victim-restricted field (DESIGN.md §3); the canary tests
assert it never reaches anyone outside the victim's IDVA team.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models_api import ApiToken, Scope
from casework import services as casework_services
from casework import services_legal
from casework.models import Case, DisruptionAction, OrderKind
from panels import services as panel_services
from panels.models import Panel, PanelMembership
from victims import services as victim_services

CANARY = "zqxcanary"  # lower case: responses are searched case-insensitively
ALL_SCOPES = list(Scope.values)


@dataclass
class ApiData:
    case: Case
    other_area_case: Case
    order: object
    custody: object
    disruption: DisruptionAction
    victim: object
    link: object
    meeting: object
    victim_item: object
    case_item: object
    police_action: object
    health_action: object


def _date(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def _restricted_victim_data(victim, actor) -> None:
    """Fill every victim-restricted field with the canary."""
    victim_services.victim_address_add(
        actor=actor,
        victim=victim,
        kind="refuge",
        line_1=f"{CANARY} line one",
        line_2=f"{CANARY} line two",
        town=f"{CANARY}town",
        postcode=f"{CANARY}"[:10],
    )
    victim_services.victim_contact_add(
        actor=actor, victim=victim, kind="mobile", value=f"07700 {CANARY}", note=f"{CANARY} note"
    )
    victim_services.victim_contact_add(
        actor=actor, victim=victim, kind="email", value=f"{CANARY}@example.test"
    )
    victim_services.victim_safe_contact_save(
        actor=actor,
        victim=victim,
        safe_contact_method=f"{CANARY} method",
        safe_times=f"{CANARY} times",
        housing_situation="refuge",
        housing_notes=f"{CANARY} housing",
    )
    victim_services.safety_plan_save(actor=actor, victim=victim, plan=f"{CANARY} safety plan")
    victim_services.safety_note_add(actor=actor, victim=victim, text=f"{CANARY} safety note")
    victim_services.child_add(
        actor=actor,
        victim=victim,
        first_name="Robin",
        school=f"{CANARY} primary school",
        address=f"{CANARY} child address",
    )


@pytest.fixture
def api_data(world) -> ApiData:
    cm = world.user("casemanager", "north")
    supervisor = world.user("supervisor", "north")
    idva = world.user("idva", "north")
    north = world.areas["north"]
    person = casework_services.perpetrator_create(
        actor=cm, area=north, first_name="Dale", last_name="Harrow", date_of_birth=datetime.date(1985, 3, 4)
    )
    case = casework_services.case_open(
        actor=supervisor,
        perpetrator=person,
        team=world.team("case_management", "north"),
        case_manager=cm,
        supervisor=supervisor,
    )
    south_person = casework_services.perpetrator_create(
        actor=cm, area=world.areas["south"], first_name="Sol", last_name="Southern"
    )
    other_area_case = casework_services.case_open(
        actor=world.user("supervisor", "south"),
        perpetrator=south_person,
        team=world.team("case_management", "south"),
        case_manager=world.user("casemanager", "south"),
    )
    victim = victim_services.victim_create(
        actor=idva,
        team=world.team("idva", "north"),
        first_name="Vera",
        last_name="Lane",
        perpetrator=person,
        relationship="ex_partner",
        idva=idva,
    )
    link = victim.links.get()
    _restricted_victim_data(victim, idva)
    order = services_legal.order_create(
        actor=cm,
        case=case,
        kind=OrderKind.RESTRAINING,
        made_on=_date(-30),
        expires_on=_date(300),
        protected_persons=[link],
    )
    custody = services_legal.custody_record_create(
        actor=cm,
        case=case,
        sentence_date=_date(-200),
        establishment="HMP Northshire",
        expected_release_on=_date(20),
    )
    police_org = world.team("police", "north").organisation
    disruption = casework_services.disruption_action_add(
        case=case,
        actor=cm,
        agency=police_org,
        lever=DisruptionAction.Lever.WELFARE_CHECK,
        description="Check bail conditions are kept",
        status=DisruptionAction.Status.PLANNED,
    )
    coordinator_team = world.team("marac", "north")
    panel = Panel.objects.create(
        name="Northshire MARAC",
        kind=Panel.Kind.MARAC,
        area=north,
        coordinator_team=coordinator_team,
        chair=world.user("chair", "north"),
    )
    for key in ("police", "health"):
        seat = PanelMembership.objects.create(panel=panel, organisation=world.team(key, "north").organisation)
        seat.representatives.add(world.user(key, "north"))  # only named representatives see the panel
    coordinator = world.user("coordinator", "north")
    meeting = panel_services.meeting_schedule(
        panel=panel,
        scheduled_for=timezone.now() + datetime.timedelta(days=7),
        venue="Room 2",
        actor=coordinator,
    )
    victim_services.consent_decision_record(  # her consent to sharing at the MARAC
        actor=world.user("idva", "north"),
        victim=victim,
        purpose="marac",
        receiving_organisation=coordinator_team.organisation,
        consent="given",
        legal_basis="consent",
    )
    victim_item = panel_services.agenda_item_add(
        meeting=meeting, reason="new", actor=coordinator, victim=victim
    )
    case_item = panel_services.agenda_item_add(
        meeting=meeting, reason="review", actor=coordinator, case=case, shared_fields=["risk_level"]
    )
    panel_services.agenda_publish(meeting=meeting, actor=coordinator)
    police_action = panel_services.action_add(
        item=victim_item,
        organisation=police_org,
        description="Flag the address",
        due_on=_date(14),
        actor=coordinator,
    )
    health_action = panel_services.action_add(
        item=victim_item,
        organisation=world.team("health", "north").organisation,
        description="Share GP records",
        due_on=_date(14),
        actor=coordinator,
    )
    return ApiData(
        case=case,
        other_area_case=other_area_case,
        order=order,
        custody=custody,
        disruption=disruption,
        victim=victim,
        link=link,
        meeting=meeting,
        victim_item=victim_item,
        case_item=case_item,
        police_action=police_action,
        health_action=health_action,
    )


def _clear_throttles() -> None:
    """Delete the throttle counters only: the cache also holds other tests' sessions (the suite's
    workers share one Redis), and clearing it all would make their query counts depend on timing."""
    client = getattr(getattr(cache, "_cache", None), "get_client", None)
    if client is None:  # not Redis
        cache.clear()
        return
    redis = client(None, write=True)
    for key in redis.scan_iter(match=cache.make_key("throttle_*"), count=1000):
        redis.delete(key)


@pytest.fixture(autouse=True)
def _fresh_throttles():
    _clear_throttles()  # throttle counters live in the cache; each test starts from zero
    yield
    _clear_throttles()


def make_token(user, *, scopes=None, **extra) -> tuple[ApiToken, str]:
    membership = user.primary_membership
    token = ApiToken(
        organisation=membership.team.organisation,
        name=f"{user.email} system",
        user=user,
        scopes=scopes or ALL_SCOPES,
        **extra,
    )
    raw = token.set_new_key()
    token.full_clean()
    token.save()
    return token, raw


@pytest.fixture
def token_client(world):
    """`token_client("police", "north", scopes=[...])` → an APIClient sending that persona's token."""

    def make(login: str, area: str, *, scopes=None, keyword: str = "Token", **extra) -> APIClient:
        _, raw = make_token(world.user(login, area), scopes=scopes, **extra)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"{keyword} {raw}")
        return client

    return make


@pytest.fixture
def session_client(world):
    """`session_client("casemanager", "north")` → an APIClient with a verified session."""
    from tests.conftest import sign_in

    def make(login: str, area: str) -> APIClient:
        return sign_in(APIClient(), world.user(login, area))

    return make
