"""Factories for victims' tests: a perpetrator with a case in the north, and a linked victim."""

from __future__ import annotations

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
