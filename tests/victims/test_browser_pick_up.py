"""Browser journey: an IDVA picks up a person named on a referral, records them, then a DASH.

axe-core runs on every page visited (tests/browser_support.py).
"""

import pytest

from referrals.models import ReferralVictim
from tests.victims.conftest import NAMED_PHONE
from victims.models import DashAssessment, Victim


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_idva_picks_up_a_named_victim_records_them_and_completes_a_dash(ui, world, allocate_referral):
    referral = allocate_referral()
    named = referral.named_victims.get()
    ui.sign_in(world.user("idva", "north"))

    page = ui.goto("/victims/")
    page.get_by_role("link", name="To pick up (1)").first.click()
    page.wait_for_load_state()
    ui.axe()
    assert referral.reference in page.content()
    page.get_by_role("link", name="Pick up Leah Marsh").click()
    page.wait_for_load_state()
    ui.axe()
    assert NAMED_PHONE in page.content() and "22 Hiddenbrook Road" in page.content()

    page.get_by_role("link", name="Create a record from these details").click()
    page.wait_for_load_state()
    ui.axe()
    assert page.locator("#id_phone").input_value() == NAMED_PHONE
    assert page.locator("#id_line_2").input_value() == "22 Hiddenbrook Road"
    ui.submit("Create record")
    victim = Victim.objects.get(first_name="Leah", last_name="Marsh")
    assert f"/victims/{victim.pk}/" in page.url and "Record created for Leah Marsh" in page.content()
    named.refresh_from_db()
    assert named.pick_up_status == ReferralVictim.PickUp.PICKED_UP

    page.get_by_role("link", name="Contact details").click()
    page.wait_for_load_state()
    ui.axe()
    assert NAMED_PHONE in page.content()

    page.get_by_role("link", name="DASH risk").click()
    page.wait_for_load_state()
    ui.axe()
    page.get_by_role("link", name="Complete a new DASH").click()
    page.wait_for_load_state()
    ui.axe()
    radios = page.locator("input[type=radio][value=yes]")
    for index in range(radios.count()):
        if index < 15:
            radios.nth(index).check()
    noes = page.locator("input[type=radio][value=no]")
    for index in range(15, noes.count()):
        noes.nth(index).check()
    ui.submit("Save checklist")
    dash = DashAssessment.objects.get(victim=victim)
    assert dash.score == 15 and dash.band == "high"
    assert "high risk" in page.content().lower()
