"""A supervisor restricts a case in the browser, then removes the restriction (axe-core on every page)."""

import pytest

from casework import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supervisor_restricts_a_case_and_removes_the_restriction(ui, world):
    supervisor = world.user("supervisor", "north")
    person = services.perpetrator_create(
        actor=supervisor, area=world.areas["north"], first_name="Rory", last_name="Partneragency"
    )
    case = services.case_open(
        actor=supervisor,
        perpetrator=person,
        team=world.team("case_management", "north"),
        case_manager=world.user("casemanager", "north"),
        supervisor=supervisor,
    )
    ui.sign_in(supervisor)
    page = ui.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name="Restrict access to the case").click()
    page.wait_for_url(f"**/cases/{case.pk}/restriction/")
    ui.axe()
    assert "Casey Manager" in page.content()  # who will still open it is listed first

    ui.submit("Restrict access")  # no reason: refused, nothing changes
    assert page.locator(".govuk-error-summary").is_visible()
    page.get_by_label("Why?").fill("He works for Northshire Police.")
    ui.submit("Restrict access")
    page.wait_for_url(f"**/cases/{case.pk}/")
    assert "Access to this case is restricted" in page.content()
    access = page.get_by_role("term").filter(has_text="Access").locator("xpath=..")
    assert "Restricted" in access.inner_text() and "He works for Northshire Police." in access.inner_text()

    page.get_by_role("link", name="Remove restriction access to the case").click()
    page.wait_for_url(f"**/cases/{case.pk}/restriction/")
    ui.axe()
    page.get_by_label("Why?").fill("He has left the police.")
    ui.submit("Remove the restriction")
    assert "open to its team again" in page.content()
    case.refresh_from_db()
    assert not case.restricted
