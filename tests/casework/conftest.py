"""Case-file fixtures: a case in the north area allocated to the demo case manager."""

from __future__ import annotations

from importlib import import_module

import pytest

from casework import services
from casework.models import Case


@pytest.fixture
def make_case(world):
    """`make_case(area="north", manager="casemanager", first_name=..., **case_fields)` → an open case."""

    def make(
        area: str = "north",
        manager: str | None = "casemanager",
        *,
        first_name: str = "Darren",
        last_name: str = "Holt",
        supervisor: bool = True,
        **fields,
    ) -> Case:
        team = world.team("case_management", area)
        actor = world.user("supervisor", area)
        perpetrator = services.perpetrator_create(
            actor=actor, area=world.areas[area], first_name=first_name, last_name=last_name
        )
        case = services.case_open(
            actor=actor,
            perpetrator=perpetrator,
            team=team,
            case_manager=world.user(manager, area) if manager else None,
            supervisor=world.user("supervisor", area) if supervisor else None,
        )
        if fields:
            Case.objects.filter(pk=case.pk).update(**fields)
            case.refresh_from_db()
        return case

    return make


@pytest.fixture
def case(make_case):
    return make_case()


@pytest.fixture
def instruments(db):
    """The shipped assessment instruments. Browser tests flush the database (data migrations
    included), so tests that need them install them again the way the migration does."""
    from django.apps import apps

    migration = import_module("casework.migrations.0003_assessment_instruments")
    migration.install(apps, None)
