"""The DPO's privacy journey in a browser, with axe-core on every page: open a subject access
request, decide one withheld item, preview the letter, then keep a record due for retention
review longer."""

import datetime

import pytest

from accounts.demo import seed_people
from casework.models import Case
from privacy import demo as demo_privacy
from privacy.models import RetentionReview, SarItem, SubjectAccessRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_dpo_opens_a_subject_access_request_and_decides_a_retention_review(ui):
    world = seed_people()
    demo_privacy.seed(world)
    case = Case.all_objects.get(perpetrator__last_name=demo_privacy.DEMO_LAST)
    ui.sign_in(world.user("dpo", "north"))
    page = ui.page

    ui.goto("/subject-access/")
    with page.expect_navigation():
        page.get_by_role("button", name="Open a subject access request").click()
    ui.axe()
    page.get_by_label("Perpetrator").check()
    page.get_by_label("Record reference").fill(case.reference)
    today = datetime.date.today()
    page.locator("[name=received_on_day]").fill(str(today.day))
    page.locator("[name=received_on_month]").fill(str(today.month))
    page.locator("[name=received_on_year]").fill(str(today.year))
    ui.submit("Gather records")
    assert "Subject access request SAR-" in page.get_by_role("heading", level=1).inner_text()
    main = page.locator("main").inner_text()
    assert "Withheld: decision needed" in main
    assert "Lantern Row" not in main  # a victim's address is never gathered into his request

    opened = SubjectAccessRequest.objects.order_by("-id").first()
    note = opened.items.get(source_type="casework.casenote")
    card = page.locator(f"#item-{note.pk}")
    card.get_by_label("Disclose").check()
    card.get_by_label("Reason for your decision").fill("His own words; nobody else is named")
    with page.expect_navigation():
        card.get_by_role("button", name="Record decision").click()
    ui.axe()
    assert SarItem.objects.get(pk=note.pk).decision == "disclose"
    assert "Disclosed after review" in page.locator(f"#item-{note.pk}").inner_text()

    with page.expect_navigation():
        page.get_by_role("button", name="Preview the response").click()
    ui.axe()
    letter = page.locator("main").inner_text()
    assert "Dear Owen Archer-Retention," in letter and "Information Commissioner" in letter
    assert "Engaged well in the last sessions." in letter  # the note just disclosed

    ui.goto("/retention/")
    review = RetentionReview.objects.get(record_type="case", object_id=str(case.pk), status="pending")
    with page.expect_navigation():
        page.get_by_role("link", name=review.reference).click()
    ui.axe()
    later = today + datetime.timedelta(days=60)
    page.locator("[name=until_day]").fill(str(later.day))
    page.locator("[name=until_month]").fill(str(later.month))
    page.locator("[name=until_year]").fill(str(later.year))
    page.get_by_label("Why it must be kept longer").fill("Civil proceedings are ongoing")
    ui.submit("Keep longer")
    assert "will be kept until" in page.locator("main").inner_text()
    assert RetentionReview.objects.get(pk=review.pk).status == "extended"
