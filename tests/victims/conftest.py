"""Factories for victims' tests: a perpetrator with a case in the north, and a linked victim."""

from __future__ import annotations

import datetime

import pytest

from tests.factories import CaseFactory, ReferralFactory, VictimFactory


@pytest.fixture
def case_north(world):
    """A perpetrator's case in the north, opened by and allocated to casemanager.north."""
    return CaseFactory(
        area="north",
        opened_by="casemanager",
        supervised=False,
        first_name="Testy",
        last_name="Perpetrator",
        perpetrator__gender="male",
    )


@pytest.fixture
def make_victim(world):
    """`make_victim(area="north", perpetrator=..., idva=True, **details)` → a victim of the area's
    IDVA team, linked to `perpetrator` and allocated to its IDVA (tests.factories.VictimFactory)."""

    def make(
        *, area="north", perpetrator=None, first_name="Vicky", last_name="Survivor", idva=True, **details
    ):
        return VictimFactory(
            area=area,
            perpetrator=perpetrator,
            first_name=first_name,
            last_name=last_name,
            allocated=idva,
            **details,
        )

    return make


@pytest.fixture
def victim(make_victim, case_north):
    return make_victim(perpetrator=case_north.perpetrator)


@pytest.fixture
def allocate_referral(world):
    """`allocate_referral(area, victims=[...], perpetrator=None)` → a referral accepted and
    allocated through the real services, its named victims awaiting the IDVA team's pick-up."""

    def make(area="north", *, victims=None, perpetrator=None, case_manager=None, **fields):
        return ReferralFactory(
            area=area,
            victims=[named_victim_entry()] if victims is None else victims,
            perpetrator=perpetrator,
            case_manager=case_manager or "casemanager",
            fields={"address_line_1": "", "town": "", "postcode": ""} | fields,
        )

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
