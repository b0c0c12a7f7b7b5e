"""Browser journey: a supervisor filters the outcome report and downloads the commissioner's PDF."""

from __future__ import annotations

import pytest

from accounts.models import AuditEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supervisor_filters_the_outcome_report_and_downloads_the_pdf(ui, world, dataset):
    supervisor = world.user("supervisor", "north")
    ui.sign_in(supervisor)
    page = ui.goto("/reports/")
    page.get_by_role("link", name="Outcome report").first.click()
    page.wait_for_load_state()
    ui.axe()
    assert page.get_by_role("heading", level=1).inner_text() == "Outcome report"
    # The chart and its data table are both there, and the table is what screen readers get.
    assert page.locator("#behaviour_change-heading").is_visible()
    assert page.locator("svg.tl-chart").first.get_attribute("aria-hidden") == "true"

    page.get_by_label("Period").select_option("12m")
    page.get_by_label("Team").select_option(str(world.team("case_management", "north").pk))
    page.get_by_label("Intervention type").select_option("intensive")
    ui.submit("Apply filters")
    assert "intervention_type=intensive" in page.url
    summary = page.locator(".govuk-inset-text").inner_text()
    assert "Northshire perpetrator case management; Intensive case management" in summary
    physical = page.locator("#behaviour_change-heading ~ div table tbody tr").first.inner_text()
    assert physical.startswith("Physical abuse")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the commissioner's report (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == "tideline-commissioner-12m.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    event = AuditEvent.objects.get(action=AuditEvent.Action.PRINT, object_type="reports.commissioner")
    assert event.user == supervisor
    assert "Intensive case management" in event.purpose
