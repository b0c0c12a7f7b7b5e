"""Browser journey (issue 5): an IDVA records a new victim, links them to the perpetrator of a case,
completes a DASH and a safety plan, and shares a note with the case manager (with no consent on
record: asked for the lawful basis for sharing without consent, records it; a first try naming
her new street is refused, with the reason, on the note; then the note is shared). The case manager then
sees the note and the safe label on the case page, and nothing that names or locates the victim.

axe-core runs on every page visited (tests/browser_support.py).
"""

import pytest

from tests.browser_support import UI
from victims.models import (
    ConsentDecision,
    DashAssessment,
    SafetyPlan,
    SharedNote,
    Victim,
    VictimAddress,
    VictimLink,
)

FIRST_NAME, LAST_NAME = "Rowenna", "Quillfeather"
STREET = "17 Kestrelmoor Lane"
POSTCODE = "KM4 2ZX"
PLAN = "Keep a charged phone hidden; code word with her sister means call 999."
NOTE = "She reports he has been sending messages through a cousin; please raise this in sessions."
RATIONALE = "He checks her phone, so asking would alert him; the case manager needs this to manage the risk."


def _follow(ui: UI, link_name: str):
    ui.page.get_by_role("link", name=link_name, exact=True).first.click()
    ui.page.wait_for_load_state()
    ui.axe()
    return ui.page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_idva_records_a_victim_and_the_case_manager_sees_only_the_safe_view(ui, world, case_north):
    ui.sign_in(world.user("idva", "north"))

    # A new record.
    page = ui.goto("/victims/new/")
    page.get_by_label("First name").fill(FIRST_NAME)
    page.get_by_label("Last name").fill(LAST_NAME)
    ui.submit("Create record")
    victim = Victim.objects.get(first_name=FIRST_NAME, last_name=LAST_NAME)
    assert f"/victims/{victim.pk}/" in page.url
    assert f"Record created for {FIRST_NAME} {LAST_NAME}" in page.content()
    assert victim.idva == world.user("idva", "north")

    # An address, on the contact tab.
    _follow(ui, "Contact details")
    _follow(ui, "Add an address")
    page.get_by_label("Address line 1").fill(STREET)
    page.get_by_label("Town or city").fill("Northby")
    page.get_by_label("Postcode").fill(POSTCODE)
    ui.submit("Save")
    assert "Address added." in page.content()
    assert STREET in page.content() and POSTCODE in page.content()
    assert VictimAddress.objects.filter(victim=victim, line_1=STREET, postcode=POSTCODE).exists()

    # The link to the perpetrator of case_north, found by the case reference.
    _follow(ui, "Overview")
    _follow(ui, "Add a link")
    page.get_by_label("Their case reference").fill(case_north.reference)
    page.get_by_label("Ex-partner").check()
    ui.submit("Save")
    assert "Link added." in page.content()
    link = VictimLink.objects.get(victim=victim)
    assert link.perpetrator_id == case_north.perpetrator_id

    # A DASH: 15 yes answers reach the high band.
    _follow(ui, "DASH risk")
    _follow(ui, "Complete a new DASH")
    yeses = page.locator("input[type=radio][value=yes]")
    noes = page.locator("input[type=radio][value=no]")
    for index in range(yeses.count()):
        (yeses if index < 15 else noes).nth(index).check()
    ui.submit("Save checklist")
    dash = DashAssessment.objects.get(victim=victim)
    assert dash.score == 15 and dash.band == "high"
    assert "DASH recorded: 15 yes answers, high risk." in page.content()
    yes_row = page.locator(".govuk-summary-list__row", has_text="Yes answers")
    assert yes_row.locator("dd").inner_text().strip() == "15"
    band_row = page.locator(".govuk-summary-list__row", has_text="Checklist band")
    assert band_row.locator("dd").inner_text().strip() == "High"

    # A safety plan.
    _follow(ui, "Safety")
    _follow(ui, "Write a safety plan")
    page.get_by_label("Safety plan").fill(PLAN)
    ui.submit("Save")
    assert "Safety plan saved." in page.content() and "code word with her sister" in page.content()
    assert SafetyPlan.objects.filter(victim=victim).exists()

    # A note shared with the case manager. No consent decision is on record, so the IDVA is asked
    # for the lawful basis for sharing without consent, records it, and only then is it shared.
    _follow(ui, "Consent and sharing")
    _follow(ui, "Share a note with the case manager")
    page.get_by_label(f"{case_north.perpetrator} (Ex-partner)").check()
    # Where she now lives is refused, with the reason, on the note itself (axe runs on the error page).
    page.get_by_label("Note to share").fill(f"She has moved to {STREET}; please raise this in sessions.")
    page.get_by_label("I have checked this note holds nothing").check()
    ui.submit("Save")
    assert "There is a problem" in page.content()
    assert "Take out a street address" in page.locator(".govuk-error-message").inner_text()
    assert not SharedNote.objects.exists()
    page.get_by_label("Note to share").fill(NOTE)
    page.get_by_label("I have checked this note holds nothing").check()
    ui.submit("Save")
    assert "There is no consent on record to share this" in page.content()
    assert not SharedNote.objects.exists() and not ConsentDecision.objects.exists()
    page.get_by_label("Not sought because it was unsafe to ask").check()
    page.get_by_label("Lawful basis for sharing without consent").select_option("vital_interests")
    page.get_by_label("Why sharing without consent is necessary and proportionate").fill(RATIONALE)
    ui.submit("Save")
    assert "Note shared with the case manager." in page.content() and NOTE in page.content()
    assert SharedNote.objects.filter(link=link, text=NOTE).exists()
    line = ConsentDecision.objects.get(victim=victim)
    assert line.shared_without_consent and line.rationale == RATIONALE
    assert "Shared without consent" in page.locator("table", has_text="Receiving agency").inner_text()

    # The case manager, in a browser context of their own, sees the safe view only.
    context = ui.page.context.browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    try:
        manager_page = context.new_page()
        manager_page.set_default_timeout(15_000)
        manager = UI(manager_page, ui.base_url)
        manager.sign_in(world.user("casemanager", "north"))
        case_page = manager.goto(f"/cases/{case_north.pk}/")
        assert case_page.url.endswith(f"/cases/{case_north.pk}/")
        html = case_page.content()
        assert NOTE in html
        assert link.safe_label == "Ex-partner, victim 1"
        assert link.safe_label in html
        card = case_page.locator(".govuk-summary-card", has_text=link.safe_label)
        assert "High" in card.locator(".govuk-summary-list__row", has_text="Current risk").inner_text()
        for secret in (STREET, "Kestrelmoor", POSTCODE, FIRST_NAME, LAST_NAME, PLAN, "code word"):
            assert secret not in html, f"{secret!r} reached the perpetrator's case page"
    finally:
        context.close()
