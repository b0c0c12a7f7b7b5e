import pytest

from accounts.demo import seed_people
from casework import flags, jobs
from casework.models import CustodyRecord, FlagRecipient
from tests.casework.flags.support import TODAY, days, make_case, make_victim

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_case_manager_acknowledges_a_release_flag(ui):
    world = seed_people()
    case = make_case(world)
    make_victim(world, case)
    CustodyRecord.objects.create(
        case=case,
        perpetrator=case.perpetrator,
        sentence_date=days(-400),
        expected_release_on=days(7),
        created_by=case.case_manager,
    )
    jobs.scan_release(today=TODAY)
    flags.rule_run("release_victims", today=TODAY)
    manager = world.user("casemanager", "north")

    ui.sign_in(manager)
    ui.goto("/cases/flags/")
    page = ui.page
    assert page.get_by_role("heading", level=1).inner_text() == "Risk flags"
    main = page.locator("main").inner_text()
    assert "Alana" not in main and "ZZ9" not in main
    with page.expect_navigation():
        page.get_by_role("link", name="due for release from custody in 7 days").click()
    ui.axe()
    assert "Confirm with the IDVA of each linked victim" in page.locator("main").inner_text()

    ui.submit("Acknowledge flag")
    assert "Enter what you have done about this flag" in page.locator(".govuk-error-summary").inner_text()

    page.get_by_label("What have you done about it?").fill(
        "IDVA confirms the victim has been told; licence conditions checked."
    )
    ui.submit("Acknowledge flag")
    assert "Flag acknowledged" in page.locator("main").inner_text()
    assert "No risk flags match." in page.locator("main").inner_text()
    assert FlagRecipient.objects.get(user=manager, flag__kind="release").acknowledged_at is not None
