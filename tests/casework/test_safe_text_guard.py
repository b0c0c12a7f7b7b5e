"""Perpetrator-side free text refuses a victim's location or contact details; machine feeds mask them.

Forms are posted through the real pages as the north case manager (or supervisor where only they
may act): each refusal shows the GOV.UK error with the message naming what was found and saves
nothing. The API answers 400 naming the field. The police CSV import and the incident feed store
masked text and count (never record) what they removed. Each service refuses on its own too
(tests/casework/test_safe_text_services.py).
"""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from rest_framework.test import APIClient

from accounts.models import AuditEvent, Organisation
from accounts.models_api import Scope
from accounts.safe_text import ADDRESS as STREET_ADDRESS
from accounts.safe_text import (
    CONTACT_DETAILS_MESSAGE,
    EMAIL,
    PHONE,
    POSTCODE,
    contact_details_message,
)
from casework import services, services_legal
from casework.models import (
    Assessment,
    AssessmentInstrument,
    CaseClosure,
    CaseNote,
    CaseSession,
    CustodyRecord,
    DisruptionAction,
    FlagKind,
    FlagRecipient,
    Incident,
    Order,
    OrderBreach,
    RiskLevelChange,
    SupportGoal,
)
from referrals.models import Referral
from tests.api.conftest import make_token
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

ADDRESS = "She has moved to 4 Elm Row, LS6 2AB"
PHONE_TEXT = "Her new number is 07700 900982"
EMAIL_TEXT = "Contact her on leah.m@example.org"
STREET = "She is staying at 14 Acacia Avenue"
SCHOOL_TEXT = "Her son has started at St Mary's Primary School"


def url(name, case, *args):
    return reverse(f"casework:{name}", args=[case.pk, *args])


def date_fields(name: str, value: datetime.date) -> dict:
    return {f"{name}_day": value.day, f"{name}_month": value.month, f"{name}_year": value.year}


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def assert_refused(response):
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert escape(CONTACT_DETAILS_MESSAGE) in body


@pytest.fixture
def manager(client_for):
    return client_for("casemanager", "north")


# --- Forms typed by people: refused, nothing saved ----------------------------------------------


def test_incident_summary_with_contact_details_is_refused(manager, case):
    data = {
        **date_fields("occurred_on", days_ago(3)),
        "incident_type": "crime",
        "offence": "common_assault",
        "is_domestic_abuse": "yes",
    }
    for text in (
        ADDRESS,
        PHONE_TEXT,
        EMAIL_TEXT,
        STREET,
        SCHOOL_TEXT,
        "Seen near LS6 2 yesterday",
        "+44 113 496 0000",
    ):
        assert_refused(manager.post(url("incident_add", case), {**data, "summary": text}))
    assert not Incident.all_objects.exists()


def test_incident_summary_with_references_dates_and_times_is_saved(manager, case):
    summary = "Ref NP/2026/001234, PNC 26/123456A, case TL-000123: at 21:30 on 01/03/2026."
    data = {
        **date_fields("occurred_on", days_ago(3)),
        "incident_type": "crime",
        "offence": "common_assault",
        "is_domestic_abuse": "yes",
        "summary": summary,
    }
    assert manager.post(url("incident_add", case), data).status_code == 302
    assert Incident.objects.get().summary == summary


def test_order_conditions_detail_is_refused_and_its_help_says_describe_by_reference(manager, case):
    page = manager.get(url("order_add", case)).content.decode()
    assert "by reference to the order" in page and "street names near a victim" in page
    data = {
        "kind": "dvpo",
        **date_fields("made_on", days_ago(2)),
        "conditions": ["exclusion_zone"],
        "conditions_detail": "Not to enter Elm Row, LS6 2AB",
    }
    assert_refused(manager.post(url("order_add", case), data))
    assert not Order.objects.exists()


def test_order_breach_description_is_refused(manager, case, world):
    order = services_legal.order_create(
        actor=world.user("casemanager", "north"), case=case, kind="dvpo", made_on=days_ago(5)
    )
    data = {**date_fields("occurred_on", days_ago(1)), "description": PHONE_TEXT, "action_taken": "Arrested"}
    assert_refused(manager.post(url("breach_add", case, order.pk), data))
    assert not OrderBreach.objects.exists()


