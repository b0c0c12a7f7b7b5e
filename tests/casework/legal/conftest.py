"""Fixtures for orders, custody, incidents and RFG: a north case with two linked victims whose
restricted details (names, address, phone) must never reach the perpetrator's side."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from casework import services, services_legal
from casework.models import Case, RfgGravityWeight, RfgModel

# Strings that would identify or locate a victim: none may appear on a perpetrator-side page.
VICTIM_SECRETS = [
    "Rosalind",
    "Quarrington",
    "Imogen",
    "Pettigrew",
    "17 Larkspur Close",
    "LK9 4ZZ",
    "07700 900123",
]


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


@pytest.fixture
def rfg_model(db):
    """Version 1: the brief's bands (0–6: 5, 6–12: 3, 12–24: 2, 24–36: 1), 1 point per incident,
    victim step 0.5; gravity common assault 2, ABH 4, GBH 5, harassment 2; others 1."""
    model = RfgModel.objects.create(version=1, is_active=True)
    for offence, weight in {"common_assault": 2, "abh": 4, "gbh": 5, "harassment": 2}.items():
        RfgGravityWeight.objects.create(model=model, offence=offence, weight=Decimal(weight))
    return model


def _make_case(world, area="north", *, first_name="Darren", last_name="Holt", manager="casemanager") -> Case:
    actor = world.user("supervisor", area)
    perpetrator = services.perpetrator_create(
        actor=actor,
        area=world.areas[area],
        first_name=first_name,
        last_name=last_name,
        date_of_birth=datetime.date(1985, 5, 1),
    )
    return services.case_open(
        actor=actor,
        perpetrator=perpetrator,
        team=world.team("case_management", area),
        case_manager=world.user(manager, area),
        supervisor=world.user("supervisor", area),
    )


@pytest.fixture
def new_case(world):
    def make(area="north", **kwargs) -> Case:
        return _make_case(world, area, **kwargs)

    return make


@pytest.fixture
def legal_case(world):
    """A north case whose perpetrator has two linked victims (labels "Ex-partner, victim 1" and
    "Partner, victim 2"); victim 1 has an address and phone on her restricted record."""
    from victims.models import VictimAddress, VictimContact
    from victims.services import victim_create

    case = _make_case(world)
    idva = world.user("idva", "north")
    first = victim_create(
        actor=idva,
        team=world.team("idva", "north"),
        first_name="Rosalind",
        last_name="Quarrington",
        perpetrator=case.perpetrator,
        relationship="ex_partner",
    )
    victim_create(
        actor=idva,
        team=world.team("idva", "north"),
        first_name="Imogen",
        last_name="Pettigrew",
        perpetrator=case.perpetrator,
        relationship="partner",
    )
    VictimAddress.objects.create(
        victim=first, line_1="17 Larkspur Close", town="Northtown", postcode="LK9 4ZZ"
    )
    VictimContact.objects.create(victim=first, kind=VictimContact.Kind.choices[0][0], value="07700 900123")
    return case


@pytest.fixture
def links(legal_case):
    return {link.label_number: link for link in legal_case.perpetrator.victim_links.all()}


def add_incident(case, actor, *, days: int, offence="common_assault", victims=(), reference="", **fields):
    return services_legal.incident_create(
        actor=actor,
        perpetrator=case.perpetrator,
        case=case,
        occurred_on=days_ago(days),
        incident_type="crime",
        offence=offence,
        victim_links=list(victims),
        police_reference=reference,
        **fields,
    )
