"""Text that crosses from the victim's side to the perpetrator's is refused if it could locate or
contact her (accounts.safe_text), and what was written before the guard knew it is masked.

A note an IDVA shares is read by the case manager, a probation officer granted the case and a
police officer who broke glass: `victims.services.shared_note_add` refuses a street address,
school, refuge, phone number... whoever calls it (the page, an import, a job), and the page shows
the refusal on the note. The new-partner notice the case manager writes is kept on the case, so
it refuses them too.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape
from rest_framework.test import APIClient

from accounts.safe_text import (
    ADDRESS,
    COORDINATES,
    EMAIL,
    MAP_LINK,
    PHONE,
    POSTCODE,
    REFUGE,
    SCHOOL,
    WHAT3WORDS,
    contact_details_message,
)
from casework.breakglass import break_glass_open
from casework.grants import CHANGE, case_access_grant
from tests.conftest import sign_in
from victims import services
from victims.models import NewPartnerNotice, SharedNote

pytestmark = pytest.mark.django_db

# What the issue found on the case manager's page, word for word.
LEAK = "She is now staying at flat 3, 22 Mill Lane and the children have started at St Mary's Primary School."
LEAK_MESSAGE = contact_details_message([ADDRESS, SCHOOL])
SAFE = "She reports he has been sending messages through a cousin; please raise this in sessions."

EACH_KIND = [
    ("Staying with her sister at 14 Acacia Avenue.", ADDRESS),
    ("The youngest is at Little Acorns Nursery.", SCHOOL),
    ("She has moved into a refuge out of area.", REFUGE),
    ("Her location: ///filled.count.soap", WHAT3WORDS),
    ("She sent her location 53.8008, -1.5491 to her sister.", COORDINATES),
    ("Pin: https://maps.app.goo.gl/Xyz12AbC", MAP_LINK),
    ("New number 07700 900982.", PHONE),
    ("Moved to LS6 2AB.", POSTCODE),
    ("Write to her at leah.m@example.org.", EMAIL),
]


@pytest.fixture
def link(world, victim, case_north):
    # She agreed to notes going to his case manager (victims.consent): only the guard is tested here.
    services.consent_decision_record(
        actor=world.user("idva", "north"),
        victim=victim,
        purpose="perpetrator_programme",
        receiving_organisation=case_north.team.organisation,
        consent="given",
        legal_basis="consent",
    )
    return victim.links.get()


def _share(client, victim, link, text):
    return client.post(
        reverse("victims:shared_note_new", args=[victim.pk]), {"link": link.pk, "text": text, "confirm": "on"}
    )


def test_the_service_refuses_a_shared_note_that_could_locate_the_victim(world, victim, link):
    with pytest.raises(ValidationError) as error:
        services.shared_note_add(actor=world.user("idva", "north"), victim=victim, link=link, text=LEAK)
    assert error.value.message_dict == {"text": [LEAK_MESSAGE]}
    assert "a street address and a school or nursery name" in LEAK_MESSAGE
    assert not SharedNote.objects.exists()


@pytest.mark.parametrize("text,kind", EACH_KIND, ids=[kind.name for _, kind in EACH_KIND])
def test_each_kind_of_detail_is_refused_and_named(world, victim, link, text, kind):
    with pytest.raises(ValidationError) as error:
        services.shared_note_add(actor=world.user("idva", "north"), victim=victim, link=link, text=text)
    assert error.value.message_dict == {"text": [contact_details_message([kind])]}
    assert not SharedNote.objects.exists()


def test_the_page_shows_the_refusal_on_the_note_and_shares_nothing(client_for, victim, link):
    response = _share(client_for("idva", "north"), victim, link, LEAK)
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert escape(LEAK_MESSAGE) in body
    assert 'href="#id_text"' in body or 'href="#text"' in body, "the error links to the note field"
    assert not SharedNote.objects.exists()


def test_a_note_without_location_or_contact_details_is_shared(client_for, victim, link, case_north):
    assert _share(client_for("idva", "north"), victim, link, SAFE).status_code == 302
    assert SharedNote.objects.get().text == SAFE
    page = client_for("casemanager", "north").get(
        reverse("victims:case_linked_victims", args=[case_north.pk])
    )
    assert escape(SAFE) in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_real_page_post_is_refused_on_a_live_server(live, world, victim, link):
    http = live.signed_in(world.user("idva", "north"))
    url = reverse("victims:shared_note_new", args=[victim.pk])
    response = http.form_post(url, {"link": link.pk, "text": LEAK, "confirm": "on"})
    assert response.status_code == 200
    assert escape(LEAK_MESSAGE) in response.text
    assert not SharedNote.objects.exists()
    response = http.form_post(url, {"link": link.pk, "text": SAFE, "confirm": "on"})
    assert response.status_code == 302 and SharedNote.objects.get().text == SAFE


# --- Notes written before the guard knew a kind of detail -----------------------------------------


@pytest.fixture
def legacy_note(world, victim, link):
    """Seeded directly, as a note written before this guard existed would be."""
    return SharedNote.objects.create(
        victim=victim,
        link=link,
        text=f"{LEAK} Her pin is ///filled.count.soap and she is in a refuge. {SAFE}",
        shared_by=world.user("idva", "north"),
    )


@pytest.fixture
def perpetrator_side(world, case_north, client_for):
    """The case manager, a probation officer granted the case, and a police officer who broke glass."""
    case_access_grant(
        case=case_north,
        user=world.user("probation", "north"),
        level=CHANGE,
        reason="Offender manager on licence supervision.",
        actor=world.user("supervisor", "north"),
    )
    break_glass_open(
        reference=case_north.reference,
        reason="Call-out at 02:10 to the perpetrator; need the risk history now.",
        actor=world.user("police", "north"),
    )
    return {login: client_for(login, "north") for login in ("casemanager", "probation", "police")}


@pytest.mark.parametrize("login", ["casemanager", "probation", "police"])
def test_a_legacy_note_is_shown_masked_on_every_perpetrator_side_page(
    legacy_note, perpetrator_side, case_north, login
):
    client = perpetrator_side[login]
    for url in (f"/cases/{case_north.pk}/", reverse("victims:case_linked_victims", args=[case_north.pk])):
        response = client.get(url)
        assert response.status_code == 200, (login, url)
        body = response.content.decode()
        assert escape(SAFE) in body, "the rest of the note is still shown"
        for leaked in ("Mill Lane", "St Mary", "filled.count.soap", "refuge."):
            assert leaked not in body, f"{leaked!r} shown to {login} at {url}"
        assert "[address removed]" in body and "[school removed]" in body


def test_a_legacy_note_is_masked_in_the_api_safe_view(world, legacy_note, case_north):
    client = sign_in(APIClient(), world.user("casemanager", "north"))
    response = client.get(reverse("api-case-victims", kwargs={"pk": case_north.pk}))
    assert response.status_code == 200
    (note,) = response.json()[0]["shared_notes"]
    assert "Mill Lane" not in note["text"] and "St Mary" not in note["text"]
    assert note["text"].startswith("She is now staying at [address removed]")


def test_the_idva_still_sees_her_own_note_as_written(client_for, legacy_note, victim):
    body = client_for("idva", "north").get(reverse("victims:sharing", args=[victim.pk])).content.decode()
    assert "22 Mill Lane" in body


# --- The new-partner notice, written on the perpetrator's side and kept on the case ---------------


def test_a_new_partner_notice_refuses_where_she_lives(world, case_north, client_for):
    with pytest.raises(ValidationError) as error:
        services.new_partner_notice_create(
            actor=world.user("casemanager", "north"),
            case=case_north,
            what_is_known="Called Jade, lives at 14 Acacia Avenue, 07700 900982.",
        )
    assert error.value.message_dict == {"what_is_known": [contact_details_message([ADDRESS, PHONE])]}
    response = client_for("casemanager", "north").post(
        reverse("victims:new_partner", args=[case_north.pk]),
        {"what_is_known": "Called Jade; her son goes to Moortown Primary."},
    )
    assert response.status_code == 200
    assert escape(contact_details_message([SCHOOL])) in response.content.decode()
    assert not NewPartnerNotice.objects.exists()
    response = client_for("casemanager", "north").post(
        reverse("victims:new_partner", args=[case_north.pk]),
        {"what_is_known": "Called Jade, together about six months, one child."},
    )
    assert response.status_code == 302 and NewPartnerNotice.objects.count() == 1
