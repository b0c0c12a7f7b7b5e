"""The demo case files: a caseload for each demo case manager, made idempotently."""

import pytest

from casework import demo_casefile
from casework.models import Case, CaseClosure, CaseSession, OutcomeMeasure
from casework.selectors import missed_in_a_row

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("instruments")]


def test_demo_caseloads_cover_the_features_and_seeding_twice_changes_nothing(world):
    demo_casefile.seed(world)
    counts = (Case.objects.count(), CaseSession.objects.count(), OutcomeMeasure.objects.count())
    for login, area in [("casemanager", "north"), ("casemanager2", "north"), ("casemanager", "south")]:
        assert 7 <= Case.objects.filter(case_manager=world.user(login, area)).count() <= 12
    assert Case.objects.filter(phase="closed").exists() and Case.objects.filter(phase="closing").exists()
    assert CaseClosure.objects.filter(decision="pending").exists()
    assert Case.objects.annotate(missed=missed_in_a_row()).filter(missed__gte=3).exists()
    demo_casefile.seed(world)
    assert (Case.objects.count(), CaseSession.objects.count(), OutcomeMeasure.objects.count()) == counts
