"""Every record id a panel form accepts is one the panel's coordinator may use (`accounts.choices`).

Another area's case or victim, an agency that does not sit on the panel, a person who is not
one of its named representatives, or a meeting of another panel gets the same "Select a valid
option" error as an id that does not exist, and nothing is added.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.choices import INVALID_CHOICE
from casework import services as casework_services
from panels import services
from panels.models import Action, AgendaItem, PartnerNomination
from tests.panels.test_partner_nominations import nominate
from victims import services as victim_services

pytestmark = pytest.mark.django_db

NO_SUCH_ID = 987654


@pytest.fixture
def south(world):
    """A south case and a south victim: outside the north panels' area."""
    actor = world.user("supervisor", "south")
    person = casework_services.perpetrator_create(
        actor=actor, area=world.areas["south"], first_name="Sol", last_name="Southern"
    )
    case = casework_services.case_open(
        actor=actor, perpetrator=person, team=world.team("case_management", "south"), case_manager=None
    )
    victim = victim_services.victim_create(
        actor=world.user("idva", "south"),
        team=world.team("idva", "south"),
        first_name="Sue",
        last_name="Vale",
    )
    return case, victim


def _form_errors(response, field: str) -> list[str]:
    assert response.status_code == 200, f"expected the form again, got {response.status_code}"
    return response.context["form"].errors.get(field)


@pytest.mark.parametrize("subject", ["south case", "south victim", "no such case", "no such victim"])
def test_an_agenda_item_refuses_a_case_or_victim_outside_the_panels_area(client_for, pw, south, subject):
    case, victim = south
    value = {
        "south case": f"case:{case.pk}",
        "south victim": f"victim:{victim.pk}",
        "no such case": f"case:{NO_SUCH_ID}",
        "no such victim": f"victim:{NO_SUCH_ID}",
    }[subject]
    response = client_for("coordinator", "north").post(
        reverse("panels:item_add", args=[pw.meeting.pk]),
        {"subject": value, "reason": "new", "risk_level": "high", "slot_minutes": "15"},
    )
    assert _form_errors(response, "subject")
    assert AgendaItem.objects.filter(meeting=pw.meeting).count() == 2


@pytest.mark.parametrize(
    "field,value",
    [
        ("organisation", "socialcare"),  # an agency of the area that does not sit on the panel
        ("organisation", "police.south"),
        ("owner", "socialcare"),  # a person who is not a named representative on the panel
        ("owner", "police.south"),
    ],
)
def test_an_action_refuses_an_agency_or_owner_not_on_the_panel(client_for, pw, world, field, value):
    key, _, area = value.partition(".")
    chosen = (
        world.team(key, area or "north").organisation.pk
        if field == "organisation"
        else world.user(key, area or "north").pk
    )
    data = {
        "organisation": pw.org("police").pk,
        "description": "Flag the address on police systems",
        "due_on_day": (timezone.localdate() + timedelta(days=7)).day,
        "due_on_month": (timezone.localdate() + timedelta(days=7)).month,
        "due_on_year": (timezone.localdate() + timedelta(days=7)).year,
        field: chosen,
    }
    response = client_for("coordinator", "north").post(
        reverse("panels:action_add", args=[pw.victim_item.pk]), data
    )
    assert _form_errors(response, field) == [INVALID_CHOICE]
    assert not Action.objects.exists()


def test_an_action_still_takes_a_member_agency_and_its_named_representative(client_for, pw):
    day = timezone.localdate() + timedelta(days=7)
    data = {
        "organisation": pw.org("police").pk,
        "owner": pw.user("police").pk,
        "description": "Flag the address on police systems",
        "due_on_day": day.day,
        "due_on_month": day.month,
        "due_on_year": day.year,
    }
    response = client_for("coordinator", "north").post(
        reverse("panels:action_add", args=[pw.victim_item.pk]), data
    )
    assert response.status_code == 302
    assert Action.objects.get().owner == pw.user("police")


def test_accepting_a_partner_nomination_refuses_a_meeting_of_another_panel(client_for, pw):
    nomination = nominate(pw)
    response = client_for("coordinator", "north").post(
        reverse("panels:partner_decide", args=[nomination.pk]),
        {"decision": "accept", "case": pw.case.pk, "meeting": pw.meeting.pk},  # pw.meeting is the MARAC's
    )
    assert _form_errors(response, "meeting") == [INVALID_CHOICE]
    nomination.refresh_from_db()
    assert nomination.status == PartnerNomination.Status.PENDING


@pytest.mark.parametrize("which", ["south case", "no such case"])
def test_nominating_refuses_a_case_outside_the_panels_area_with_the_same_message(
    client_for, pw, south, which
):
    meeting = services.meeting_schedule(
        panel=pw.matac, scheduled_for=timezone.now() + timedelta(days=10), actor=pw.user("coordinator")
    )
    case_id = south[0].pk if which == "south case" else NO_SUCH_ID
    coordinator = client_for("coordinator", "north")
    response = coordinator.post(
        reverse("panels:nominate", args=[pw.matac.pk]), {"meeting": meeting.pk, "case": case_id}, follow=True
    )
    assert INVALID_CHOICE in response.content.decode()
    assert not AgendaItem.objects.filter(meeting=meeting).exists()