def test_disruption_action_description_and_outcome_are_refused(manager, case):
    police = Organisation.objects.get(name="Northshire Police")
    data = {"lever": "welfare_check", "agency": police.pk, "description": ADDRESS, "status": "planned"}
    assert_refused(manager.post(url("action_add", case), data))
    assert_refused(
        manager.post(url("action_add", case), {**data, "description": "Visit", "outcome": EMAIL_TEXT})
    )
    assert not DisruptionAction.objects.exists()


def test_support_goal_is_refused(manager, case):
    data = {"need_domain": "housing", "goal": f"Keep away from {ADDRESS}", "status": "in_progress"}
    assert_refused(manager.post(url("goal_add", case), data))
    assert not SupportGoal.objects.exists()


def test_session_notes_are_refused(manager, case):
    data = {
        "kind": "one_to_one",
        **date_fields("held_on", days_ago(1)),
        "attendance": "attended",
        "notes": PHONE_TEXT,
    }
    assert_refused(manager.post(url("session_add", case), data))
    assert not CaseSession.objects.exists()


def test_case_note_is_refused(manager, case):
    data = {"kind": "contact", "sensitivity": "standard", "text": EMAIL_TEXT}
    assert_refused(manager.post(url("note_add", case), data))
    assert not CaseNote.all_objects.exists()


def test_risk_change_reason_is_refused(manager, case):
    data = {"risk_level": "high", "reason": ADDRESS, "version": case.version}
    assert_refused(manager.post(url("case_risk", case), data))
    assert not RiskLevelChange.objects.exists()


def test_closure_summary_is_refused(manager, case):
    data = {
        "reason": "completed",
        "summary": f"Work done. {PHONE_TEXT}",
        "behaviour_physical": "0",
        "behaviour_sexual": "0",
        "behaviour_harassment_stalking": "0",
        "behaviour_jealous_controlling": "0",
    }
    assert_refused(manager.post(url("closure_request", case), data))
    assert not CaseClosure.objects.exists()


@pytest.mark.usefixtures("instruments")
def test_assessment_text_answer_is_refused(manager, case):
    ace = AssessmentInstrument.objects.get(code="ace", version=1)
    manager.post(url("assessments", case), {"instrument": ace.pk})
    assessment = Assessment.objects.get()
    response = manager.post(
        url("assessment", case, assessment.pk), {"version": 1, "q_notes": ADDRESS, "save": "1"}
    )
    assert_refused(response)
    assessment.refresh_from_db()
    assert assessment.answers == {} and assessment.version == 1


def test_flag_acknowledgement_note_is_refused(manager, world):
    from casework import jobs
    from tests.casework.flags.support import TODAY, days, make_case, make_victim
    from victims import flag_rules  # noqa: F401  (registers the victim-side rules)

    flagged = make_case(world)
    make_victim(world, flagged)
    CustodyRecord.objects.create(
        case=flagged,
        perpetrator=flagged.perpetrator,
        sentence_date=days(-400),
        expected_release_on=days(7),
        created_by=flagged.case_manager,
    )
    jobs.scan_all(today=TODAY)
    copy = FlagRecipient.objects.get(user=world.user("casemanager", "north"), flag__kind=FlagKind.RELEASE)
    response = manager.post(
        reverse("casework:flag_detail", args=[copy.pk]), {"note": f"Told her. {PHONE_TEXT}"}
    )
    assert_refused(response)
    copy.refresh_from_db()
    assert copy.acknowledged_at is None


@pytest.mark.parametrize("field", ["concerns", "consent_notes"])
def test_referral_concerns_and_consent_notes_are_refused_but_victim_details_are_not(manager, world, field):
    from tests.referrals.test_intake import _post_data

    data = _post_data(world.team("case_management", "north"), **{field: ADDRESS})
    assert_refused(manager.post(reverse("referrals:create"), data))
    assert not Referral.objects.exists()
    # The restricted victim section (an address, postcode and phone in _post_data) is where they belong.
    response = manager.post(reverse("referrals:create"), _post_data(world.team("case_management", "north")))
    assert response.status_code == 302 and Referral.objects.count() == 1


def test_the_perpetrators_own_address_is_still_accepted(manager, case):
    data = {"line_1": "3 Mill Lane", "town": "Northtown", "postcode": "LS6 2AB"}
    assert manager.post(url("address_add", case), data).status_code == 302


