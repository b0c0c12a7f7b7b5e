"""The factories keep related records consistent: one area, the right teams, real links."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts.models import AuditEvent, Team
from casework.models import Case
from panels.models import Panel
from tests.factories import (
    CaseFactory,
    MeetingFactory,
    OrderFactory,
    PerpetratorFactory,
    ReferralFactory,
    VictimFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("area", ["north", "south"])
def test_a_case_its_perpetrator_team_and_people_are_in_one_area(world, area):
    case = CaseFactory(area=area, risk_level="high")
    assert case.perpetrator.area == world.areas[area]
    assert case.team == world.team("case_management", area)
    assert case.case_manager == world.user("casemanager", area)
    assert case.supervisor == world.user("supervisor", area)
    assert case.risk_level == "high"
    assert AuditEvent.objects.filter(object_type="casework.case", object_id=str(case.pk)).exists()


def test_a_case_refuses_a_perpetrator_from_another_area(world):
    with pytest.raises(ValueError, match="needs a perpetrator in north"):
        CaseFactory(area="north", perpetrator=PerpetratorFactory(area="south"))


def test_a_victim_is_in_the_area_idva_team_linked_to_the_case_perpetrator(world):
    case = CaseFactory(area="south")
    victim = VictimFactory(perpetrator=case.perpetrator)
    assert victim.team == world.team("idva", "south")
    assert victim.idva == world.user("idva", "south")
    assert list(victim.links.values_list("perpetrator", flat=True)) == [case.perpetrator.pk]


def test_a_victim_without_a_perpetrator_given_gets_one_with_a_case_in_her_area(world):
    victim = VictimFactory(area="south")
    perpetrator = victim.links.get().perpetrator
    assert perpetrator.area == world.areas["south"]
    assert Case.objects.filter(perpetrator=perpetrator, team__area__code="south").exists()


def test_the_same_worker_rule_still_applies_to_factory_records(world):
    case = CaseFactory(area="north")
    victim = VictimFactory(perpetrator=case.perpetrator, allocated=False)
    from victims import services

    with pytest.raises(ValidationError):
        services.victim_allocate(
            actor=world.user("idvamanager", "north"), victim=victim, idva=world.user("casemanager", "north")
        )


def test_an_order_protects_a_victim_linked_to_the_same_perpetrator(world):
    order = OrderFactory(case=CaseFactory(area="south"))
    protected = list(order.protected_persons.all())
    assert len(protected) == 1
    assert protected[0].perpetrator == order.perpetrator == order.case.perpetrator
    assert protected[0].victim.team == world.team("idva", "south")


def test_an_order_refuses_a_victim_linked_to_someone_else(world):
    other = VictimFactory(perpetrator=CaseFactory(area="north", last_name="Other").perpetrator)
    case = CaseFactory(area="north")
    with pytest.raises(ValidationError, match="protected_persons"):
        OrderFactory(case=case, protected=[other])
    assert not case.orders.exists()


def test_a_meeting_is_of_a_panel_in_its_area_run_by_the_area_coordinators(world):
    meeting = MeetingFactory(area="south")
    assert meeting.panel.area == world.areas["south"]
    assert meeting.panel.coordinator_team == world.team("marac", "south")
    assert meeting.panel.chair == world.user("chair", "south")
    assert meeting.panel.kind == Panel.Kind.MARAC
    assert meeting.panel.coordinator_team.kind == Team.Kind.PANEL_COORDINATION


def test_a_referral_is_allocated_into_a_case_of_the_same_team_and_area(world):
    referral = ReferralFactory(area="south")
    assert referral.case is not None
    assert referral.team == referral.case.team == world.team("case_management", "south")
    assert referral.case.perpetrator.area == world.areas["south"]
    assert referral.case.case_manager == world.user("casemanager", "south")
    assert referral.named_victims.get().idva_team == world.team("idva", "south")
