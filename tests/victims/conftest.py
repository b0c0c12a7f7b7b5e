"""Factories for victims' tests: a perpetrator with a case in the north, and a linked victim."""

from __future__ import annotations

import datetime

import pytest

from casework import services as casework_services
from victims import services


@pytest.fixture
def case_north(world):
    """A perpetrator's case in the north, allocated to casemanager.north."""
    manager = world.user("casemanager", "north")
    team = world.team("case_management", "north")
    perpetrator = casework_services.perpetrator_create(
        actor=manager, area=team.area, first_name="Testy", last_name="Perpetrator", gender="male"
    )
    return casework_services.case_open(
        actor=manager, perpetrator=perpetrator, team=team, case_manager=manager
    )


@pytest.fixture
def make_victim(world):
    def make(
        *, area="north", perpetrator=None, first_name="Vicky", last_name="Survivor", idva=True, **details
    ):
        victim = services.victim_create(
            actor=world.user("idva", area),
            team=world.team("idva", area),
            first_name=first_name,
            last_name=last_name,
            perpetrator=perpetrator,
            relationship="ex_partner",
            **details,
        )
        if idva:
            services.victim_allocate(
                actor=world.user("idvamanager", area), victim=victim, idva=world.user("idva", area)
            )
        return victim

    return make


@pytest.fixture
def victim(make_victim, case_north):
    return make_victim(perpetrator=case_north.perpetrator)


@pytest.fixture
def allocate_referral(world):
    """`allocate_referral(area, victims=[...], perpetrator=None)` → a referral accepted and
    allocated through the real services, its named victims awaiting the IDVA team's pick-up."""
    from referrals import services as referral_services

    def make(area="north", *, victims=None, perpetrator=None, case_manager=None, **fields):
        manager = world.user("casemanager", area)
        referral = referral_services.referral_save(
            actor=manager,
            team=world.team("case_management", area),
            fields=referral_fields(**fields),
            victims=[named_victim_entry()] if victims is None else victims,
            submit=True,
        )
        referral_services.referral_person_decide(referral=referral, actor=manager, perpetrator=perpetrator)
        referral_services.referral_screen(
            referral=referral, actor=manager, answers={}, outcome=referral_services.Outcome.ACCEPT
        )
        referral_services.referral_allocate(
            referral=referral,
            actor=world.user("supervisor", area),
            case_manager=case_manager or manager,
            intervention_type="intensive",
        )
        referral.refresh_from_db()
        return referral

    return make


# Referral-stage restricted details of the named victim (each unique, to look for leaks).
NAMED_ADDRESS = "Flat 4\n22 Hiddenbrook Road\nNorthby"
NAMED_POSTCODE = "NB7 9QQ"
NAMED_PHONE = "07700 900 404"
NAMED_EMAIL = "leah.hidden@example.org"
NAMED_SAFE = "Text first, weekday mornings only"
NAMED_CHILDREN = "Mia aged 5 at Brookside Infants"
NAMED_DOB = datetime.date(1992, 6, 14)


def named_victim_entry(**safe):
    from referrals.services import NamedVictimEntry

    return NamedVictimEntry(
        safe={"first_name": "Leah", "last_name": "Marsh", "relationship": "partner", "children_count": 1}
        | safe,
        restricted={
            "date_of_birth": NAMED_DOB,
            "address": NAMED_ADDRESS,
            "postcode": NAMED_POSTCODE,
            "phone": NAMED_PHONE,
            "email": NAMED_EMAIL,
            "safe_contact": NAMED_SAFE,
            "children_details": NAMED_CHILDREN,
        },
    )


def referral_fields(**overrides) -> dict:
    """The referrals tests' referral, with no address for the person referred."""
    from tests.referrals.conftest import referral_fields as referral

    return referral(**({"address_line_1": "", "town": "", "postcode": ""} | overrides))
