"""`User.area_ids`: the one way to ask which areas someone works in, by role (a DPO's areas)."""

from __future__ import annotations

import pytest

from accounts.models import Membership, Role, Team

pytestmark = pytest.mark.django_db


def test_a_dpo_works_for_their_own_area_only(world):
    dpo = world.user("dpo", "north")
    assert dpo.area_ids(Role.DPO) == {world.areas["north"].pk}
    assert world.user("supervisor", "north").area_ids(Role.DPO) == set()


def test_areas_by_role_and_team_kind(world):
    supervisor = world.user("supervisor", "north")
    south_idva_team = world.team("idva", "south")
    Membership.objects.create(user=supervisor, team=south_idva_team, role=Role.SUPERVISOR)
    supervisor = type(supervisor).objects.get(pk=supervisor.pk)  # memberships are cached per instance
    north, south = world.areas["north"].pk, world.areas["south"].pk
    assert supervisor.area_ids() == {north, south}
    assert supervisor.area_ids(Role.SUPERVISOR, team_kind=Team.Kind.CASE_MANAGEMENT) == {north}
    assert supervisor.area_ids(Role.SUPERVISOR, team_kind=Team.Kind.PARTNER_SUPPORT) == {south}


def test_an_ended_membership_no_longer_counts(world):
    dpo = world.user("dpo", "north")
    dpo.memberships.filter(role=Role.DPO).update(active=False)
    assert type(dpo).objects.get(pk=dpo.pk).area_ids(Role.DPO) == set()
