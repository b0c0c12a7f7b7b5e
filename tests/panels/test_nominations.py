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
from tests.panels.conftest import CANARY, add_victim, at
from victims.models import DashInstrument, Victim, VictimLink
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


def meets_dash_threshold(pw, victim) -> None:
    """A DASH score of 24 (every answer yes): meets the 14+ criterion."""
    instrument = DashInstrument.current()
    answers = {str(q["number"]): {"answer": DashAnswer.YES, "comment": ""} for q in instrument.questions}
    dash_complete(actor=pw.user("idva"), victim=victim, answers=answers)


@pytest.fixture
def marac_candidate(pw):
    """The fixture's victim with a DASH score of 24 (every answer yes): meets the 14+ criterion."""
    meets_dash_threshold(pw, pw.victim)
    return pw


def refer(pw, victim, days_ago: int, perpetrator="same"):
    return services.marac_referral_record(
        panel=pw.panel,
        victim=victim,
        perpetrator=pw.case.perpetrator if perpetrator == "same" else perpetrator,
        referred_on=TODAY - timedelta(days=days_ago),
        reason=MaracReferral.Reason.DASH_THRESHOLD,
        actor=pw.user("coordinator"),
    )


def test_marac_nominations_flag_repeats_from_incidents_after_the_last_referral(pw):
    victim = add_victim(pw, "Ottoline")
    meets_dash_threshold(pw, victim)
    link = VictimLink.objects.get(victim=victim)
    refer(pw, victim, days_ago=100)
    row = next(r for r in nominations.marac_nominations(pw.panel) if r.victim == victim)
    assert not row.is_repeat
    incident(pw, pw.case.perpetrator, days_ago=10, links=[link])
    row = next(r for r in nominations.marac_nominations(pw.panel) if r.victim == victim)
    assert row.is_repeat
    assert row.repeat_incident_on == TODAY - timedelta(days=10)
    assert row.last_referral_on == TODAY - timedelta(days=100)


def test_a_repeat_is_a_marac_criterion_on_its_own(pw):
    """No DASH (so no DASH criterion): a new incident within 12 months of the last referral still lists them."""
    victim = add_victim(pw, "Perpetua")
    link = VictimLink.objects.get(victim=victim)
    refer(pw, victim, days_ago=100)
    assert victim.pk not in {r.victim.pk for r in nominations.marac_nominations(pw.panel)}
    incident(pw, pw.case.perpetrator, days_ago=10, links=[link])
    row = next(r for r in nominations.marac_nominations(pw.panel) if r.victim == victim)
    assert row.is_repeat and row.referral_reason == MaracReferral.Reason.REPEAT
    assert row.reasons[0].startswith("repeat")


def test_a_repeat_found_only_by_incident_can_be_referred_from_the_page(client_for, pw):
    victim = add_victim(pw, "Perpetua")
    refer(pw, victim, days_ago=100)
    incident(pw, pw.case.perpetrator, days_ago=10, links=[VictimLink.objects.get(victim=victim)])
    coordinator = client_for("coordinator", "north")
    page = coordinator.get(reverse("panels:nominations", args=[pw.panel.pk])).content.decode()
    assert victim.reference in page and "Repeat" in page and CANARY not in page
    response = coordinator.post(
        reverse("panels:nominate", args=[pw.panel.pk]), {"meeting": pw.meeting.pk, "victim": victim.pk}
    )
    assert response.status_code == 302
    item = AgendaItem.objects.get(meeting=pw.meeting, victim=victim)
    assert item.reason == AgendaItem.Reason.REPEAT
    # One referral for the item (recorded by agenda_item_add), marked as a repeat.
    referral = MaracReferral.objects.get(agenda_item=item)
    assert referral.reason == MaracReferral.Reason.REPEAT and referral.referred_on == TODAY


