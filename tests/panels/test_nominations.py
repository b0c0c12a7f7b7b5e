"""Nominations: MATAC ranking by RFG score with explanations; MARAC referrals with repeats
flagged automatically and "12 months since last MARAC" listed."""

import datetime
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from casework import services as casework_services
from casework.services_legal import incident_create, rfg_model_seed_default
from panels import nominations, services
from panels.models import AgendaItem, MaracReferral
from tests.panels.conftest import CANARY
from victims.models import DashInstrument
from victims.models.dash import DashAnswer
from victims.services import dash_complete

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def incident(pw, perpetrator, days_ago: int, offence: str = "abh", links=()):
    return incident_create(
        actor=pw.user("casemanager"),
        perpetrator=perpetrator,
        occurred_on=TODAY - timedelta(days=days_ago),
        incident_type="crime",
        offence=offence,
        victim_links=list(links),
    )


def test_repeat_is_a_new_incident_within_12_months_of_the_last_referral():
    last = datetime.date(2026, 1, 10)
    assert nominations.repeat_incident(
        last_referral_on=last, incident_dates=[datetime.date(2026, 6, 1)]
    ) == datetime.date(2026, 6, 1)
    # Before the referral, or more than 12 months after it, is not a repeat.
    assert (
        nominations.repeat_incident(last_referral_on=last, incident_dates=[datetime.date(2025, 12, 1)])
        is None
    )
    assert (
        nominations.repeat_incident(last_referral_on=last, incident_dates=[datetime.date(2027, 2, 1)]) is None
    )
    assert (
        nominations.repeat_incident(last_referral_on=None, incident_dates=[datetime.date(2026, 6, 1)]) is None
    )


def test_recording_a_referral_within_12_months_for_the_same_pair_is_a_repeat(pw):
    coordinator = pw.user("coordinator")
    first = services.marac_referral_record(
        panel=pw.panel,
        victim=pw.victim,
        perpetrator=pw.case.perpetrator,
        referred_on=TODAY - timedelta(days=200),
        reason=MaracReferral.Reason.DASH_THRESHOLD,
        actor=coordinator,
    )
    again = services.marac_referral_record(
        panel=pw.panel,
        victim=pw.victim,
        perpetrator=pw.case.perpetrator,
        referred_on=TODAY,
        reason=MaracReferral.Reason.DASH_THRESHOLD,
        actor=coordinator,
    )
    assert first.reason == MaracReferral.Reason.DASH_THRESHOLD
    assert again.reason == MaracReferral.Reason.REPEAT


@pytest.fixture
def marac_candidate(pw):
    """The fixture's victim with a DASH score of 24 (every answer yes): meets the 14+ criterion."""
    instrument = DashInstrument.current()
    answers = {str(q["number"]): {"answer": DashAnswer.YES, "comment": ""} for q in instrument.questions}
    dash_complete(actor=pw.user("idva"), victim=pw.victim, answers=answers)
    return pw


def test_marac_nominations_flag_repeats_from_incidents_after_the_last_referral(marac_candidate):
    pw = marac_candidate
    services.marac_referral_record(
        panel=pw.panel,
        victim=pw.victim,
        perpetrator=pw.case.perpetrator,
        referred_on=TODAY - timedelta(days=100),
        reason=MaracReferral.Reason.DASH_THRESHOLD,
        actor=pw.user("coordinator"),
    )
    rows = nominations.marac_nominations(pw.panel)
    row = next(r for r in rows if r.victim == pw.victim)
    assert not row.is_repeat
    incident(pw, pw.case.perpetrator, days_ago=10, links=[pw.link])
    row = next(r for r in nominations.marac_nominations(pw.panel) if r.victim == pw.victim)
    assert row.is_repeat
    assert row.repeat_incident_on == TODAY - timedelta(days=10)
    assert row.last_referral_on == TODAY - timedelta(days=100)


def test_marac_page_shows_referrals_without_restricted_data(client_for, marac_candidate):
    page = client_for("coordinator", "north").get(
        reverse("panels:nominations", args=[marac_candidate.panel.pk])
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert marac_candidate.victim.reference in body
    assert CANARY not in body


def test_twelve_months_since_last_marac_lists_old_referrals_only(pw):
    coordinator = pw.user("coordinator")
    old = services.marac_referral_record(
        panel=pw.panel,
        victim=pw.victim,
        perpetrator=None,
        referred_on=TODAY - timedelta(days=400),
        reason=MaracReferral.Reason.ESCALATION,
        actor=coordinator,
    )
    assert nominations.twelve_months_since_last_marac(pw.panel) == [old]
    services.marac_referral_record(
        panel=pw.panel,
        victim=pw.victim,
        perpetrator=None,
        referred_on=TODAY - timedelta(days=30),
        reason=MaracReferral.Reason.ESCALATION,
        actor=coordinator,
    )
    assert nominations.twelve_months_since_last_marac(pw.panel) == []


def test_matac_nominations_are_ranked_by_rfg_score_with_explanations(pw, world):
    rfg_model_seed_default(actor=pw.user("casemanager"))
    manager = pw.user("casemanager")
    other = casework_services.perpetrator_create(
        actor=manager, area=world.areas["north"], first_name="Lesser", last_name="Score"
    )
    casework_services.case_open(actor=manager, perpetrator=other, team=world.team("case_management", "north"))
    incident(pw, other, days_ago=600, offence="criminal_damage")
    for days in (5, 40, 90):
        incident(pw, pw.case.perpetrator, days_ago=days, links=[pw.link])
    rows = nominations.matac_nominations(pw.matac)
    assert [r.candidate.perpetrator for r in rows][:2] == [pw.case.perpetrator, other]
    assert rows[0].rank == 1 and rows[0].candidate.score.score > rows[1].candidate.score.score
    assert rows[0].candidate.why
    assert rows[0].can_list


def test_nominating_puts_the_case_on_the_agenda(client_for, pw, world):
    rfg_model_seed_default(actor=pw.user("casemanager"))
    meeting = services.meeting_schedule(
        panel=pw.matac, scheduled_for=timezone.now() + timedelta(days=10), actor=pw.user("coordinator")
    )
    incident(pw, pw.case.perpetrator, days_ago=5, links=[pw.link])
    coordinator = client_for("coordinator", "north")
    page = coordinator.get(reverse("panels:nominations", args=[pw.matac.pk])).content.decode()
    assert "Gideon Marsh" in page and "Nominate" in page
    response = coordinator.post(
        reverse("panels:nominate", args=[pw.matac.pk]), {"meeting": meeting.pk, "case": pw.case.pk}
    )
    assert response.status_code == 302
    item = AgendaItem.objects.get(meeting=meeting)
    assert item.case == pw.case and item.reason == AgendaItem.Reason.NOMINATION


def test_nominating_to_a_meeting_of_another_panel_is_refused(client_for, pw):
    response = client_for("coordinator", "north").post(
        reverse("panels:nominate", args=[pw.matac.pk]), {"meeting": pw.meeting.pk, "case": pw.case.pk}
    )
    assert response.status_code == 302
    assert AgendaItem.objects.filter(meeting=pw.meeting).count() == 2  # unchanged
