"""List filters with htmx: the caseload updates in place, the address keeps the filter, the
plain form still works without JavaScript, and htmx breaks no rule of the Content-Security-Policy."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.test import Client

from casework import services
from casework.models import Case
from tests.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def caseload(world):
    supervisor = world.user("supervisor", "north")
    manager = world.user("casemanager", "north")
    cases = {}
    for first, last, risk in [("Harold", "Highbury", "high"), ("Stanley", "Standish", "standard")]:
        person = services.perpetrator_create(
            actor=supervisor, area=world.areas["north"], first_name=first, last_name=last
        )
        case = services.case_open(
            actor=supervisor,
            perpetrator=person,
            team=world.team("case_management", "north"),
            case_manager=manager,
            supervisor=supervisor,
        )
        Case.objects.filter(pk=case.pk).update(risk_level=risk)
        cases[risk] = case
    return manager


def _context(chromium, live_server, user, **options):
    """A browser context signed in as `user` through a session cookie (no page run before)."""
    client = sign_in(Client(), user)
    context = chromium.new_context(**options)
    context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context


def test_filtering_the_caseload_updates_the_table_without_loading_a_new_page(ui, caseload):
    ui.sign_in(caseload)
    page = ui.goto("/cases/")
    table = page.locator("#filtered-list table")
    assert "HIGHBURY, Harold" in table.inner_text() and "STANDISH, Stanley" in table.inner_text()
    page.evaluate("window.tlSamePage = true")  # gone if the browser loads a new document

    page.get_by_label("High", exact=True).check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/cases/?*risk=high*")
    page.locator("#filtered-list caption", has_text="filtered").wait_for()

    assert page.evaluate("window.tlSamePage") is True
    assert "HIGHBURY, Harold" in table.inner_text()
    assert "STANDISH, Stanley" not in table.inner_text()
    # The form shows what was applied, and screen readers are told what the list now shows.
    assert page.get_by_label("High", exact=True).is_checked()
    assert page.get_by_role("link", name="Clear filters").is_visible()
    assert "filtered" in page.locator("#tl-status").inner_text()
    ui.axe()

    # The address is the filtered page itself: loading it again shows the same list.
    page.reload()
    assert "STANDISH, Stanley" not in page.locator("#filtered-list table").inner_text()
    ui.axe()


def test_without_javascript_the_filter_form_loads_the_filtered_page(_chromium, live_server, caseload):
    context = _context(_chromium, live_server, caseload, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/cases/")
        page.get_by_label("High", exact=True).check()
        with page.expect_navigation():
            page.get_by_role("button", name="Apply filters").click()
        assert "risk=high" in page.url
        table = page.locator("#filtered-list table").inner_text()
        assert "HIGHBURY, Harold" in table and "STANDISH, Stanley" not in table
    finally:
        context.close()


def test_htmx_breaks_no_rule_of_the_content_security_policy(_chromium, live_server, caseload):
    # The `ui` fixture bypasses the CSP (to run axe-core); this browser enforces it.
    context = _context(_chromium, live_server, caseload)
    refused = []
    try:
        page = context.new_page()
        page.on(
            "console",
            lambda message: refused.append(message.text) if "Content Security" in message.text else None,
        )
        page.goto(live_server.url + "/cases/")
        page.wait_for_function("typeof window.htmx !== 'undefined'")
        page.get_by_label("High", exact=True).check()
        page.get_by_role("button", name="Apply filters").click()
        page.wait_for_url("**risk=high*")
        page.locator("#filtered-list caption", has_text="filtered").wait_for()
        assert page.evaluate("htmx.config.includeIndicatorStyles") is False
        assert page.evaluate("htmx.config.historyCacheSize") == 0
    finally:
        context.close()
    assert refused == []


def test_a_filter_request_answered_with_the_sign_in_page_loads_that_page(_chromium, live_server, caseload):
    context = _context(_chromium, live_server, caseload)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/cases/")
        page.wait_for_function("typeof window.htmx !== 'undefined'")
        context.clear_cookies()  # signed out in another tab, say
        page.get_by_label("High", exact=True).check()
        with page.expect_navigation(url="**/sign-in/**"):
            page.get_by_role("button", name="Apply filters").click()
        assert page.get_by_role("heading", name="Sign in").is_visible()
    finally:
        context.close()
