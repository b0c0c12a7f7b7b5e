"""Browser journey: a referral recorded, checked, screened and allocated into a case."""

import pytest

from referrals.models import Referral, ScreeningCriterion, ServiceTarget


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_referral_to_allocated_case(ui, world):
    team = world.team("case_management", "north")
    ServiceTarget.objects.create(team=team, first_contact_working_days=5)
    ScreeningCriterion.objects.create(team=team, kind="eligibility", question="Aged 18 or over", order=1)
    supervisor = world.user("supervisor", "north")
    ui.sign_in(supervisor)
    page = ui.goto("/referrals/new/")
    page.get_by_label("Pathway").select_option("police")
    page.get_by_label("Referrer's name").fill("DC Morgan Hale")
    page.get_by_label("Referrer's organisation").fill("Northshire Police")
    page.get_by_label("Referrer's phone number (optional)").fill("01632 960 118")
    page.locator("#id_first_name").fill("Daniel")
    page.locator("#id_last_name").fill("Whitfield")
    # Save as draft first: nothing lost, finish later.
    ui.submit("Save as draft")
    assert "Draft" in page.content()
    ui.goto(f"/referrals/{Referral.objects.get().pk}/edit/")
    page.locator("#id_concerns").fill("Assault on partner; two children at home.")
    page.get_by_label("High", exact=True).check()
    page.get_by_label("Public task, for safeguarding", exact=False).check()
    page.get_by_label("Yes, they agreed to the referral").check()
    page.locator("#id_victims-0-first_name").fill("Leah")
    page.locator("#id_victims-0-relationship").select_option("partner")
    page.locator("#id_victims-0-address").fill("Flat 9, 17 Secret Gardens")
    ui.submit("Send referral")
    assert "sent to" in page.content()
    assert "Flat 9, 17 Secret Gardens" not in page.content()

    page.get_by_role("link", name="Check for existing records").click()
    page.wait_for_load_state()
    ui.axe()
    page.get_by_label("Confirm this is a new person").check()
    ui.submit("Save and continue")
    page.get_by_role("link", name="Screen the referral").click()
    page.wait_for_load_state()
    ui.axe()
    page.get_by_role("group", name="Aged 18 or over").get_by_label("Yes").check()
    page.get_by_label("Accept the referral").check()
    ui.submit("Save screening")
    page.get_by_role("link", name="Allocate").click()
    page.wait_for_load_state()
    ui.axe()
    page.get_by_label("Case manager").select_option(str(world.user("casemanager", "north").pk))
    ui.submit("Allocate")
    referral = Referral.objects.get()
    assert referral.status == Referral.Status.ACCEPTED
    assert referral.case.case_manager == world.user("casemanager", "north")
    assert referral.case.reference in page.content()
    ui.goto("/referrals/?tab=decided")
    assert "Daniel Whitfield" in page.content()