def test_victims_added_by_hand_get_a_marac_referral(client_for, pw):
    """The fixture added pw.victim with agenda_item_add: that is a MARAC referral today."""
    referral = MaracReferral.objects.get(agenda_item=pw.victim_item)
    assert referral.victim == pw.victim and referral.perpetrator == pw.case.perpetrator
    assert referral.referred_on == TODAY
    assert referral.reason == MaracReferral.Reason.PROFESSIONAL_JUDGEMENT  # no DASH: the coordinator's call
    pw.victim.refresh_from_db()
    assert pw.victim.last_marac_referral_on == TODAY  # victims' copy kept in step
    # Through the page, with the criterion chosen.
    victim = add_victim(pw, "Ottoline")
    response = client_for("coordinator", "north").post(
        reverse("panels:item_add", args=[pw.meeting.pk]),
        {
            "subject": f"victim:{victim.pk}",
            "reason": "new",
            "risk_level": "high",
            "slot_minutes": "15",
            "referral_reason": "escalation",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    item = AgendaItem.objects.get(meeting=pw.meeting, victim=victim)
    assert MaracReferral.objects.get(agenda_item=item).reason == MaracReferral.Reason.ESCALATION


def test_a_hand_listed_victim_within_12_months_of_their_last_referral_is_a_repeat(pw):
    victim = add_victim(pw, "Ottoline")
    refer(pw, victim, days_ago=60)
    later = services.meeting_schedule(panel=pw.panel, scheduled_for=at(20), actor=pw.user("coordinator"))
    item = services.agenda_item_add(
        meeting=later, victim=victim, reason=AgendaItem.Reason.NEW, actor=pw.user("coordinator")
    )
    assert item.reason == AgendaItem.Reason.REPEAT
    assert MaracReferral.objects.get(agenda_item=item).reason == MaracReferral.Reason.REPEAT


def test_reviews_and_matac_items_record_no_marac_referral(pw):
    later = services.meeting_schedule(panel=pw.panel, scheduled_for=at(20), actor=pw.user("coordinator"))
    review = services.agenda_item_add(
        meeting=later, victim=pw.victim, reason=AgendaItem.Reason.REVIEW, actor=pw.user("coordinator")
    )
    assert not MaracReferral.objects.filter(agenda_item=review).exists()
    matac = services.meeting_schedule(panel=pw.matac, scheduled_for=at(20), actor=pw.user("coordinator"))
    item = services.agenda_item_add(
        meeting=matac, victim=pw.victim, reason=AgendaItem.Reason.NEW, actor=pw.user("coordinator")
    )
    assert not MaracReferral.objects.filter(agenda_item=item).exists()


def test_last_marac_referral_is_read_from_marac_referrals_only(pw):
    victim = add_victim(pw, "Ottoline")
    meets_dash_threshold(pw, victim)
    refer(pw, victim, days_ago=100)
    victim.refresh_from_db()
    assert victim.last_marac_referral_on == TODAY - timedelta(days=100)
    # An older referral recorded afterwards does not move the victim's date backwards.
    refer(pw, victim, days_ago=300)
    victim.refresh_from_db()
    assert victim.last_marac_referral_on == TODAY - timedelta(days=100)
    # A drifted copy on the victim is ignored by the nominations.
    Victim.objects.filter(pk=victim.pk).update(last_marac_referral_on=TODAY - timedelta(days=5))
    row = next(r for r in nominations.marac_nominations(pw.panel) if r.victim.pk == victim.pk)
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
    victim = add_victim(pw, "Ottoline")
    old = refer(pw, victim, days_ago=400, perpetrator=None)
    assert [r for r in nominations.twelve_months_since_last_marac(pw.panel) if r.victim == victim] == [old]
    refer(pw, victim, days_ago=30, perpetrator=None)
    assert [r for r in nominations.twelve_months_since_last_marac(pw.panel) if r.victim == victim] == []


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
    assert rows[0].candidate.case is not None and not rows[0].on_agenda


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


@pytest.mark.parametrize("value", ["\u202eevil", "9" * 30, "-1", ""])
def test_nominating_with_a_malformed_id_changes_nothing(client_for, pw, value):
    coordinator = client_for("coordinator", "north")
    for panel, field in ((pw.panel, "victim"), (pw.matac, "case")):
        for data in ({"meeting": value}, {"meeting": pw.meeting.pk, field: value}):
            response = coordinator.post(reverse("panels:nominate", args=[panel.pk]), data)
            assert response.status_code in (302, 404)
    assert AgendaItem.objects.filter(meeting=pw.meeting).count() == 2
