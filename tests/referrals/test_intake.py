"""Recording referrals: drafts, validation, who sees what, and victim-restricted details."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from referrals.models import Referral, ReferralVictim, ReferralVictimDetails

from .conftest import CHILDREN, VICTIM_ADDRESS, VICTIM_EMAIL, VICTIM_PHONE, VICTIM_POSTCODE

RESTRICTED = [VICTIM_ADDRESS, VICTIM_POSTCODE, VICTIM_PHONE, VICTIM_EMAIL, CHILDREN, "Mornings only"]


def _post_data(team, **overrides):
    data = {
        "team": team.pk,
        "pathway": "police",
        "received_on_day": "2",
        "received_on_month": "11",
        "received_on_year": "2026",
        "referrer_name": "DC Morgan Hale",
        "referrer_organisation": "Northshire Police",
        "referrer_role": "DC",
        "referrer_phone": "01632 960 118",
        "referrer_email": "morgan.hale@police.example",
        "first_name": "Daniel",
        "last_name": "Whitfield",
        "date_of_birth_day": "7",
        "date_of_birth_month": "4",
        "date_of_birth_year": "1988",
        "concerns": "Assault on partner.",
        "stated_risk_level": "high",
        "intervention_type": "intensive",
        "legal_basis": "public_task",
        "consent": "given",
        "victims-TOTAL_FORMS": "2",
        "victims-INITIAL_FORMS": "0",
        "victims-MIN_NUM_FORMS": "0",
        "victims-MAX_NUM_FORMS": "10",
        "victims-0-first_name": "Leah",
        "victims-0-last_name": "Marsh",
        "victims-0-relationship": "partner",
        "victims-0-children_count": "1",
        "victims-0-address": VICTIM_ADDRESS,
        "victims-0-postcode": VICTIM_POSTCODE,
        "victims-0-phone": VICTIM_PHONE,
        "victims-0-email": VICTIM_EMAIL,
        "victims-0-children_details": CHILDREN,
        "submit": "1",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_anonymous_is_sent_to_sign_in(client, db):
    for name in ("referrals:queue", "referrals:create", "referrals:mine"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_roles_without_referrals_are_refused(client_for):
    for login in ("idva", "analyst", "dpo"):
        assert client_for(login, "north").get(reverse("referrals:create")).status_code == 403


def test_a_case_manager_records_and_submits_a_referral(client_for, world):
    client = client_for("casemanager", "north")
    assert client.get(reverse("referrals:create")).status_code == 200
    response = client.post(reverse("referrals:create"), _post_data(world.team("case_management", "north")))
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert referral.status == Referral.Status.NEW and referral.submitted_at is not None
    assert referral.named_victims.get().restricted.address == VICTIM_ADDRESS
    assert AuditEvent.objects.filter(object_type="referrals.referral", action="create").exists()


def test_validation_errors_keep_everything_entered_and_save_nothing(client_for, world):
    client = client_for("casemanager", "north")
    data = _post_data(
        world.team("case_management", "north"),
        concerns="",
        referrer_email="not-an-email",
        **{"victims-1-first_name": "", "victims-1-phone": "07700 900 999"},
    )
    response = client.post(reverse("referrals:create"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter an email address in the correct format" in page
    assert "Enter the first name of the person harmed or at risk" in page
    assert 'value="Whitfield"' in page and VICTIM_ADDRESS in page
    assert not Referral.objects.exists()


def test_an_incomplete_referral_can_be_saved_as_a_draft_then_finished(client_for, world):
    client = client_for("police", "north")
    team = world.team("case_management", "north")
    data = _post_data(team, concerns="", stated_risk_level=None, submit=None, draft="1")
    response = client.post(reverse("referrals:create"), data)
    referral = Referral.objects.get()
    assert response.status_code == 302 and referral.status == Referral.Status.DRAFT
    # Submitting it incomplete shows what is missing and keeps it a draft.
    edit = reverse("referrals:edit", args=[referral.pk])
    assert client.get(edit).status_code == 200
    base = _post_data(
        team,
        concerns="",
        version=str(referral.version),
        **{
            "victims-INITIAL_FORMS": "1",
            "victims-0-row_id": str(referral.named_victims.get().pk),
            "victims-0-address": "",
            "victims-0-phone": "",
            "victims-0-email": "",
            "victims-0-postcode": "",
            "victims-0-children_details": "",
        },
    )
    response = client.post(edit, base)
    assert response.status_code == 200 and "Describe the concerns" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Referral.Status.DRAFT
    base["concerns"] = "Now described."
    assert client.post(edit, base).status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.NEW
    # Blank restricted boxes kept what was stored.
    assert ReferralVictimDetails.objects.get().phone == VICTIM_PHONE


def test_a_stale_draft_edit_changes_nothing(client_for, world, make_referral):
    referral = make_referral(by="police", submit=False)
    client = client_for("police", "north")
    data = _post_data(
        world.team("case_management", "north"), concerns="Changed", version="0", submit=None, draft="1"
    )
    response = client.post(reverse("referrals:edit", args=[referral.pk]), data)
    assert response.status_code == 200 and "Someone else changed this record" in response.content.decode()
    referral.refresh_from_db()
    assert referral.concerns != "Changed"


def test_drafts_are_only_seen_by_their_author(client_for, make_referral):
    draft = make_referral(by="police", submit=False)
    url = reverse("referrals:detail", args=[draft.pk])
    assert client_for("police", "north").get(url).status_code == 200
    assert client_for("casemanager", "north").get(url).status_code == 404
    assert (
        client_for("casemanager", "north").get(reverse("referrals:edit", args=[draft.pk])).status_code == 404
    )


def test_referrers_from_other_agencies_see_only_their_own(client_for, make_referral):
    own = make_referral(by="police", first_name="Own")
    other = make_referral(by="casemanager", first_name="Other")
    police = client_for("police", "north")
    assert police.get(reverse("referrals:detail", args=[own.pk])).status_code == 200
    assert police.get(reverse("referrals:detail", args=[other.pk])).status_code == 404
    mine = police.get(reverse("referrals:mine")).content.decode()
    assert "Own Whitfield" in mine and "Other Whitfield" not in mine
    # The queue sends them to their own list.
    assert police.get(reverse("referrals:queue"))["Location"] == reverse("referrals:mine")


def test_submitted_referral_cannot_be_edited(client_for, make_referral):
    referral = make_referral(by="police")
    assert client_for("police", "north").get(reverse("referrals:edit", args=[referral.pk])).status_code == 403


def test_the_other_area_cannot_see_a_referral(client_for, make_referral):
    referral = make_referral()
    assert (
        client_for("casemanager", "south").get(reverse("referrals:detail", args=[referral.pk])).status_code
        == 404
    )
    assert (
        client_for("supervisor", "south").get(reverse("referrals:screen", args=[referral.pk])).status_code
        == 404
    )


@pytest.mark.parametrize("login", ["casemanager", "supervisor", "police"])
def test_victim_details_never_reach_the_perpetrator_side(client_for, make_referral, login):
    referral = make_referral(by="police")
    page = client_for(login, "north").get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Leah Marsh" in page or login == "police"
    for value in RESTRICTED:
        assert value not in page, f"victim-restricted {value!r} leaked to {login}"


def test_victim_details_are_not_shown_back_when_continuing_a_draft(client_for, make_referral):
    draft = make_referral(by="police", submit=False)
    page = client_for("police", "north").get(reverse("referrals:edit", args=[draft.pk])).content.decode()
    for value in RESTRICTED:
        assert value not in page


def test_victim_details_stay_out_of_the_audit_trail(make_referral):
    make_referral()
    text = " ".join(AuditEvent.objects.values_list("purpose", flat=True))
    for value in RESTRICTED:
        assert value not in text


def test_only_the_areas_idva_team_may_read_the_restricted_details(world, make_referral):
    from referrals import selectors

    referral = make_referral()
    # Nobody holds them until allocation passes the named victims to the area's IDVA team.
    assert selectors.victim_details_for(user=world.user("idva", "north"), referral=referral) == {}
    referral.named_victims.update(pick_up_status="awaiting", idva_team=world.team("idva", "north"))
    assert selectors.victim_details_for(user=world.user("idva", "north"), referral=referral)
    assert selectors.victim_details_for(user=world.user("idvamanager", "north"), referral=referral)
    for login, area in [
        ("idva", "south"),
        ("casemanager", "north"),
        ("supervisor", "north"),
        ("police", "north"),
    ]:
        assert selectors.victim_details_for(user=world.user(login, area), referral=referral) == {}


def test_case_managers_see_name_relationship_and_children_count_only(client_for, make_referral):
    referral = make_referral()
    page = (
        client_for("casemanager", "north")
        .get(reverse("referrals:detail", args=[referral.pk]))
        .content.decode()
    )
    assert "Leah Marsh" in page and "Partner" in page
    assert ReferralVictim.objects.get().children_count == 1


def test_viewing_a_referral_is_audited(client_for, make_referral, world):
    referral = make_referral()
    client_for("casemanager", "north").get(reverse("referrals:detail", args=[referral.pk]))
    assert AuditEvent.objects.filter(
        user=world.user("casemanager", "north"), action="view", object_id=str(referral.pk)
    ).exists()


def test_a_duplicate_within_the_window_is_flagged(make_referral, client_for):
    first = make_referral(pnc_number="2009/0456123X")
    second = make_referral(by="police", first_name="Danny", last_name="Whitfeld", pnc_number="2009/0456123x")
    assert second.possible_duplicate_of == first
    page = (
        client_for("casemanager", "north").get(reverse("referrals:detail", args=[second.pk])).content.decode()
    )
    assert "Possible duplicate" in page and first.reference in page


def test_a_referral_outside_the_window_is_not_a_duplicate(make_referral):
    import datetime

    from django.utils import timezone

    make_referral(received_on=timezone.localdate() - datetime.timedelta(days=60))
    second = make_referral(by="police")
    assert second.possible_duplicate_of is None
