"""Partner referrals to MATAC: a member agency's named representative nominates a perpetrator,
the coordinator sees it beside the RFG ranking (with the matching record's score and
explanation) and accepts it onto an agenda or declines it with a reason. Every step audited."""

import datetime
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from casework.services_legal import incident_create, rfg_model_seed_default
from panels import services
from panels.models import AgendaItem, PartnerNomination
from tests.panels.conftest import CANARY, add_agency_rep, at

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
FORM = {
    "first_name": "gideon",
    "last_name": "MARSH",
    "date_of_birth_day": "2",
    "date_of_birth_month": "3",
    "date_of_birth_year": "1984",
    "reason": "Two breaches of his bail conditions this month and a new partner.",
}


def nominate(pw, **changes) -> PartnerNomination:
    data = {
        "first_name": "Gideon",
        "last_name": "Marsh",
        "date_of_birth": datetime.date(1984, 3, 2),
        "reason": "Breaches of bail conditions; new partner.",
    }
    data.update(changes)
    return services.partner_nomination_submit(
        panel=pw.matac, organisation=pw.org("probation"), actor=pw.user("probation"), **data
    )


@pytest.fixture
def scored(pw):
    """An active RFG model and recent incidents, so the fixture's perpetrator has a score."""
    rfg_model_seed_default(actor=pw.user("casemanager"))
    for days in (5, 40):
        incident_create(
            actor=pw.user("casemanager"),
            perpetrator=pw.case.perpetrator,
            occurred_on=TODAY - timedelta(days=days),
            incident_type="crime",
            offence="abh",
            victim_links=[pw.link],
        )
    return pw


def nomination_url(pw):
    return reverse("panels:partner_nominate", args=[pw.matac.pk])


def test_a_named_representative_nominates_through_the_page(client_for, pw):
    probation = client_for("probation", "north")
    page = probation.get(reverse("panels:panel_detail", args=[pw.matac.pk])).content.decode()
    assert "Nominate a perpetrator" in page
    assert probation.get(nomination_url(pw)).status_code == 200
    response = probation.post(nomination_url(pw), FORM)
    assert response.status_code == 302, response.content.decode()[:3000]
    nomination = PartnerNomination.objects.get()
    assert nomination.organisation == pw.org("probation") and nomination.nominated_by == pw.user("probation")
    assert nomination.status == PartnerNomination.Status.PENDING
    assert AuditEvent.objects.filter(
        object_type="panels.partnernomination", object_id=str(nomination.pk), action=AuditEvent.Action.CREATE
    ).exists()
    page = probation.get(reverse("panels:panel_detail", args=[pw.matac.pk])).content.decode()
    assert "Waiting for the coordinator" in page


def test_contact_details_in_the_reason_are_refused(client_for, pw):
    response = client_for("probation", "north").post(
        nomination_url(pw), {**FORM, "reason": "Now living with her at 4 Mill Lane, NE1 4XY"}
    )
    assert response.status_code == 200
    assert "Do not record an address, postcode" in response.content.decode()
    assert not PartnerNomination.objects.exists()
    with pytest.raises(ValidationError):
        nominate(pw, reason="Call her on 07700 900123")


def test_who_may_nominate(client_for, pw, world):
    url = nomination_url(pw)
    assert client_for("coordinator", "north").get(url).status_code == 403  # runs it, does not nominate
    assert client_for("socialcare", "north").get(url).status_code == 404  # not a member agency
    assert client_for("police", "south").get(url).status_code == 404
    assert client_for("casemanager", "north").get(url).status_code == 403  # no panel role
    # MARAC is victim-focused: no perpetrator nominations there.
    assert (
        client_for("police", "north").get(reverse("panels:partner_nominate", args=[pw.panel.pk])).status_code
        == 403
    )
    # An agency_rep of a member agency who is not named on the panel sees nothing.
    unnamed = add_agency_rep(world, "probation", "second.probation")
    from django.test import Client

    from tests.conftest import sign_in

    assert sign_in(Client(), unnamed).get(url).status_code == 404


