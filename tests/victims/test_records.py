"""A victim-survivor's own record: links, consent ledger, shared notes, outcomes, access log
and who may open it (IDVA access ends with IDVA team membership)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import policy
from accounts.models import AuditEvent, Membership, Organisation, Role
from casework import services as casework_services
from victims import selectors, services
from victims.models import ConsentDecision, SharedNote, Victim, VictimLink, VictimOutcome

pytestmark = pytest.mark.django_db


def _perpetrator(world, first="Second", last="Person", area="north"):
    manager = world.user("casemanager", area)
    team = world.team("case_management", area)
    person = casework_services.perpetrator_create(
        actor=manager, area=team.area, first_name=first, last_name=last
    )
    casework_services.case_open(actor=manager, perpetrator=person, team=team, case_manager=manager)
    return person


# ---- Links ----------------------------------------------------------------------------------


def test_a_victim_may_be_linked_to_several_perpetrators_each_numbering_their_own(
    world, victim, make_victim, case_north
):
    idva = world.user("idva", "north")
    other = _perpetrator(world)
    second = services.victim_link_create(
        actor=idva,
        victim=victim,
        perpetrator=other,
        relationship="ex_partner",
        started_on=datetime.date(2015, 1, 1),
    )
    assert second.label_number == 1, "numbered per perpetrator"
    another_victim = make_victim(perpetrator=case_north.perpetrator, first_name="Amy")
    assert another_victim.links.get().label_number == 2
    assert {link.perpetrator for link in selectors.links_of(victim)} == {case_north.perpetrator, other}
    assert second.safe_label == "Ex-partner, victim 1"
    assert AuditEvent.objects.filter(object_type="victims.victimlink", object_id=str(second.pk)).exists()
    with pytest.raises(ValidationError):
        services.victim_link_create(actor=idva, victim=victim, perpetrator=other, relationship="partner")


def test_ending_a_link_keeps_it_and_checks_the_date(world, victim):
    idva = world.user("idva", "north")
    link = victim.links.get()
    VictimLink.objects.filter(pk=link.pk).update(started_on=datetime.date(2020, 5, 1))
    link.refresh_from_db()
    with pytest.raises(ValidationError):
        services.victim_link_end(actor=idva, link=link, ended_on=datetime.date(2019, 1, 1))
    services.victim_link_end(actor=idva, link=link, ended_on=datetime.date(2024, 2, 1))
    link.refresh_from_db()
    assert not link.is_current and link.ended_on == datetime.date(2024, 2, 1)
    assert VictimLink.objects.filter(pk=link.pk).exists(), "history kept"


def test_link_pages_for_the_idva_team_only(client_for, client, world, victim):
    other = _perpetrator(world)
    case = other.cases.get()
    url = reverse("victims:link_new", args=[victim.pk])
    assert client.get(url).status_code == 302
    assert client_for("casemanager", "north").get(url).status_code == 403
    assert client_for("idva", "south").get(url).status_code == 404
    response = client_for("idva", "north").post(
        url, {"case_reference": case.reference, "relationship": "ex_partner"}
    )
    assert response.status_code == 302
    assert VictimLink.objects.filter(victim=victim, perpetrator=other).exists()
    page = client_for("idva", "north").post(url, {"case_reference": "TL-999999", "relationship": "partner"})
    assert "No case in this area has that reference" in page.content.decode()
    link = VictimLink.objects.get(victim=victim, perpetrator=other)
    end = reverse("victims:link_end", args=[victim.pk, link.pk])
    response = client_for("idva", "north").post(
        end, {"ended_on_day": "1", "ended_on_month": "2", "ended_on_year": "2025"}
    )
    assert response.status_code == 302
    link.refresh_from_db()
    assert not link.is_current


# ---- Consent ledger ---------------------------------------------------------------------------


def test_consent_ledger_rules(world, victim):
    idva = world.user("idva", "north")
    police = Organisation.objects.filter(area=victim.area, kind=Organisation.Kind.POLICE).first()
    assert police is not None
    given = services.consent_decision_record(
        actor=idva,
        victim=victim,
        purpose="marac",
        receiving_organisation=police,
        consent="given",
        legal_basis="consent",
    )
    assert given.decided_by == idva and given.decided_on is not None
    with pytest.raises(ValidationError) as raised:
        services.consent_decision_record(
            actor=idva,
            victim=victim,
            purpose="police",
            receiving_organisation=police,
            consent="refused",
            legal_basis="public_task",
            shared_without_consent=True,
            rationale="  ",
        )
    assert "rationale" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        services.consent_decision_record(
            actor=idva,
            victim=victim,
            purpose="police",
            receiving_organisation=police,
            consent="refused",
            legal_basis="consent",
        )
    assert "legal_basis" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        services.consent_decision_record(
            actor=idva,
            victim=victim,
            purpose="police",
            receiving_organisation=police,
            consent="given",
            legal_basis="consent",
            shared_without_consent=True,
            rationale="x",
        )
    assert "shared_without_consent" in raised.value.message_dict
    override = services.consent_decision_record(
        actor=idva,
        victim=victim,
        purpose="safeguarding_children",
        receiving_organisation=police,
        consent="not_sought_unsafe",
        legal_basis="public_task",
        shared_without_consent=True,
        rationale="Children at immediate risk",
    )
    assert override.shared_without_consent
    assert ConsentDecision.objects.filter(victim=victim).count() == 2
    assert AuditEvent.objects.filter(object_type="victims.consentdecision").count() == 2


def test_the_sharing_tab_lists_the_ledger_for_the_idva_team(client_for, world, victim):
    police = Organisation.objects.filter(area=victim.area, kind=Organisation.Kind.POLICE).first()
    url = reverse("victims:consent_new", args=[victim.pk])
    page = client_for("idva", "north").post(
        url,
        {
            "purpose": "police",
            "receiving_organisation": police.pk,
            "consent": "refused",
            "legal_basis": "public_task",
            "shared_without_consent": "on",
            "rationale": "",
        },
    )
    assert page.status_code == 200 and "There is a problem" in page.content.decode()
    assert not ConsentDecision.objects.exists()
    tab = reverse("victims:sharing", args=[victim.pk])
    assert client_for("casemanager", "north").get(tab).status_code == 403
    assert client_for("idva", "south").get(tab).status_code == 404
    assert client_for("idva", "north").get(tab).status_code == 200


# ---- Shared notes ---------------------------------------------------------------------------


def test_a_note_reaches_the_case_manager_only_once_the_idva_shares_it(client_for, world, victim, case_north):
    idva = world.user("idva", "north")
    services.safety_note_add(actor=idva, victim=victim, text="PRIVATE-SAFETY-NOTE-881")
    safe_url = reverse("victims:case_linked_victims", args=[case_north.pk])
    before = client_for("casemanager", "north").get(safe_url).content.decode()
    assert "SHARED-NOTE-772" not in before and "PRIVATE-SAFETY-NOTE-881" not in before
    services.consent_decision_record(  # she agreed to notes going to his case manager
        actor=idva,
        victim=victim,
        purpose="perpetrator_programme",
        receiving_organisation=case_north.team.organisation,
        consent="given",
        legal_basis="consent",
    )
    response = client_for("idva", "north").post(
        reverse("victims:shared_note_new", args=[victim.pk]),
        {"link": victim.links.get().pk, "text": "SHARED-NOTE-772 missed two sessions", "confirm": "on"},
    )
    assert response.status_code == 302 and SharedNote.objects.count() == 1
    after = client_for("casemanager", "north").get(safe_url).content.decode()
    assert "SHARED-NOTE-772" in after and "PRIVATE-SAFETY-NOTE-881" not in after
    assert victim.full_name not in after, "the safe view names no one"
    # A case manager of another perpetrator does not get it.
    other = _perpetrator(world, area="south")
    other_page = client_for("casemanager", "south").get(
        reverse("victims:case_linked_victims", args=[other.cases.get().pk])
    )
    assert "SHARED-NOTE-772" not in other_page.content.decode()


def test_sharing_needs_the_idvas_confirmation(client_for, victim):
    page = client_for("idva", "north").post(
        reverse("victims:shared_note_new", args=[victim.pk]),
        {"link": victim.links.get().pk, "text": "Something"},
    )
    assert "Confirm you have checked the note before sharing it" in page.content.decode()
    assert not SharedNote.objects.exists()


# ---- Outcomes -------------------------------------------------------------------------------

OUTCOME = {
    "physical_abuse": "yes",
    "sexual_abuse": "not_said",
    "harassment_stalking": "yes",
    "jealous_controlling": "yes",
    "idva_risk": "high",
    "space_for_action": 2,
}


def test_outcomes_at_intake_and_exit_one_each(world, victim):
    idva = world.user("idva", "north")
    services.outcome_record(actor=idva, victim=victim, stage="intake", **OUTCOME)
    services.outcome_record(actor=idva, victim=victim, stage="intake", **(OUTCOME | {"space_for_action": 3}))
    services.outcome_record(
        actor=idva, victim=victim, stage="exit", **(OUTCOME | {"physical_abuse": "no", "idva_risk": "medium"})
    )
    assert VictimOutcome.objects.filter(victim=victim).count() == 2
    assert VictimOutcome.objects.get(victim=victim, stage="intake").space_for_action == 3


def test_outcome_pages(client_for, client, victim):
    url = reverse("victims:outcome_edit", args=[victim.pk, "intake"])
    assert client.get(url).status_code == 302
    assert client_for("casemanager", "north").get(url).status_code == 403
    assert (
        client_for("idva", "north")
        .get(reverse("victims:outcome_edit", args=[victim.pk, "nonsense"]))
        .status_code
        == 404
    )
    today = datetime.date.today()
    dated = OUTCOME | {
        "recorded_on_day": today.day,
        "recorded_on_month": today.month,
        "recorded_on_year": today.year,
    }
    assert client_for("idva", "north").post(url, dated).status_code == 302
    page = client_for("idva", "north").get(reverse("victims:outcomes", args=[victim.pk])).content.decode()
    assert "Physical abuse" in page and "Yes" in page and "Not recorded" in page


# ---- Access log -----------------------------------------------------------------------------


def test_the_access_log_shows_who_opened_the_record(client_for, client, world, victim):
    client_for("idva", "north").get(reverse("victims:contact", args=[victim.pk]))
    url = reverse("victims:access_log", args=[victim.pk])
    assert client.get(url).status_code == 302
    assert client_for("idva", "north").get(url).status_code == 403, "the IDVA is not a supervisor"
    assert client_for("casemanager", "north").get(url).status_code == 403
    assert client_for("supervisor", "south").get(url).status_code == 404
    page = client_for("idvamanager", "north").get(url).content.decode()
    assert world.user("idva", "north").email in page and "victim record: contact" in page
    dpo = client_for("dpo", "north").get(url)
    assert dpo.status_code == 200 and world.user("idva", "north").email in dpo.content.decode()
    assert "Larkspur" not in dpo.content.decode()


# ---- Who may open the record ----------------------------------------------------------------


def test_an_idva_moved_to_case_management_loses_the_record_at_the_next_request(client_for, world, victim):
    idva = world.user("idva", "north")
    assert victim.idva == idva
    client = client_for("idva", "north")
    assert client.get(reverse("victims:detail", args=[victim.pk])).status_code == 200
    Membership.objects.filter(user=idva, role=Role.IDVA).update(active=False)
    Membership.objects.create(user=idva, team=world.team("case_management", "north"), role=Role.CASE_MANAGER)
    fresh = type(idva).objects.get(pk=idva.pk)
    assert not policy.visible(fresh, Victim).filter(pk=victim.pk).exists()
    assert not policy.can(fresh, policy.EDIT, victim)
    assert client.get(reverse("victims:detail", args=[victim.pk])).status_code == 403  # no IDVA role left


def test_an_idva_moved_to_another_idva_team_loses_the_old_teams_record(client_for, world, victim):
    idva = world.user("idva", "north")
    Membership.objects.filter(user=idva, role=Role.IDVA).update(active=False)
    Membership.objects.create(user=idva, team=world.team("idva", "south"), role=Role.IDVA)
    client = client_for("idva", "north")
    assert client.get(reverse("victims:detail", args=[victim.pk])).status_code == 404
    assert client.get(reverse("victims:contact", args=[victim.pk])).status_code == 404
    # Back in the team: access returns.
    Membership.objects.filter(user=idva, team=world.team("idva", "north")).update(active=True)
    assert client.get(reverse("victims:detail", args=[victim.pk])).status_code == 200
