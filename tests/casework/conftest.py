"""Case-file fixtures: a case in the north area allocated to the demo case manager."""

from __future__ import annotations

from importlib import import_module

import pytest

from casework.models import Case
from tests.factories import CaseFactory


@pytest.fixture
def make_case(world):
    """`make_case(area="north", manager="casemanager", first_name=..., **case_fields)` → an open case
    (tests.factories.CaseFactory: perpetrator, team and people all in `area`)."""

    def make(
        area: str = "north",
        manager: str | None = "casemanager",
        *,
        first_name: str = "Darren",
        last_name: str = "Holt",
        supervisor: bool = True,
        **fields,
    ) -> Case:
        return CaseFactory(
            area=area,
            manager=manager,
            supervised=supervisor,
            first_name=first_name,
            last_name=last_name,
            **fields,
        )

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
