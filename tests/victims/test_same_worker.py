"""The same-worker rule: nobody works both a perpetrator's case and a linked victim's support.

Every way a case gets a worker is covered: opening a case, allocating it, allocating a
referral into it, and merging two perpetrator records.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Membership, Role
from casework import services as casework_services
from casework.models import Case
from referrals.merging import perpetrator_merge
from referrals.models import PerpetratorMerge, Referral
from tests.victims.conftest import referral_fields

pytestmark = pytest.mark.django_db

MESSAGE = "the same worker must not support a victim and work with the person who harmed them"


@pytest.fixture
def dual_worker(world):
    """The north IDVA, who also holds a case-manager role in the north case-management team."""
    idva = world.user("idva", "north")
    Membership.objects.create(user=idva, team=world.team("case_management", "north"), role=Role.CASE_MANAGER)
    idva.refresh_from_db()
    return idva


def test_a_case_cannot_be_allocated_to_the_idva_of_a_linked_victim(world, case_north, victim, dual_worker):
    assert victim.idva == dual_worker
    with pytest.raises(ValidationError) as raised:
        casework_services.case_allocate(
            case=case_north, case_manager=dual_worker, actor=world.user("supervisor", "north")
        )
    assert MESSAGE in str(raised.value)
    case_north.refresh_from_db()
    assert case_north.case_manager == world.user("casemanager", "north")


def test_the_allocation_form_shows_the_reason(client_for, world, case_north, victim, dual_worker):
    response = client_for("supervisor", "north").post(
        reverse("casework:case_allocate", args=[case_north.pk]), {"case_manager": dual_worker.pk}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page and MESSAGE in page
    case_north.refresh_from_db()
    assert case_north.case_manager == world.user("casemanager", "north")


def test_a_new_case_cannot_be_opened_with_the_idva_as_case_manager_or_supervisor(
    world, case_north, victim, dual_worker
):
    team = world.team("case_management", "north")
    for worker in ({"case_manager": dual_worker}, {"supervisor": dual_worker}):
        with pytest.raises(ValidationError):
            casework_services.case_open(
                actor=world.user("supervisor", "north"),
                perpetrator=case_north.perpetrator,
                team=team,
                **worker,
            )
    assert Case.objects.filter(perpetrator=case_north.perpetrator).count() == 1
    # Anyone else is fine.
    other = casework_services.case_open(
        actor=world.user("supervisor", "north"),
        perpetrator=case_north.perpetrator,
        team=team,
        case_manager=world.user("casemanager2", "north"),
    )
    assert other.case_manager == world.user("casemanager2", "north")


def test_a_referral_cannot_be_allocated_to_the_idva_of_a_linked_victim(
    client_for, world, case_north, victim, dual_worker, allocate_referral
):
    from referrals import services as referral_services

    manager = world.user("casemanager", "north")
    referral = referral_services.referral_save(
        actor=manager,
        team=world.team("case_management", "north"),
        fields=referral_fields(),
        victims=[],
        submit=False,
    )
    Referral.objects.filter(pk=referral.pk).update(
        status=Referral.Status.AWAITING_ALLOCATION,
        perpetrator=case_north.perpetrator,
        person_decision=Referral.PersonDecision.EXISTING,
        created_by=manager,
    )
    referral.refresh_from_db()
    with pytest.raises(ValidationError) as raised:
        referral_services.referral_allocate(
            referral=referral,
            actor=world.user("supervisor", "north"),
            case_manager=dual_worker,
            intervention_type="intensive",
        )
    assert "case_manager" in raised.value.message_dict
    page = (
        client_for("supervisor", "north")
        .post(
            reverse("referrals:allocate", args=[referral.pk]),
            {"case_manager": dual_worker.pk, "intervention_type": "intensive", "note": ""},
        )
        .content.decode()
    )
    assert MESSAGE in page
    referral.refresh_from_db()
    assert referral.status == Referral.Status.AWAITING_ALLOCATION and referral.case is None


def test_a_merge_that_would_join_a_case_worker_and_a_victims_idva_is_refused(world, dual_worker, make_victim):
    supervisor = world.user("supervisor", "north")
    team = world.team("case_management", "north")
    keep = casework_services.perpetrator_create(
        actor=supervisor, area=team.area, first_name="Daniel", last_name="Whitfield"
    )
    dupe = casework_services.perpetrator_create(
        actor=supervisor, area=team.area, first_name="Danny", last_name="Whitfeld"
    )
    casework_services.case_open(actor=supervisor, perpetrator=keep, team=team, case_manager=dual_worker)
    make_victim(perpetrator=dupe)  # allocated to the north IDVA: dual_worker
    with pytest.raises(ValidationError) as raised:
        perpetrator_merge(survivor=keep, merged=dupe, actor=supervisor, reason="Same PNC")
    assert "cannot be merged" in str(raised.value) and "IDVA" in str(raised.value)
    assert not PerpetratorMerge.objects.exists()
    assert dupe.victim_links.count() == 1, "nothing moved"


def test_picking_up_a_named_victim_does_not_make_the_case_manager_their_idva(
    world, allocate_referral, dual_worker
):
    from victims import services

    referral = allocate_referral(case_manager=dual_worker)
    named = referral.named_victims.get()
    victim = services.referral_victim_pick_up(
        actor=world.user("idvamanager", "north"),
        referral_victim=named,
        first_name="Leah",
        last_name="Marsh",
        relationship="partner",
    )
    with pytest.raises(ValidationError):
        services.victim_allocate(actor=world.user("idvamanager", "north"), victim=victim, idva=dual_worker)
    victim.refresh_from_db()
    assert victim.idva is None
