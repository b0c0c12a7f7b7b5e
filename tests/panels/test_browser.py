"""Browser journeys (Playwright + axe-core on every page): a coordinator builds an agenda and
publishes it; the chair records minutes and attendance, approves the minutes and downloads the
pack, built by the Celery job (eager here). A probation representative nominates a perpetrator
to MATAC and the coordinator declines it with a reason."""

import pytest
from django.utils import timezone

from panels.models import Meeting, MeetingPack, PartnerNomination
from tests.panels.conftest import CANARY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_as(ui, user):
    ui.page.context.clear_cookies()
    ui.sign_in(user)


def test_coordinator_builds_and_publishes_and_the_chair_approves_and_downloads_the_pack(ui, pw, eager_celery):
    today = timezone.localdate()
    ui.page.set_default_timeout(60_000)  # making the packs (five PDFs) happens inside one request
    sign_in_as(ui, pw.user("coordinator"))
    page = ui.goto(f"/panels/{pw.panel.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Schedule a meeting").click()
    ui.axe()
    page.locator("[name=date_day]").fill(str(today.day))
    page.locator("[name=date_month]").fill(str(today.month))
    page.locator("[name=date_year]").fill(str(today.year))
    page.get_by_label("Start time").fill("23:00")
    page.get_by_label("Meeting room or call name").fill("Committee Room 2")
    ui.submit("Schedule meeting")
    meeting = Meeting.objects.exclude(pk=pw.meeting.pk).get(panel=pw.panel)
    assert "Meeting scheduled" in page.content()

    for subject, reason in ((f"case:{pw.case.pk}", "New referral"), (f"victim:{pw.victim.pk}", "Repeat")):
        with page.expect_navigation():
            page.get_by_role("link", name="Add an agenda item").click()
        ui.axe()
        page.get_by_label("Who is this item about?").select_option(subject)
        page.get_by_label(reason, exact=True).check()
        ui.submit("Add to agenda")
        assert "Item added to the agenda" in page.content()
    assert meeting.items.count() == 2
    ui.submit("Publish the agenda to member agencies")
    assert "Agenda published" in page.content()
    assert CANARY not in page.content()

    chair = pw.user("chair")
    sign_in_as(ui, chair)
    ui.goto(f"/panels/meetings/{meeting.pk}/")
    for item in meeting.items.order_by("order"):
        ui.goto(f"/panels/items/{item.pk}/minutes/")
        page.get_by_label("Discussion summary").fill("Agencies shared what they hold; risk remains high.")
        page.get_by_label("Agreed risk level").select_option("high")
        page.get_by_label("Decisions").fill("Police to review bail conditions.")
        ui.submit("Save minutes")
        assert "Minutes saved" in page.content()
    # Contact details are refused in minutes.
    ui.goto(f"/panels/items/{meeting.items.first().pk}/minutes/")
    page.get_by_label("Discussion summary").fill("She has moved to LS6 2AB")
    ui.submit("Save minutes")
    assert "Do not record an address" in page.locator(".govuk-error-summary").inner_text()

    ui.goto(f"/panels/meetings/{meeting.pk}/attendance/")
    for select in page.locator("select").all():
        select.select_option("present")
    ui.submit("Save attendance")
    assert "Attendance recorded" in page.content()
    ui.submit("Approve the minutes")
    assert "Minutes approved" in page.content()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.APPROVED

    ui.submit("Make meeting packs")
    assert "packs requested" in page.content()
    full = MeetingPack.objects.get(meeting=meeting, organisation__isnull=True)
    assert full.status == MeetingPack.Status.READY, full.last_error
    ui.goto(f"/panels/meetings/{meeting.pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Download {full.reference} for Chair (full pack) (PDF)").click()
    path = download.value.path()
    with open(path, "rb") as handle:
        assert handle.read(4) == b"%PDF"


def test_a_partner_nominates_to_matac_and_the_coordinator_declines(ui, pw):
    sign_in_as(ui, pw.user("probation"))
    page = ui.goto(f"/panels/{pw.matac.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Nominate a perpetrator").click()
    ui.axe()
    page.get_by_label("First name").fill("Gideon")
    page.get_by_label("Last name").fill("Marsh")
    page.get_by_label("Why your agency nominates this person").fill("Two licence breaches this month.")
    ui.submit("Send nomination")
    assert "Nomination sent" in page.content()
    nomination = PartnerNomination.objects.get()

    sign_in_as(ui, pw.user("coordinator"))
    page = ui.goto(f"/panels/{pw.matac.pk}/nominations/")
    assert "Two licence breaches this month." in page.content()
    with page.expect_navigation():
        page.get_by_role("link", name="Accept or decline the nomination of Gideon Marsh").click()
    ui.axe()
    assert pw.case.reference in page.content()
    page.get_by_label("Decline").check()
    page.get_by_label("Reason for declining").fill("Already managed at MAPPA level 2.")
    ui.submit("Save decision")
    nomination.refresh_from_db()
    assert nomination.status == PartnerNomination.Status.DECLINED

    # The nominating agency sees the outcome (a second browser sign-in within the same 30-second
    # window would reuse the one-time code, which is refused, so the test client looks instead).
    from django.test import Client

    from tests.conftest import sign_in

    page = sign_in(Client(), pw.user("probation")).get(f"/panels/{pw.matac.pk}/")
    assert "Already managed at MAPPA level 2." in page.content.decode()
