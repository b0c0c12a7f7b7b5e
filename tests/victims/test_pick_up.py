"""The IDVA team's pick-up of people named as harmed on an allocated referral.

Allocation puts each named victim in the area IDVA team's queue; the IDVA opens the
referral-stage details, then creates a record from them, links an existing record, or
records why support is not offered. The details are for that IDVA team only.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import AuditEvent, Membership, Role
from referrals import services as referral_services
from referrals.models import ReferralVictim
from tests.victims.conftest import (
    NAMED_CHILDREN,
    NAMED_DOB,
    NAMED_EMAIL,
    NAMED_PHONE,
    NAMED_POSTCODE,
    NAMED_SAFE,
)
from victims import selectors, services
from victims.models import SafetyNote, Victim, VictimAddress, VictimContact, VictimLink, VictimSafeContact

pytestmark = pytest.mark.django_db

RESTRICTED_VALUES = [
    "22 Hiddenbrook Road",
    NAMED_POSTCODE,
    NAMED_PHONE,
    NAMED_EMAIL,
    NAMED_SAFE,
    NAMED_CHILDREN,
]


@pytest.fixture
def named(allocate_referral):
    referral = allocate_referral()
    return referral.named_victims.select_related("case__perpetrator").get()


def _post_record(client, named, **overrides):
    data = {
        "first_name": "Leah",
        "last_name": "Marsh",
        "date_of_birth_day": str(NAMED_DOB.day),
        "date_of_birth_month": str(NAMED_DOB.month),
        "date_of_birth_year": str(NAMED_DOB.year),
        "relationship": "partner",
        "line_1": "Flat 4",
        "line_2": "22 Hiddenbrook Road",
        "town": "Northby",
        "postcode": NAMED_POSTCODE,
        "phone": NAMED_PHONE,
        "email": NAMED_EMAIL,
        "safe_contact_method": NAMED_SAFE,
        "children_details": NAMED_CHILDREN,
    } | overrides
    return client.post(reverse("victims:named_victim_create", args=[named.pk]), data)


def test_allocation_gives_each_named_victim_to_the_areas_idva_team(world, named):
    assert named.pick_up_status == ReferralVictim.PickUp.AWAITING
    assert named.idva_team == world.team("idva", "north")
    assert list(selectors.named_victims_to_pick_up(world.user("idva", "north"))) == [named]
    assert list(selectors.named_victims_to_pick_up(world.user("idvamanager", "north"))) == [named]
    for login, area in [
        ("idva", "south"),
        ("casemanager", "north"),
        ("supervisor", "north"),
        ("police", "north"),
    ]:
        assert not selectors.named_victims_to_pick_up(world.user(login, area)).exists()


def test_the_queue_lists_named_victims_with_a_count_in_the_navigation(
    client_for, named, client, django_assert_max_num_queries
):
    url = reverse("victims:pick_up_queue")
    assert client.get(url).status_code == 302
    assert client_for("casemanager", "north").get(url).status_code == 403
    south = client_for("idva", "south").get(url).content.decode()
    assert "Leah Marsh" not in south
    idva = client_for("idva", "north")
    with django_assert_max_num_queries(25):
        page = idva.get(url).content.decode()
    assert "Leah Marsh" in page and named.referral.reference in page
    assert "To pick up (1)" in page, "the IDVA navigation shows how many wait"
    assert reverse("victims:named_victim", args=[named.pk]) in page
    # The queue is a list of people: only names, never the restricted details.
    for value in RESTRICTED_VALUES:
        assert value not in page


def test_only_the_idva_team_given_the_named_victim_opens_its_details(client_for, client, world, named):
    url = reverse("victims:named_victim", args=[named.pk])
    assert client.get(url).status_code == 302
    assert client_for("idva", "south").get(url).status_code == 404
    assert client_for("idvamanager", "south").get(url).status_code == 404
    for login in ("casemanager", "police", "dpo"):
        assert client_for(login, "north").get(url).status_code == 403
    # A case-management supervisor has the supervisor role but no IDVA team: not found.
    assert client_for("supervisor", "north").get(url).status_code == 404
    page = client_for("idva", "north").get(url).content.decode()
    for value in RESTRICTED_VALUES + ["14 June 1992"]:
        assert value in page, f"the IDVA cannot see {value!r}"
    event = (
        AuditEvent.objects.filter(object_type="referrals.referralvictim", object_id=str(named.pk))
        .order_by("pk")
        .last()
    )
    assert event.user == world.user("idva", "north") and event.action == AuditEvent.Action.VIEW
    purposes = " ".join(AuditEvent.objects.values_list("purpose", flat=True))
    for value in RESTRICTED_VALUES:
        assert value not in purposes, "restricted details written into the audit trail"


def test_the_new_record_form_is_prefilled_from_the_referral(client_for, named):
    page = (
        client_for("idva", "north")
        .get(reverse("victims:named_victim_create", args=[named.pk]))
        .content.decode()
    )
    for value in ["Leah", "Marsh", "Flat 4", "22 Hiddenbrook Road", "Northby", NAMED_POSTCODE, NAMED_PHONE]:
        assert f'value="{value}"' in page
    assert 'value="1992"' in page and NAMED_CHILDREN in page


def test_creating_a_record_carries_the_details_links_the_perpetrator_and_allocates(client_for, world, named):
    idva = world.user("idva", "north")
    response = _post_record(client_for("idva", "north"), named)
    victim = Victim.objects.get(first_name="Leah", last_name="Marsh")
    assert response.status_code == 302 and response.url == reverse("victims:detail", args=[victim.pk])
    assert victim.team == world.team("idva", "north") and victim.idva == idva
    assert victim.date_of_birth == NAMED_DOB
    address = VictimAddress.objects.get(victim=victim)
    assert (address.line_1, address.line_2, address.town, address.postcode, address.is_current) == (
        "Flat 4",
        "22 Hiddenbrook Road",
        "Northby",
        NAMED_POSTCODE,
        True,
    )
    contacts = {c.kind: c for c in VictimContact.objects.filter(victim=victim)}
    assert contacts["mobile"].value == NAMED_PHONE and contacts["email"].value == NAMED_EMAIL
    assert not any(c.safe_to_use for c in contacts.values()), (
        "referral contact details are not yet confirmed safe"
    )
    assert VictimSafeContact.objects.get(victim=victim).safe_contact_method == NAMED_SAFE
    assert NAMED_CHILDREN in SafetyNote.objects.get(victim=victim).text
    link = VictimLink.objects.get(victim=victim)
    assert link.perpetrator == named.case.perpetrator and link.relationship == "partner"
    named.refresh_from_db()
    assert named.pick_up_status == ReferralVictim.PickUp.PICKED_UP
    assert named.picked_up_victim_id == victim.pk and named.picked_up_by == idva
    assert AuditEvent.objects.filter(
        object_type="victims.victim", object_id=str(victim.pk), purpose__contains="picked up from referral"
    ).exists()
    # Done: it leaves the queue and cannot be picked up twice.
    assert not selectors.named_victims_to_pick_up(idva).exists()
    assert (
        client_for("idva", "north").get(reverse("victims:named_victim", args=[named.pk])).status_code == 404
    )


def test_a_bad_form_shows_errors_and_changes_nothing(client_for, named):
    response = _post_record(
        client_for("idva", "north"), named, first_name="", email="not-an-email", date_of_birth_month="13"
    )
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert "Enter their first name" in page and "Enter an email address in the correct format" in page
    assert not Victim.objects.exists()
    named.refresh_from_db()
    assert named.pick_up_status == ReferralVictim.PickUp.AWAITING


def test_only_one_pick_up_wins(world, named):
    idva = world.user("idva", "north")
    services.referral_victim_pick_up(
        actor=idva, referral_victim=named, first_name="Leah", last_name="Marsh", relationship="partner"
    )
    with pytest.raises(ValidationError):
        services.referral_victim_pick_up(
            actor=world.user("idvamanager", "north"),
            referral_victim=named,
            first_name="Leah",
            last_name="Marsh",
            relationship="partner",
        )
    assert Victim.objects.count() == 1


def test_someone_outside_the_idva_team_cannot_pick_up(world, named):
    for login, area in [("idva", "south"), ("casemanager", "north")]:
        with pytest.raises(ValidationError):
            services.referral_victim_pick_up(
                actor=world.user(login, area),
                referral_victim=named,
                first_name="Leah",
                last_name="Marsh",
                relationship="partner",
            )
    assert not Victim.objects.exists()


def test_likely_matches_are_shown_and_an_existing_record_can_be_linked(client_for, world, named, make_victim):
    existing = make_victim(first_name="Lea", last_name="Marsh", date_of_birth=NAMED_DOB)
    make_victim(first_name="Priya", last_name="Nair")
    page = client_for("idva", "north").get(reverse("victims:named_victim", args=[named.pk])).content.decode()
    assert "Lea Marsh" in page and "Priya Nair" not in page
    assert "Same surname" in page or "same surname" in page
    matches = selectors.likely_victim_matches(
        world.user("idva", "north"), first_name="Leah", last_name="Marsh", date_of_birth=NAMED_DOB
    )
    assert [m.victim for m in matches] == [existing]
    assert "same date of birth" in matches[0].reason
    # Another area's IDVA team's records are never offered.
    assert not selectors.likely_victim_matches(
        world.user("idva", "south"), first_name="Leah", last_name="Marsh", date_of_birth=NAMED_DOB
    )
    response = client_for("idva", "north").post(
        reverse("victims:named_victim_link", args=[named.pk]),
        {"victim": str(existing.pk), "relationship": "partner"},
    )
    assert response.status_code == 302
    assert VictimLink.objects.filter(victim=existing, perpetrator=named.case.perpetrator).exists()
    named.refresh_from_db()
    assert (
        named.pick_up_status == ReferralVictim.PickUp.PICKED_UP and named.picked_up_victim_id == existing.pk
    )
    assert Victim.objects.count() == 2, "no new record was made"


def test_linking_by_reference_refuses_a_record_the_team_does_not_hold(client_for, named, make_victim):
    southern = make_victim(area="south", first_name="Leah", last_name="Marsh")
    page = (
        client_for("idva", "north")
        .post(
            reverse("victims:named_victim_link", args=[named.pk]),
            {"reference": southern.reference, "relationship": "partner"},
        )
        .content.decode()
    )
    assert "There is no record with that reference that your team holds" in page
    named.refresh_from_db()
    assert named.pick_up_status == ReferralVictim.PickUp.AWAITING


def test_support_not_offered_keeps_the_reason_for_the_idva_team(client_for, world, named):
    url = reverse("victims:named_victim_not_offered", args=[named.pk])
    idva = client_for("idva", "north")
    page = idva.post(url, {"reason": "other", "note": ""}).content.decode()
    assert "Explain why support is not offered" in page
    response = idva.post(url, {"reason": "already_supported", "note": "Supported by the Northby refuge IDVA"})
    assert response.status_code == 302
    named.refresh_from_db()
    assert named.pick_up_status == ReferralVictim.PickUp.NOT_OFFERED
    assert named.not_offered_reason == "already_supported"
    assert named.restricted.not_offered_note == "Supported by the Northby refuge IDVA"
    assert not selectors.named_victims_to_pick_up(world.user("idva", "north")).exists()
    event = (
        AuditEvent.objects.filter(object_type="referrals.referralvictim", object_id=str(named.pk))
        .order_by("pk")
        .last()
    )
    assert "not offered" in event.purpose and "refuge" not in event.purpose
    # The perpetrator's case shows the status only, never the team's note.
    case_page = client_for("casemanager", "north").get(reverse("casework:case", args=[named.case_id]))
    text = case_page.content.decode()
    assert "IDVA support not offered" in text and "Northby refuge" not in text


def test_the_perpetrators_side_never_sees_the_named_victims_details(client_for, world, named):
    _post_record(client_for("idva", "north"), named)
    for login in ("casemanager", "supervisor"):
        client = client_for(login, "north")
        for url in (
            reverse("casework:case", args=[named.case_id]),
            reverse("referrals:detail", args=[named.referral_id]),
            reverse("victims:case_linked_victims", args=[named.case_id]),
        ):
            page = client.get(url).content.decode()
            for value in RESTRICTED_VALUES:
                assert value not in page, f"{value!r} leaked to {login} on {url}"


def test_an_idva_who_leaves_the_team_loses_the_queue_and_the_details(client_for, world, named):
    idva = world.user("idva", "north")
    client = client_for("idva", "north")
    assert client.get(reverse("victims:named_victim", args=[named.pk])).status_code == 200
    Membership.objects.filter(user=idva, role=Role.IDVA).update(active=False)
    Membership.objects.create(user=idva, team=world.team("case_management", "north"), role=Role.CASE_MANAGER)
    assert client.get(reverse("victims:named_victim", args=[named.pk])).status_code == 403
    idva.refresh_from_db()
    assert not selectors.named_victims_to_pick_up(idva).exists()
    with pytest.raises(ValidationError):
        referral_services.referral_victim_mark_picked_up(
            referral_victim=named, victim=Victim(pk=1), actor=idva
        )


def test_restricted_referral_details_are_read_only_by_the_team_given_them(world, allocate_referral):
    from referrals import access
    from referrals import selectors as referral_selectors

    referral = allocate_referral()
    assert access.may_see_victim_details(world.user("idva", "north"), referral)
    assert referral_selectors.victim_details_for(user=world.user("idvamanager", "north"), referral=referral)
    for login, area in [
        ("idva", "south"),
        ("casemanager", "north"),
        ("supervisor", "north"),
        ("dpo", "north"),
    ]:
        assert not access.may_see_victim_details(world.user(login, area), referral)
        assert referral_selectors.victim_details_for(user=world.user(login, area), referral=referral) == {}
