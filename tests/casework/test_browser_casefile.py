"""A case manager's day in the browser: caseload, open a case, log a session, add a disruption
action, record an order, change the risk level."""

import datetime

import pytest
from django.utils import timezone

from casework import services
from victims.services import victim_create

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
    # An IDVA holds the linked victim's record; the case side only ever sees her safe label.
    victim_create(
        actor=world.user("idva", "north"),
        team=world.team("idva", "north"),
        first_name="Rosalind",
        last_name="Quarrington",
        perpetrator=perpetrator,
        relationship="ex_partner",
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

    # Record a non-molestation order protecting his ex-partner, from the Orders tab.
    today = timezone.localdate()
    made_on = today - datetime.timedelta(days=10)
    served_on = today - datetime.timedelta(days=8)
    expires_on = today + datetime.timedelta(days=180)
    page.get_by_role("navigation", name="Case sections").get_by_role("link", name="Orders").click()
    page.wait_for_url(f"**/cases/{case.pk}/orders/")
    ui.axe()
    assert "No orders are in force." in page.content()
    page.get_by_role("link", name="Record an order").click()
    page.wait_for_url(f"**/cases/{case.pk}/orders/add/")
    ui.axe()
    # The form refuses an order without a type or date made.
    ui.submit("Save")
    assert page.locator(".govuk-error-summary").is_visible()
    page.get_by_label("Type of order").select_option("non_molestation")
    page.get_by_label("Court or issuing force").fill("Northtown Family Court")
    for legend, date in (
        ("Date made or issued", made_on),
        ("Date served", served_on),
        ("Expiry date", expires_on),
    ):
        group = page.get_by_role("group", name=legend)
        group.get_by_label("Day").fill(str(date.day))
        group.get_by_label("Month").fill(str(date.month))
        group.get_by_label("Year").fill(str(date.year))
    page.get_by_label("No contact").check()
    page.get_by_label("Details of the conditions").fill("No contact direct or indirect with the applicant.")
    page.get_by_label("Ex-partner, victim 1").check()
    ui.submit("Save")
    page.wait_for_url(f"**/cases/{case.pk}/orders/")
    assert "Non-molestation order recorded" in page.content()
    in_force = page.locator("table", has=page.get_by_text("In force", exact=True))
    row = in_force.get_by_role("row", name="Non-molestation order")
    assert row.get_by_role("link", name="Non-molestation order").is_visible()
    assert made_on.strftime("%-d %b %Y") in row.inner_text()
    assert served_on.strftime("%-d %b %Y") in row.inner_text()
    assert expires_on.strftime("%-d %b %Y") in row.inner_text()
    assert "Ex-partner, victim 1" in row.inner_text()
    assert "Rosalind" not in page.content() and "Quarrington" not in page.content()

    # Change the risk level with a reason.
    ui.goto(f"/cases/{case.pk}/risk/")
    page.get_by_label("High", exact=True).check()
    page.get_by_label("Reason for the change").fill("Missed sessions and a new relationship.")
    ui.submit("Change risk level")
    assert "Risk level changed" in page.content()
