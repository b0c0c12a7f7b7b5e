"""Sharing a victim through a panel reads the consent ledger (panels.sharing, victims.consent).

Listing a victim at MARAC, publishing an agenda with a victim item to member agencies, and
showing a victim item to agencies on an agenda already published each need the victim's consent
for the panel's purpose with one of its agencies, or the lawful basis for sharing without
consent recorded by the coordinator in the same form. Otherwise the share does not happen and
nothing is written.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from panels import services
from panels.models import AgendaItem, MaracReferral, Meeting
from tests.panels.conftest import add_victim, at, consent_to_marac
from victims import services as victim_services
from victims.consent import WithoutConsent
from victims.models import ConsentDecision

pytestmark = pytest.mark.django_db

BASIS = WithoutConsent(
    consent="not_sought_unsafe",
    legal_basis="vital_interests",
    rationale="He is in the house most of the day, so asking is unsafe; the risk of serious harm is high.",
)
BASIS_FIELDS = {
    "consent": BASIS.consent,
    "legal_basis": BASIS.legal_basis,
    "basis_rationale": BASIS.rationale,
}


def list_at_marac(pw, victim, **kwargs) -> AgendaItem:
    return services.agenda_item_add(
        meeting=pw.meeting,
        victim=victim,
        reason=AgendaItem.Reason.NEW,
        actor=pw.user("coordinator"),
        **kwargs,
    )


def withdraw_consent(pw, victim) -> None:
    consent_to_marac(pw.world, victim, consent="refused")


# ---- Listing a victim at MARAC -------------------------------------------------------------


def test_a_victim_without_consent_is_not_listed_at_marac_and_nothing_is_recorded(pw):
    victim = add_victim(pw, "Ottilie", consented=False)
    with pytest.raises(ValidationError) as refused:
        list_at_marac(pw, victim)
    assert (
        "There is no consent on record to share this for MARAC referral and meeting"
        in (refused.value.message_dict["legal_basis"][0])
    )
    assert not AgendaItem.objects.filter(victim=victim).exists()
    assert not MaracReferral.objects.filter(victim=victim).exists()
    assert not ConsentDecision.objects.filter(victim=victim).exists()


def test_a_refusal_after_consent_stops_the_listing(pw):
    victim = add_victim(pw, "Ottilie")
    withdraw_consent(pw, victim)
    with pytest.raises(ValidationError):
        list_at_marac(pw, victim)
    assert not AgendaItem.objects.filter(victim=victim).exists()


def test_consent_to_sharing_with_a_member_agency_lets_the_victim_be_listed(pw):
    victim = add_victim(pw, "Ottilie", consented=False)
    victim_services.consent_decision_record(
        actor=pw.user("idva"),
        victim=victim,
        purpose="marac",
        receiving_organisation=pw.org("police"),  # a member agency of the MARAC
        consent="given",
        legal_basis="consent",
    )
    assert list_at_marac(pw, victim).victim == victim


def test_consent_to_an_agency_outside_the_panel_does_not_count(pw):
    victim = add_victim(pw, "Ottilie", consented=False)
    victim_services.consent_decision_record(
        actor=pw.user("idva"),
        victim=victim,
        purpose="marac",
        receiving_organisation=pw.world.team("police", "south").organisation,
        consent="given",
        legal_basis="consent",
    )
    with pytest.raises(ValidationError):
        list_at_marac(pw, victim)


def test_the_coordinator_records_the_basis_and_the_victim_is_listed(pw):
    victim = add_victim(pw, "Ottilie", consented=False)
    item = list_at_marac(pw, victim, without_consent=BASIS)
    assert MaracReferral.objects.filter(agenda_item=item).exists()
    line = ConsentDecision.objects.get(victim=victim)
    assert line.shared_without_consent and line.purpose == "marac"
    assert line.receiving_organisation == pw.panel.coordinator_team.organisation
    assert line.decided_by == pw.user("coordinator")
    assert line.rationale == BASIS.rationale


def test_an_incomplete_basis_is_refused_and_the_victim_is_not_listed(pw):
    victim = add_victim(pw, "Ottilie", consented=False)
    with pytest.raises(ValidationError) as refused:
        list_at_marac(pw, victim, without_consent=WithoutConsent("refused", "consent", ""))
    assert {"legal_basis", "basis_rationale"} <= set(refused.value.message_dict)
    assert not AgendaItem.objects.filter(victim=victim).exists()
    assert not ConsentDecision.objects.filter(victim=victim).exists()


# ---- Publishing to member agencies ----------------------------------------------------------


def test_a_basis_recorded_when_listing_covers_publishing_that_item(pw):
    victim = add_victim(pw, "Ottilie", consented=False)
    list_at_marac(pw, victim, without_consent=BASIS)
    services.agenda_publish(meeting=pw.meeting, actor=pw.user("coordinator"))
    assert Meeting.objects.get(pk=pw.meeting.pk).published_at is not None


def test_consent_withdrawn_after_listing_stops_publishing_until_a_basis_is_recorded(pw):
    withdraw_consent(pw, pw.victim)
    with pytest.raises(ValidationError) as refused:
        services.agenda_publish(meeting=pw.meeting, actor=pw.user("coordinator"))
    assert f"item_{pw.victim_item.pk}_legal_basis" in refused.value.message_dict
    assert Meeting.objects.get(pk=pw.meeting.pk).published_at is None
    services.agenda_publish(
        meeting=pw.meeting, actor=pw.user("coordinator"), without_consent={pw.victim_item.pk: BASIS}
    )
    assert Meeting.objects.get(pk=pw.meeting.pk).published_at is not None
    assert ConsentDecision.objects.filter(victim=pw.victim, shared_without_consent=True).count() == 1


def test_one_incomplete_basis_publishes_nothing_and_records_nothing(pw):
    second = add_victim(pw, "Ottilie")
    second_item = list_at_marac(pw, second)
    withdraw_consent(pw, pw.victim)
    withdraw_consent(pw, second)
    before = ConsentDecision.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.agenda_publish(
            meeting=pw.meeting,
            actor=pw.user("coordinator"),
            without_consent={pw.victim_item.pk: BASIS, second_item.pk: WithoutConsent("refused", "", "")},
        )
    assert set(refused.value.message_dict) == {
        f"item_{second_item.pk}_legal_basis",
        f"item_{second_item.pk}_basis_rationale",
    }
    assert ConsentDecision.objects.count() == before  # the complete one is not kept either
    assert Meeting.objects.get(pk=pw.meeting.pk).published_at is None


def test_victim_items_kept_from_agencies_need_no_basis_to_publish(pw):
    withdraw_consent(pw, pw.victim)
    AgendaItem.objects.filter(pk=pw.victim_item.pk).update(shared_with_agencies=False)
    services.agenda_publish(meeting=pw.meeting, actor=pw.user("coordinator"))
    assert Meeting.objects.get(pk=pw.meeting.pk).published_at is not None


def test_a_victim_on_a_matac_agenda_needs_consent_for_perpetrator_risk_management(pw):
    meeting = services.meeting_schedule(panel=pw.matac, scheduled_for=at(9), actor=pw.user("coordinator"))
    item = services.agenda_item_add(
        meeting=meeting, victim=pw.victim, reason="new", actor=pw.user("coordinator")
    )
    with pytest.raises(ValidationError) as refused:  # her MARAC consent is for MARAC only
        services.agenda_publish(meeting=meeting, actor=pw.user("coordinator"))
    assert (
        "perpetrator programme risk management"
        in refused.value.message_dict[f"item_{item.pk}_legal_basis"][0]
    )
    services.agenda_publish(meeting=meeting, actor=pw.user("coordinator"), without_consent={item.pk: BASIS})
    assert ConsentDecision.objects.get(
        victim=pw.victim, purpose="perpetrator_programme"
    ).shared_without_consent


def test_showing_a_victim_item_on_a_published_agenda_needs_a_basis(pw):
    AgendaItem.objects.filter(pk=pw.victim_item.pk).update(shared_with_agencies=False)
    services.agenda_publish(meeting=pw.meeting, actor=pw.user("coordinator"))
    withdraw_consent(pw, pw.victim)
    item = AgendaItem.objects.get(pk=pw.victim_item.pk)
    with pytest.raises(ValidationError):
        services.agenda_item_update(
            item=item, expected_version=item.version, actor=pw.user("coordinator"), shared_with_agencies=True
        )
    assert not AgendaItem.objects.get(pk=item.pk).shared_with_agencies
    services.agenda_item_update(
        item=item,
        expected_version=item.version,
        actor=pw.user("coordinator"),
        shared_with_agencies=True,
        without_consent=BASIS,
    )
    assert AgendaItem.objects.get(pk=item.pk).shared_with_agencies


# ---- The forms ----------------------------------------------------------------------------


def test_the_add_item_form_asks_for_the_basis_and_lists_the_victim_once_given(client_for, pw):
    victim = add_victim(pw, "Ottilie", consented=False)
    url = reverse("panels:item_add", args=[pw.meeting.pk])
    coordinator = client_for("coordinator", "north")
    assert 'name="basis_rationale"' in coordinator.get(url).content.decode()
    data = {"subject": f"victim:{victim.pk}", "reason": "new", "risk_level": "high", "slot_minutes": 15}
    refused = coordinator.post(url, data)
    assert refused.status_code == 200
    assert "There is no consent on record to share this for MARAC" in refused.content.decode()
    assert not AgendaItem.objects.filter(victim=victim).exists()
    assert coordinator.post(url, {**data, **BASIS_FIELDS}).status_code == 302
    assert AgendaItem.objects.filter(victim=victim).exists()


def test_a_nominated_victim_without_consent_goes_to_the_add_item_form(client_for, pw, monkeypatch):
    from panels import nominations

    victim = add_victim(pw, "Ottilie", consented=False)

    class Row:
        def __init__(self):
            self.victim, self.is_repeat, self.referral_reason = victim, False, "professional_judgement"

    monkeypatch.setattr(nominations, "marac_nominations", lambda panel: [Row()])
    response = client_for("coordinator", "north").post(
        reverse("panels:nominate", args=[pw.panel.pk]), {"meeting": pw.meeting.pk, "victim": victim.pk}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("panels:item_add", args=[pw.meeting.pk]))
    assert f"subject=victim%3A{victim.pk}" in response["Location"]
    assert not AgendaItem.objects.filter(victim=victim).exists()
    form = client_for("coordinator", "north").get(response["Location"]).content.decode()
    assert f'value="victim:{victim.pk}" selected' in form


def test_publishing_asks_for_the_basis_item_by_item(client_for, pw):
    withdraw_consent(pw, pw.victim)
    url = reverse("panels:meeting_publish", args=[pw.meeting.pk])
    coordinator = client_for("coordinator", "north")
    page = coordinator.get(url).content.decode()
    assert "One victim has no consent on record to share with this panel's agencies" in page
    field = f"item_{pw.victim_item.pk}_legal_basis"
    assert f'name="{field}"' in page
    refused = coordinator.post(url, {})
    assert refused.status_code == 400
    assert "or sharing this item with the agencies does not happen" in refused.content.decode()
    assert Meeting.objects.get(pk=pw.meeting.pk).published_at is None
    prefix = f"item_{pw.victim_item.pk}_"
    done = coordinator.post(url, {f"{prefix}{name}": value for name, value in BASIS_FIELDS.items()})
    assert done.status_code == 302
    assert Meeting.objects.get(pk=pw.meeting.pk).published_at is not None


def test_publishing_with_consent_on_record_needs_no_extra_step(client_for, pw):
    response = client_for("coordinator", "north").post(
        reverse("panels:meeting_publish", args=[pw.meeting.pk])
    )
    assert response.status_code == 302
    assert Meeting.objects.get(pk=pw.meeting.pk).published_at is not None


def test_a_basis_from_a_year_ago_does_not_cover_listing_today(pw):
    victim = add_victim(pw, "Ottilie", consented=False)
    victim_services.consent_decision_record(
        actor=pw.user("coordinator"),
        victim=victim,
        purpose="marac",
        receiving_organisation=pw.panel.coordinator_team.organisation,
        consent="not_sought_unsafe",
        legal_basis="vital_interests",
        shared_without_consent=True,
        rationale="Last year's referral.",
        decided_on=timezone.localdate() - datetime.timedelta(days=365),
    )
    with pytest.raises(ValidationError):
        list_at_marac(pw, victim)
