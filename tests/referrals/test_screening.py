"""Screening outcomes, person decisions, allocation into a case, and named victims' pick-up."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from casework import services as casework_services
from casework.models import Case, Perpetrator
from referrals import selectors, services
from referrals.models import Referral, ReferralVictim
from referrals.services import Outcome


def _answers(setup, area="north", *, excluded="no"):
    return {setup[area]["eligible"].pk: "yes", setup[area]["excluded"].pk: excluded}


def test_screening_pages_permission_sequence(client, client_for, make_referral, service_setup):
    referral = make_referral(by="police")
    url = reverse("referrals:screen", args=[referral.pk])
    assert client.get(url).status_code == 302
    assert client_for("casemanager", "south").get(url).status_code == 404
    assert client_for("police", "north").get(url).status_code == 403
    assert client_for("casemanager", "north").get(url).status_code == 200
    # Allocation is for supervisors only.
    allocate = reverse("referrals:allocate", args=[referral.pk])
    assert client_for("casemanager", "north").get(allocate).status_code == 403


def test_declining_needs_a_reason_and_keeps_who_when_why(client_for, make_referral, service_setup, world):
    referral = make_referral()
    client = client_for("casemanager", "north")
    url = reverse("referrals:screen", args=[referral.pk])
    data = {f"criterion_{pk}": answer for pk, answer in _answers(service_setup).items()} | {
        "outcome": "decline"
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "Enter the reason for declining" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Referral.Status.NEW
    client.post(url, data | {"reason": "Lives outside the area"})
    referral.refresh_from_db()
    assert referral.status == Referral.Status.DECLINED
    assert referral.decided_by == world.user("casemanager", "north") and referral.decided_at
    assert referral.decision_reason == "Lives outside the area"


def test_every_criterion_must_be_answered_to_decide(make_referral, service_setup, world):
    referral = make_referral()
    with pytest.raises(ValidationError) as error:
        services.referral_screen(
            referral=referral, actor=world.user("casemanager", "north"), answers={}, outcome=Outcome.ACCEPT
        )
    assert f"criterion_{service_setup['north']['eligible'].pk}" in error.value.message_dict


def test_accepting_against_an_exclusion_needs_a_reason(make_referral, service_setup, world):
    referral = make_referral()
    actor = world.user("casemanager", "north")
    answers = _answers(service_setup, excluded="yes")
    with pytest.raises(ValidationError):
        services.referral_screen(referral=referral, actor=actor, answers=answers, outcome=Outcome.ACCEPT)
    services.referral_screen(
        referral=referral,
        actor=actor,
        answers=answers,
        outcome=Outcome.ACCEPT,
        reason="Programme ends next month",
    )
    assert referral.status == Referral.Status.AWAITING_ALLOCATION


def test_signposting_records_the_service(client_for, make_referral, service_setup):
    referral = make_referral()
    signpost = service_setup["north"]["signpost"]
    data = {f"criterion_{pk}": a for pk, a in _answers(service_setup).items()}
    client_for("casemanager", "north").post(
        reverse("referrals:screen", args=[referral.pk]),
        data | {"outcome": "signpost", "signpost_service": signpost.pk},
    )
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SIGNPOSTED and referral.signpost_service == signpost
    # The referrer sees the outcome on their own list.
    page = client_for("casemanager", "north").get(reverse("referrals:mine")).content.decode()
    assert signpost.name in page


def test_another_areas_signpost_service_is_refused(make_referral, service_setup, world):
    referral = make_referral()
    with pytest.raises(ValidationError):
        services.referral_screen(
            referral=referral,
            actor=world.user("casemanager", "north"),
            answers=_answers(service_setup),
            outcome=Outcome.SIGNPOST,
            signpost_service=service_setup["south"]["signpost"],
        )


def test_first_contact_moves_a_new_referral_on_and_rejects_future_dates(client_for, make_referral):
    referral = make_referral()
    client = client_for("casemanager", "north")
    url = reverse("referrals:first_contact", args=[referral.pk])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        url, {"date_day": tomorrow.day, "date_month": tomorrow.month, "date_year": tomorrow.year}
    )
    assert "must be today or in the past" in response.content.decode()
    today = timezone.localdate()
    client.post(url, {"date_day": today.day, "date_month": today.month, "date_year": today.year})
    referral.refresh_from_db()
    assert referral.first_contact_on == today and referral.status == Referral.Status.SCREENING


def test_match_page_lists_an_existing_person_with_reasons_and_links_them(client_for, make_referral, world):
    existing = casework_services.perpetrator_create(
        actor=world.user("casemanager", "north"),
        area=world.areas["north"],
        first_name="Daniel",
        last_name="Whitfield",
        date_of_birth=datetime.date(1988, 7, 4),
    )
    referral = make_referral(first_name="Danny", last_name="Whitfeld")
    client = client_for("casemanager", "north")
    url = reverse("referrals:match", args=[referral.pk])
    page = client.get(url).content.decode()
    assert "Daniel Whitfield" in page and "day and month swapped" in page
    response = client.post(url, {})
    assert "Select a person, or confirm this is someone new" in response.content.decode()
    client.post(url, {"person": str(existing.pk)})
    referral.refresh_from_db()
    assert referral.perpetrator == existing and referral.person_decision == "existing"
    assert Perpetrator.objects.count() == 1, "matching must never create or merge people by itself"


def _accepted(make_referral, service_setup, world, **fields):
    referral = make_referral(**fields)
    actor = world.user("casemanager", "north")
    services.referral_screen(
        referral=referral, actor=actor, answers=_answers(service_setup), outcome=Outcome.ACCEPT
    )
    return referral


def test_allocation_needs_the_person_checked_first(make_referral, service_setup, world):
    referral = _accepted(make_referral, service_setup, world)
    with pytest.raises(ValidationError):
        services.referral_allocate(
            referral=referral,
            actor=world.user("supervisor", "north"),
            case_manager=world.user("casemanager", "north"),
            intervention_type="intensive",
        )


def test_allocating_a_new_person_opens_a_case_and_carries_named_victims(
    client_for, make_referral, service_setup, world
):
    referral = _accepted(
        make_referral, service_setup, world, pnc_number="2009/1111111A", other_names="Danny White"
    )
    services.referral_person_decide(
        referral=referral, actor=world.user("casemanager", "north"), perpetrator=None
    )
    client = client_for("supervisor", "north")
    url = reverse("referrals:allocate", args=[referral.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"case_manager": world.user("casemanager", "north").pk, "intervention_type": "group"}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    case = referral.case
    assert referral.status == Referral.Status.ACCEPTED
    assert case.team == world.team("case_management", "north")
    assert case.case_manager == world.user("casemanager", "north")
    assert case.intervention_type == "group" and case.risk_level == "high"
    person = case.perpetrator
    assert person.full_name == "Daniel Whitfield"
    assert person.identifiers.get().value == "2009/1111111A"
    assert person.aliases.get().name == "Danny White"
    victim = ReferralVictim.objects.get()
    assert victim.case == case and victim.pick_up_status == ReferralVictim.PickUp.AWAITING


def test_a_closed_previous_case_in_the_team_is_reopened(make_referral, service_setup, world):
    supervisor = world.user("supervisor", "north")
    person = casework_services.perpetrator_create(
        actor=supervisor, area=world.areas["north"], first_name="Daniel", last_name="Whitfield"
    )
    old = casework_services.case_open(
        actor=supervisor, perpetrator=person, team=world.team("case_management", "north")
    )
    Case.objects.filter(pk=old.pk).update(phase=Case.Phase.CLOSED, closed_on=timezone.localdate())
    referral = _accepted(make_referral, service_setup, world)
    services.referral_person_decide(referral=referral, actor=supervisor, perpetrator=person)
    case, notes = services.referral_allocate(
        referral=referral,
        actor=supervisor,
        case_manager=world.user("casemanager", "north"),
        intervention_type="intensive",
    )
    assert case.pk == old.pk and case.is_open and referral.case_was_reopened
    assert any("reopened" in note for note in notes)


def test_named_victims_awaiting_pickup_are_for_the_areas_idva_team_only(make_referral, service_setup, world):
    referral = _accepted(make_referral, service_setup, world)
    services.referral_person_decide(
        referral=referral, actor=world.user("casemanager", "north"), perpetrator=None
    )
    services.referral_allocate(
        referral=referral,
        actor=world.user("supervisor", "north"),
        case_manager=world.user("casemanager", "north"),
        intervention_type="intensive",
    )
    awaiting = list(selectors.named_victims_awaiting_pickup(user=world.user("idva", "north")))
    assert len(awaiting) == 1 and awaiting[0].restricted.phone
    for login, area in [
        ("idva", "south"),
        ("casemanager", "north"),
        ("supervisor", "north"),
        ("coordinator", "north"),
    ]:
        assert not selectors.named_victims_awaiting_pickup(user=world.user(login, area)).exists()

    class FakeVictim:
        pk = 42

    with pytest.raises(ValidationError):
        services.referral_victim_mark_picked_up(
            referral_victim=awaiting[0], victim=FakeVictim(), actor=world.user("casemanager", "north")
        )
    services.referral_victim_mark_picked_up(
        referral_victim=awaiting[0], victim=FakeVictim(), actor=world.user("idva", "north")
    )
    assert not selectors.named_victims_awaiting_pickup(user=world.user("idva", "north")).exists()
    assert ReferralVictim.objects.get().picked_up_victim_id == 42