def test_the_coordinator_sees_partner_nominations_beside_the_ranking_with_rfg(client_for, scored):
    pw = scored
    nominate(pw)
    nominate(pw, first_name="Nobody", last_name="Known", date_of_birth=None)
    page = client_for("coordinator", "north").get(reverse("panels:nominations", args=[pw.matac.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Partner agency nominations" in body and "Ranked by RFG score" in body
    assert "Breaches of bail conditions" in body
    assert "RFG score" in body and "rank 1" in body  # the matching record's score and rank
    assert pw.case.reference in body
    assert "No perpetrator record in" in body  # the unknown person
    assert CANARY not in body


def test_accepting_lists_the_case_on_the_chosen_meeting(client_for, scored):
    pw = scored
    nomination = nominate(pw)
    meeting = services.meeting_schedule(panel=pw.matac, scheduled_for=at(10), actor=pw.user("coordinator"))
    url = reverse("panels:partner_decide", args=[nomination.pk])
    coordinator = client_for("coordinator", "north")
    page = coordinator.get(url).content.decode()
    assert pw.case.reference in page and "rank 1 of" in page
    # Accepting needs a record and a meeting.
    response = coordinator.post(url, {"decision": "accept"})
    assert response.status_code == 200 and "Choose the meeting" in response.content.decode()
    response = coordinator.post(url, {"decision": "accept", "case": pw.case.pk, "meeting": meeting.pk})
    assert response.status_code == 302
    nomination.refresh_from_db()
    item = AgendaItem.objects.get(meeting=meeting)
    assert item.case == pw.case and item.reason == AgendaItem.Reason.NOMINATION
    assert nomination.status == PartnerNomination.Status.ACCEPTED
    assert nomination.agenda_item == item and nomination.perpetrator == pw.case.perpetrator
    assert nomination.decided_by == pw.user("coordinator")
    assert AuditEvent.objects.filter(
        object_type="panels.partnernomination", object_id=str(nomination.pk), purpose__contains="accepted"
    ).exists()
    # Decided once: a second decision changes nothing.
    with pytest.raises(ValidationError):
        services.partner_nomination_decline(nomination=nomination, reason="x", actor=pw.user("coordinator"))
    page = client_for("probation", "north").get(reverse("panels:panel_detail", args=[pw.matac.pk]))
    assert "Accepted onto an agenda" in page.content.decode()


def test_declining_needs_a_reason_the_agency_sees(client_for, pw):
    nomination = nominate(pw)
    url = reverse("panels:partner_decide", args=[nomination.pk])
    coordinator = client_for("coordinator", "north")
    response = coordinator.post(url, {"decision": "decline", "decision_reason": " "})
    assert response.status_code == 200 and "Give the reason" in response.content.decode()
    assert PartnerNomination.objects.get().status == PartnerNomination.Status.PENDING
    response = coordinator.post(
        url, {"decision": "decline", "decision_reason": "Already managed at MAPPA level 2."}
    )
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == PartnerNomination.Status.DECLINED
    assert AuditEvent.objects.filter(
        object_type="panels.partnernomination", object_id=str(nomination.pk), purpose__contains="declined"
    ).exists()
    page = client_for("probation", "north").get(reverse("panels:panel_detail", args=[pw.matac.pk]))
    assert "Already managed at MAPPA level 2." in page.content.decode()


def test_who_may_decide(client_for, pw):
    nomination = nominate(pw)
    url = reverse("panels:partner_decide", args=[nomination.pk])
    assert client_for("chair", "north").get(url).status_code == 200
    assert client_for("coordinator", "south").get(url).status_code == 404
    assert client_for("probation", "north").get(url).status_code == 403  # runners' page
    assert client_for("police", "north").get(url).status_code == 403
    assert (
        client_for("probation", "north")
        .post(url, {"decision": "decline", "decision_reason": "x"})
        .status_code
        == 403
    )
    assert PartnerNomination.objects.get().status == PartnerNomination.Status.PENDING


def test_other_agencies_do_not_see_each_others_nominations(pw):
    from panels.selectors import partner_nominations_for

    nomination = nominate(pw)
    assert list(partner_nominations_for(pw.user("probation"), pw.matac)) == [nomination]
    assert list(partner_nominations_for(pw.user("police"), pw.matac)) == []
    assert list(partner_nominations_for(pw.user("coordinator"), pw.matac)) == [nomination]


def test_the_nominations_page_does_not_query_per_nomination(client_for, scored):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    pw = scored
    coordinator = client_for("coordinator", "north")
    url = reverse("panels:nominations", args=[pw.matac.pk])
    nominate(pw)
    nominate(pw, first_name="Ada")  # two, so the audit trail's bulk insert happens both times
    coordinator.get(url)  # warm caches (session, content types)
    with CaptureQueriesContext(connection) as two:
        assert coordinator.get(url).status_code == 200
    for name in ("Bea", "Cy", "Di"):
        nominate(pw, first_name=name)
    with CaptureQueriesContext(connection) as five:
        assert coordinator.get(url).status_code == 200
    assert len(five) == len(two), [q["sql"][:120] for q in five.captured_queries]
    assert len(two) <= 40
