"""The consent ledger is read before a note is shared with the case manager (victims.consent).

Consent given (latest decision, for perpetrator programme risk management, with the agency that
holds his case) lets the note go; no decision, a refusal or "not sought" needs the lawful basis
for sharing without consent, recorded in the same form, or the note is not shared.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation
from victims import consent, services
from victims.consent import WithoutConsent
from victims.models import ConsentDecision, SharedNote

pytestmark = pytest.mark.django_db

NOTE = "He keeps turning up at the school gate; please raise it in session."
BASIS = WithoutConsent(
    consent="not_sought_unsafe",
    legal_basis="vital_interests",
    rationale="He reads her messages, so asking would alert him; the risk to her is high.",
)


def record(
    world, victim, *, consent_value="given", organisation=None, purpose="perpetrator_programme", **extra
):
    return services.consent_decision_record(
        actor=world.user("idva", "north"),
        victim=victim,
        purpose=purpose,
        receiving_organisation=organisation or world.team("case_management", "north").organisation,
        consent=consent_value,
        legal_basis="consent" if consent_value == "given" else "public_task",
        **extra,
    )


def share(world, victim, **kwargs):
    return services.shared_note_add(
        actor=world.user("idva", "north"), victim=victim, link=victim.links.get(), text=NOTE, **kwargs
    )


def test_a_note_is_not_shared_when_no_consent_decision_is_recorded(world, victim):
    with pytest.raises(ValidationError) as refused:
        share(world, victim)
    assert "no consent on record" in refused.value.message_dict["legal_basis"][0]
    assert not SharedNote.objects.exists()
    assert not ConsentDecision.objects.exists()


def test_consent_to_the_case_managers_agency_lets_the_note_be_shared(world, victim):
    record(world, victim)
    note = share(world, victim)
    assert note.text == NOTE
    assert ConsentDecision.objects.count() == 1  # nothing more written


@pytest.mark.parametrize("refusal", ["refused", "not_sought_unsafe"])
def test_the_latest_decision_counts_a_later_refusal_stops_sharing(world, victim, refusal):
    record(world, victim, decided_on=timezone.localdate() - datetime.timedelta(days=30))
    record(world, victim, consent_value=refusal)
    with pytest.raises(ValidationError):
        share(world, victim)
    assert not SharedNote.objects.exists()


def test_consent_for_another_purpose_or_another_agency_does_not_count(world, victim):
    record(world, victim, purpose="marac")
    record(world, victim, organisation=world.team("police", "north").organisation)
    with pytest.raises(ValidationError):
        share(world, victim)
    assert not SharedNote.objects.exists()


def test_recording_the_basis_shares_the_note_and_writes_it_to_the_ledger(world, victim, case_north):
    note = share(world, victim, without_consent=BASIS)
    assert note.text == NOTE
    line = ConsentDecision.objects.get()
    assert line.shared_without_consent
    assert (line.purpose, line.consent, line.legal_basis) == (
        "perpetrator_programme",
        "not_sought_unsafe",
        "vital_interests",
    )
    assert line.rationale == BASIS.rationale
    assert line.receiving_organisation == case_north.team.organisation
    assert line.decided_by == world.user("idva", "north")


@pytest.mark.parametrize(
    ("basis", "field"),
    [
        (WithoutConsent("", "vital_interests", "Needed."), "consent"),
        (WithoutConsent("given", "vital_interests", "Needed."), "consent"),
        (WithoutConsent("refused", "consent", "Needed."), "legal_basis"),
        (WithoutConsent("refused", "", "Needed."), "legal_basis"),
        (WithoutConsent("refused", "vital_interests", "   "), "basis_rationale"),
    ],
)
def test_an_incomplete_basis_is_refused_naming_what_is_missing_and_nothing_is_written(
    world, victim, basis, field
):
    with pytest.raises(ValidationError) as refused:
        share(world, victim, without_consent=basis)
    assert field in refused.value.message_dict
    assert not SharedNote.objects.exists()
    assert not ConsentDecision.objects.exists()


def test_a_basis_recorded_for_an_earlier_share_does_not_cover_a_new_one(world, victim):
    record(
        world,
        victim,
        consent_value="refused",
        shared_without_consent=True,
        rationale="Shared last month for the same reason.",
        decided_on=timezone.localdate() - datetime.timedelta(days=30),
    )
    with pytest.raises(ValidationError):
        share(world, victim)
    share(world, victim, without_consent=BASIS)  # today's basis, recorded with today's note
    assert SharedNote.objects.count() == 1


def test_a_person_with_no_case_has_no_case_manager_to_share_with(world, make_victim):
    from casework import services as casework_services

    person = casework_services.perpetrator_create(
        actor=world.user("casemanager", "north"), area=world.areas["north"], first_name="No", last_name="Case"
    )
    victim = make_victim(perpetrator=person)
    with pytest.raises(ValidationError) as refused:
        share(world, victim, without_consent=BASIS)
    assert "no case" in refused.value.message_dict["link"][0]
    assert not ConsentDecision.objects.exists()


# ---- The form -------------------------------------------------------------------------------


def note_url(victim) -> str:
    return reverse("victims:shared_note_new", args=[victim.pk])


def posted(victim, **extra) -> dict:
    return {"link": victim.links.get().pk, "text": NOTE, "confirm": "on", **extra}


def test_the_form_asks_for_the_basis_only_when_there_is_no_consent(client_for, world, victim):
    idva = client_for("idva", "north")
    page = idva.get(note_url(victim)).content.decode()
    assert "Consent to share: no consent decision is recorded" in page
    assert 'name="legal_basis"' in page and 'name="basis_rationale"' in page
    record(world, victim)
    page = idva.get(note_url(victim)).content.decode()
    assert "Consent to share: consent given on" in page
    assert 'name="legal_basis"' not in page


def test_posting_without_a_basis_says_what_is_missing_and_shares_nothing(client_for, victim):
    response = client_for("idva", "north").post(note_url(victim), posted(victim))
    assert response.status_code == 200
    assert "There is no consent on record to share this for perpetrator programme risk management" in (
        response.content.decode()
    )
    assert not SharedNote.objects.exists() and not ConsentDecision.objects.exists()


def test_posting_the_basis_shares_the_note(client_for, victim):
    response = client_for("idva", "north").post(
        note_url(victim),
        posted(
            victim,
            consent=BASIS.consent,
            legal_basis=BASIS.legal_basis,
            basis_rationale=BASIS.rationale,
        ),
    )
    assert response.status_code == 302
    assert SharedNote.objects.get().text == NOTE
    assert ConsentDecision.objects.get().shared_without_consent


@pytest.mark.django_db(transaction=True)
def test_a_refused_post_writes_nothing_in_production_conditions(live, world, case_north):
    """Real HTTP, no test transaction: the refusal leaves no ledger line and no note behind."""
    victim = services.victim_create(
        actor=world.user("idva", "north"),
        team=world.team("idva", "north"),
        first_name="Live",
        last_name="Survivor",
        perpetrator=case_north.perpetrator,
        relationship="ex_partner",
    )
    http = live.signed_in(world.user("idva", "north"))
    response = http.form_post(
        note_url(victim), posted(victim, consent="refused", legal_basis="vital_interests", basis_rationale="")
    )
    assert response.status_code == 200
    assert "Explain why sharing without consent is necessary and proportionate" in response.text
    assert not SharedNote.objects.exists() and not ConsentDecision.objects.exists()
    response = http.form_post(
        note_url(victim),
        posted(
            victim,
            **{"consent": "refused", "legal_basis": "vital_interests", "basis_rationale": BASIS.rationale},
        ),
    )
    assert response.status_code == 302
    assert SharedNote.objects.count() == ConsentDecision.objects.count() == 1


def test_the_ledger_check_is_the_same_function_the_form_reads(world, victim):
    link = victim.links.get()
    assert not consent.note_sharing_basis(victim, link).allowed
    record(world, victim)
    basis = consent.note_sharing_basis(victim, link)
    assert basis.allowed and basis.decision.consent == "given"
    assert Organisation.objects.get(pk=consent.case_manager_organisations(link)[0]) == (
        world.team("case_management", "north").organisation
    )
