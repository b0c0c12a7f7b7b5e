"""A case manager's day in the browser: caseload, open a case, log a session, add a disruption action."""

import pytest

from casework import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_case_managers_day(ui, world):
    supervisor = world.user("supervisor", "north")
    manager = world.user("casemanager", "north")
    perpetrator = services.perpetrator_create(
        actor=supervisor, area=world.areas["north"], first_name="Darren", last_name="Holloway"
    )
    case = services.case_open(
        actor=supervisor,
        perpetrator=perpetrator,
        team=world.team("case_management", "north"),
        case_manager=manager,
        supervisor=supervisor,
    )
    ui.sign_in(manager)
    page = ui.goto("/cases/")
    page.get_by_role("link", name="HOLLOWAY, Darren").click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    ui.axe()
    assert page.get_by_role("heading", name="Darren Holloway").is_visible()

    # Log a session where he did not attend; the form first refuses a missing answer.
    ui.goto(f"/cases/{case.pk}/sessions/add/")
    ui.submit("Save")
    assert page.locator(".govuk-error-summary").is_visible()
    page.get_by_label("Phone call").check()
    page.get_by_label("Day").fill("2")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Did not attend").check()
    page.get_by_label("Notes").fill("No answer; left a voicemail.")
    ui.submit("Save")
    assert "Session recorded" in page.content()
    assert "No answer; left a voicemail." in page.content()

    # Add a disruption action with the police.
    ui.goto(f"/cases/{case.pk}/plans/")
    page.get_by_role("link", name="Add a disruption action").click()
    page.wait_for_url("**/plans/actions/add/")
    ui.axe()
    page.get_by_label("Lever").select_option("dvds_disclosure")
    page.get_by_label("Agency responsible").select_option(label="Northshire Police")
    page.get_by_label("What will be done").fill("Right to Know disclosure to his new partner.")
    page.get_by_label("Planned").check()
    ui.submit("Save")
    assert "Right to Know disclosure to his new partner." in page.content()

    # Change the risk level with a reason.
    ui.goto(f"/cases/{case.pk}/risk/")
    page.get_by_label("High", exact=True).check()
    page.get_by_label("Reason for the change").fill("Missed sessions and a new relationship.")
    ui.submit("Change risk level")
    assert "Risk level changed" in page.content()