# --- The API: 400 naming the field ----------------------------------------------------------------


@pytest.fixture
def api(world):
    return sign_in(APIClient(), world.user("casemanager", "north"))


def test_api_refuses_a_disruption_outcome_with_a_phone_number(api, case, world):
    action = services.disruption_action_add(
        case=case,
        actor=world.user("casemanager", "north"),
        lever="welfare_check",
        agency=Organisation.objects.get(name="Northshire Police"),
        description="Welfare check",
        status="planned",
    )
    response = api.patch(
        f"/api/disruption-actions/{action.pk}/",
        {"version": action.version, "outcome": PHONE_TEXT},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["outcome"] == [contact_details_message([PHONE])]
    action.refresh_from_db()
    assert action.outcome == "" and action.version == 1


def test_api_refuses_order_conditions_detail_with_a_postcode(api, case, world):
    order = services_legal.order_create(
        actor=world.user("casemanager", "north"), case=case, kind="dvpo", made_on=days_ago(5)
    )
    response = api.patch(
        f"/api/orders/{order.pk}/", {"version": order.version, "conditions_detail": ADDRESS}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["conditions_detail"] == [contact_details_message([STREET_ADDRESS, POSTCODE])]
    order.refresh_from_db()
    assert order.conditions_detail == ""


def test_api_refuses_referral_concerns_with_an_email(world):
    from tests.api.test_partner_endpoints import referral

    client = APIClient()
    _, raw = make_token(world.user("police", "north"), scopes=[Scope.REFERRALS_WRITE])
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    response = client.post("/api/referrals/", referral(world, concerns=EMAIL_TEXT), format="json")
    assert response.status_code == 400
    assert response.json()["concerns"] == [contact_details_message([EMAIL])]
    assert not Referral.objects.exists()


# --- Machine feeds: masked, counted ---------------------------------------------------------------

# As the issue found it: a house number and street, and a child's primary school, beside the rest.
FEED_SUMMARY = (
    "Victim now at 14 Acacia Avenue LS6 2AB, mobile 07700 900982, email leah.m@example.org; "
    "child attends St Mary's Primary School. PC 1234 attended. Ref NP/2026/001234."
)
MASKED = (
    "Victim now at [address removed] [postcode removed], mobile [phone number removed], email "
    "[email removed]; child attends [school removed]. PC 1234 attended. Ref NP/2026/001234."
)


def test_csv_import_stores_masked_summaries_and_audits_the_count(manager, case):
    text = (
        "police_reference,occurred_on,incident_type,offence,is_domestic_abuse,perpetrator_id,summary\n"
        f'NS/500,{days_ago(2).isoformat()},crime,abh,yes,{case.perpetrator.pk},"{FEED_SUMMARY}"\n'
        f"NS/501,{days_ago(1).isoformat()},crime,abh,yes,{case.perpetrator.pk},Officers attended at 21:30\n"
    )
    response = manager.post(
        reverse("casework:incident_import"), {"file": SimpleUploadedFile("extract.csv", text.encode())}
    )
    assert "2 incidents imported" in response.content.decode()
    assert Incident.objects.get(police_reference="NS/500").summary == MASKED
    assert Incident.objects.get(police_reference="NS/501").summary == "Officers attended at 21:30"
    event = AuditEvent.objects.get(object_type="casework.incidentimport")
    assert "5 contact detail(s) removed from summaries" in event.purpose
    assert "07700" not in event.purpose and "LS6" not in event.purpose and "Acacia" not in event.purpose


def test_incident_feed_stores_masked_summaries(world, case):
    client = APIClient()
    _, raw = make_token(world.user("supervisor", "north"), scopes=[Scope.INCIDENTS_WRITE])
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    data = {
        "police_reference": "NP/2026/7001",
        "occurred_on": days_ago(3).isoformat(),
        "incident_type": "crime",
        "offence": "common_assault",
        "is_domestic_abuse": True,
        "perpetrator_id": case.perpetrator_id,
        "summary": FEED_SUMMARY,
    }
    response = client.post("/api/incidents/", data, format="json")
    assert response.status_code == 201, response.json()
    assert Incident.objects.get(pk=response.json()["incident_ids"][0]).summary == MASKED
    event = AuditEvent.objects.get(object_type="casework.incidentimport")
    assert "5 contact detail(s) removed" in event.purpose
