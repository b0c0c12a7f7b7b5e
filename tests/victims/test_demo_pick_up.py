"""seed_demo leaves, in each area, someone named on a referral waiting for the IDVA team."""

import pytest
from django.core.management import call_command

from victims import selectors


@pytest.mark.django_db
def test_seed_demo_leaves_a_named_victim_awaiting_pick_up_in_each_area(world):
    call_command("seed_demo", verbosity=0)
    for area in ("north", "south"):
        waiting = list(selectors.named_victims_to_pick_up(world.user("idva", area)))
        assert waiting, f"nothing to pick up in {area}"
        assert all(named.referral.area.code == area and named.case_id for named in waiting)
        assert any(named.restricted.date_of_birth and named.restricted.address for named in waiting)
