"""Minutes, actions and every agency's research refuse a victim's location or contact details
(accounts.safe_text), on every kind of panel: pages show the GOV.UK error naming what was found and
change nothing; the API answers 400. Research written before the guard is shown masked."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.safe_text import ADDRESS, CONTACT_DETAILS_MESSAGE, SCHOOL, contact_details_message
from panels import services
from panels.models import Action, AgendaItem, Research
from tests.panels.conftest import at

pytestmark = pytest.mark.django_db

LEAKS = [
    "She is now at 12 Rose Street, LS6 2AB",
    "Ring her on 07700 900123",
    "Email her: zq@example.com",
    "She is staying at 14 Acacia Avenue",
    "Her son attends St Mary's Primary School",
    "She has moved into a refuge",
]
MESSAGE_START = escape(CONTACT_DETAILS_MESSAGE)


@pytest.mark.parametrize("leak", LEAKS)
def test_minutes_refuse_contact_details(client_for, published, leak):
    item = published.case_item
    url = reverse("panels:minutes_edit", args=[item.pk])
    for field in ("discussion_summary", "decisions"):
        data = {
            "version": item.version,
            "discussion_summary": "Discussed.",
            "agreed_risk_level": "high",
            "decisions": "",
            field: leak,
        }
        response = client_for("coordinator", "north").post(url, data)
        assert response.status_code == 200
        assert MESSAGE_START in response.content.decode()
    assert AgendaItem.objects.get(pk=item.pk).discussion_summary == ""
    with pytest.raises(ValidationError):
        services.minutes_record(
            item=item,
            discussion_summary=leak,
            agreed_risk_level="high",
            decisions="",
            expected_version=item.version,
            actor=published.user("coordinator"),
        )


def test_minutes_keep_dates_times_and_references(published):
    item = published.case_item
    services.minutes_record(
        item=item,
        discussion_summary="Seen 12/03/2026 at 09:30; police ref NP/2026/001234; S47 enquiry open.",
        agreed_risk_level="high",
        decisions="Review at 10:15 next meeting.",
        expected_version=item.version,
        actor=published.user("coordinator"),
    )


def test_actions_refuse_contact_details(client_for, published):
    url = reverse("panels:action_add", args=[published.case_item.pk])
    response = client_for("coordinator", "north").post(
        url,
        {
            "organisation": published.org("police").pk,
            "owner": "",
            "description": "Visit her at LS6 2AB",
            "due_on_day": "1",
            "due_on_month": "1",
            "due_on_year": str(timezone.localdate().year + 1),
        },
    )
    assert response.status_code == 200 and MESSAGE_START in response.content.decode()
    assert not Action.objects.exists()
    action = services.action_add(
        item=published.case_item,
        organisation=published.org("police"),
        description="Warning marker on the perpetrator's address",
        due_on=timezone.localdate(),
        actor=published.user("coordinator"),
    )
    response = client_for("police", "north").post(
        reverse("panels:action_update", args=[action.pk]),
        {"version": action.version, "status": "not_possible", "update_note": "She moved: call 0113 496 0000"},
    )
    assert response.status_code == 200 and MESSAGE_START in response.content.decode()
    assert Action.objects.get(pk=action.pk).status == Action.Status.OPEN


def test_the_api_refuses_contact_details_in_action_updates(published):
    from rest_framework.test import APIClient

    from tests.conftest import sign_in

    action = services.action_add(
        item=published.case_item,
        organisation=published.org("police"),
        description="Check bail conditions",
        due_on=timezone.localdate(),
        actor=published.user("coordinator"),
    )
    client = sign_in(APIClient(), published.user("police"))
    url = f"/api/panels/actions/{action.pk}/"
    response = client.patch(
        url,
        {"version": action.version, "status": "not_possible", "update_note": "New address NE1 4XY"},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "update_note" in response.json()
    assert Action.objects.get(pk=action.pk).status == Action.Status.OPEN
    response = client.patch(
        url,
        {"version": action.version, "status": "not_possible", "update_note": "He moved away"},
        format="json",
    )
    assert response.status_code == 200, response.content


def test_research_on_a_perpetrator_panel_refuses_contact_details(client_for, pw):
    coordinator = pw.user("coordinator")
    meeting = services.meeting_schedule(panel=pw.matac, scheduled_for=at(9), actor=coordinator)
    item = services.agenda_item_add(meeting=meeting, case=pw.case, reason="nomination", actor=coordinator)
    services.agenda_publish(meeting=meeting, actor=coordinator)
    response = client_for("police", "north").post(
        reverse("panels:research_edit", args=[item.pk]),
        {"version": 0, "holds_information": "yes", "summary": "Victim now lives at 3 Elm Road, NE1 4XY"},
    )
    assert response.status_code == 200 and MESSAGE_START in response.content.decode()
    assert not Research.objects.exists()


RESEARCH_LEAK = "Victim moved to 14 Acacia Avenue; the children attend St Mary's Primary School."


def test_marac_research_is_checked_without_a_perpetrator_service_too(client_for, published):
    """Every agency's research is read by the coordinator and chair and printed in the full pack."""
    response = client_for("police", "north").post(
        reverse("panels:research_edit", args=[published.victim_item.pk]),
        {"version": 0, "holds_information": "yes", "summary": RESEARCH_LEAK},
    )
    assert response.status_code == 200
    assert escape(contact_details_message([ADDRESS, SCHOOL])) in response.content.decode()
    assert not Research.objects.exists()
    # The IDVA service's research on its own victim's item is refused the same way.
    with pytest.raises(ValidationError) as error:
        services.research_submit(
            item=published.victim_item,
            organisation=published.org("idva"),
            holds_information=True,
            summary=RESEARCH_LEAK,
            actor=published.user("idva"),
        )
    assert error.value.message_dict == {"summary": [contact_details_message([ADDRESS, SCHOOL])]}
    assert not Research.objects.exists()
    services.research_submit(
        item=published.victim_item,
        organisation=published.org("idva"),
        holds_information=True,
        summary="Engaging with the IDVA; DASH score 16 on 02/03/2026; two call-outs in 12 weeks.",
        actor=published.user("idva"),
    )


def test_research_written_before_the_guard_is_shown_masked(client_for, published):
    Research.objects.create(
        agenda_item=published.victim_item,
        organisation=published.org("idva"),
        holds_information=True,
        summary=f"{RESEARCH_LEAK} Engaging well.",
        submitted_by=published.user("idva"),
    )
    body = (
        client_for("coordinator", "north")
        .get(reverse("panels:item_detail", args=[published.victim_item.pk]))
        .content.decode()
    )
    assert "Engaging well." in body, "the coordinator sees the research"
    assert "Acacia" not in body and "St Mary" not in body
    assert "[address removed]" in body and "[school removed]" in body
