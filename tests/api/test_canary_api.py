"""The canary test over every API endpoint (DESIGN.md §3).

A marker sits in every victim-restricted field: the victim's addresses, phones, email, safe
contact method and times, housing notes, safety plan and notes, the children's school and
address, and the restricted details of a named victim on a referral; and in a street address and
a school inside a note the IDVA shared before the text guard knew them (seeded directly, as such
a note would have been written). Every list and detail endpoint is called as every persona outside
the victim's IDVA team, by token and by session: the marker must never appear. The IDVA team sees
it (so the test can fail). A new note carrying such details cannot be shared at all.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.demo import AREAS, PEOPLE
from accounts.safe_text import ADDRESS, SCHOOL, contact_details_message
from referrals.services import NamedVictimEntry, referral_save
from tests.api.conftest import CANARY
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

IDVA_TEAM_NORTH = {("idva", "north"), ("idvamanager", "north")}
OUTSIDERS = [(login, area) for area in AREAS for login in PEOPLE if (login, area) not in IDVA_TEAM_NORTH]

LISTS = [
    "api-referral-list",
    "api-case-list",
    "api-order-list",
    "api-custody-list",
    "api-disruption-action-list",
    "api-victim-list",
    "api-meeting-list",
    "api-agenda-item-list",
    "api-panel-action-list",
]


@pytest.fixture
def canary_referral(world, api_data):
    """A submitted referral naming a victim whose restricted details carry the canary."""
    return referral_save(
        actor=world.user("police", "north"),
        team=world.team("case_management", "north"),
        fields={
            "pathway": "police",
            "referrer_name": "DS Kim Okafor",
            "referrer_organisation": "Northshire Police",
            "referrer_email": "k.okafor@police.example",
            "first_name": "Dale",
            "last_name": "Harrow",
            "concerns": "Repeat call-outs.",
            "stated_risk_level": "high",
            "legal_basis": "public_task",
            "consent": "given",
        },
        victims=[
            NamedVictimEntry(
                safe={"first_name": "Vera", "relationship": "ex_partner", "children_count": 1},
                restricted={
                    "address": f"{CANARY} street",
                    "postcode": CANARY,
                    "phone": f"07700 {CANARY}",
                    "email": f"{CANARY}@example.test",
                    "safe_contact": f"{CANARY} after 6pm",
                    "children_details": f"{CANARY} aged 4",
                },
            )
        ],
        submit=True,
    )


# A note shared before the guard knew street addresses and schools. `Zqxcanary` is the canary,
# capitalised as a street or school name is typed.
LEGACY_NOTE = "Moved to 14 Zqxcanary Avenue; her son attends Zqxcanary Primary School. Please raise contact."


@pytest.fixture
def legacy_shared_note(world, api_data):
    from victims.models import SharedNote

    return SharedNote.objects.create(
        victim=api_data.victim, link=api_data.link, text=LEGACY_NOTE, shared_by=world.user("idva", "north")
    )


def every_url(api_data, referral) -> list[str]:
    urls = [reverse(name) for name in LISTS]
    details = {
        "api-referral-detail": referral.pk,
        "api-case-detail": api_data.case.pk,
        "api-order-detail": api_data.order.pk,
        "api-custody-detail": api_data.custody.pk,
        "api-disruption-action-detail": api_data.disruption.pk,
        "api-victim-detail": api_data.victim.pk,
        "api-meeting-detail": api_data.meeting.pk,
        "api-agenda-item-detail": api_data.victim_item.pk,
        "api-panel-action-detail": api_data.police_action.pk,
        "api-case-victims": api_data.case.pk,
    }
    urls += [reverse(name, kwargs={"pk": pk}) for name, pk in details.items()]
    urls.append(reverse("api-agenda-item-detail", kwargs={"pk": api_data.case_item.pk}))
    return urls


def clients_for(world, token_client, login, area):
    from rest_framework.test import APIClient

    return {
        "token": token_client(login, area),
        "session": sign_in(APIClient(), world.user(login, area)),
    }


def test_every_endpoint_is_covered(api_data, canary_referral):
    from config.api_urls import urlpatterns

    covered = set(LISTS) | {
        "api-referral-detail",
        "api-case-detail",
        "api-order-detail",
        "api-custody-detail",
        "api-disruption-action-detail",
        "api-victim-detail",
        "api-meeting-detail",
        "api-agenda-item-detail",
        "api-panel-action-detail",
        "api-case-victims",
    }
    readable = {p.name for p in urlpatterns} - {
        "api-schema",
        "api-docs",
        "api-incident-push",
        "api-incident-batch",
    }
    assert readable == covered


@pytest.mark.parametrize("login,area", OUTSIDERS, ids=[f"{login}.{area}" for login, area in OUTSIDERS])
def test_restricted_victim_data_never_reaches_anyone_outside_the_idva_team(
    world, api_data, canary_referral, legacy_shared_note, token_client, login, area
):
    urls = every_url(api_data, canary_referral)
    for kind, client in clients_for(world, token_client, login, area).items():
        for url in urls:
            response = client.get(url)
            assert response.status_code in (200, 403, 404), (
                f"{kind} {login}.{area} {url}: {response.status_code}"
            )
            assert CANARY not in response.content.decode().lower(), (
                f"victim-restricted data leaked to {login}.{area} ({kind}) at {url}"
            )


@pytest.mark.parametrize("login", ["idva", "idvamanager"])
def test_the_idva_team_does_see_the_restricted_data(world, api_data, canary_referral, token_client, login):
    for kind, client in clients_for(world, token_client, login, "north").items():
        body = (
            client.get(reverse("api-victim-detail", kwargs={"pk": api_data.victim.pk}))
            .content.decode()
            .lower()
        )
        # address, contacts, safe contact, safety plan and notes, children's school and address
        assert body.count(CANARY) >= 12, f"{kind}: the canary test cannot fail if the IDVA sees nothing"


def test_the_safe_view_still_shows_the_rest_of_an_old_note_to_the_case_manager(
    world, api_data, legacy_shared_note, token_client
):
    """So the sweep above can fail: the case manager does get the note, with the details masked."""
    response = token_client("casemanager", "north").get(
        reverse("api-case-victims", kwargs={"pk": api_data.case.pk})
    )
    (note,) = response.json()[0]["shared_notes"]
    assert (
        note["text"] == "Moved to [address removed]; her son attends [school removed]. Please raise contact."
    )


def test_a_note_carrying_a_street_address_or_school_cannot_be_shared(world, api_data):
    from victims.models import SharedNote
    from victims.services import shared_note_add

    with pytest.raises(ValidationError) as error:
        shared_note_add(
            actor=world.user("idva", "north"), victim=api_data.victim, link=api_data.link, text=LEGACY_NOTE
        )
    assert error.value.message_dict == {"text": [contact_details_message([ADDRESS, SCHOOL])]}
    assert not SharedNote.objects.exists()
