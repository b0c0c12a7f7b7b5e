"""Closure: request with exit outcomes, supervisor approval or return, reopening keeps history."""

import pytest
from django.urls import reverse

from casework import services
from casework.models import Case, CaseClosure, OutcomeMeasure

pytestmark = pytest.mark.django_db

EXIT = {
    "reason": "completed",
    "summary": "Completed 10 months of one-to-one work.",
    "behaviour_physical": "0",
    "behaviour_sexual": "0",
    "behaviour_harassment_stalking": "1",
    "behaviour_jealous_controlling": "2",
}


def url(name, case):
    return reverse(f"casework:{name}", args=[case.pk])


def test_request_closure_needs_every_outcome(client_for, case):
    response = client_for("casemanager", "north").post(
        url("closure_request", case), {**EXIT, "behaviour_sexual": ""}
    )
    assert "Choose how often sexual abuse is happening now" in response.content.decode()
    case.refresh_from_db()
    assert case.phase == "assessment" and not CaseClosure.objects.exists()


def test_closure_journey_approve_then_reopen(client_for, case):
    manager, supervisor = client_for("casemanager", "north"), client_for("supervisor", "north")
    assert manager.post(url("closure_request", case), EXIT).status_code == 302
    case.refresh_from_db()
    assert case.phase == Case.Phase.CLOSING
    assert OutcomeMeasure.objects.filter(case=case, time_point="exit").count() == 4
    # The case manager cannot approve their own closure.
    assert manager.post(url("closure_decide", case), {"decision": "approve"}).status_code == 403
    assert supervisor.post(url("closure_decide", case), {"decision": "approve"}).status_code == 302
    case.refresh_from_db()
    assert case.phase == Case.Phase.CLOSED and case.closed_on is not None
    # Reopening keeps the closure and its outcomes.
    assert manager.post(url("case_reopen", case), {"reason": "New incident"}).status_code == 403
    assert supervisor.post(url("case_reopen", case), {"reason": ""}).status_code == 200
    assert supervisor.post(url("case_reopen", case), {"reason": "New incident"}).status_code == 302
    case.refresh_from_db()
    closure = CaseClosure.objects.get()
    assert case.phase == Case.Phase.ACTIVE and case.closed_on is None
    assert closure.decision == "approved" and closure.reopen_reason == "New incident"
    assert OutcomeMeasure.objects.filter(case=case).count() == 4
    body = manager.get(url("closure", case)).content.decode()
    assert "Reopened" in body and "Completed 10 months" in body


def test_supervisor_may_return_a_closure_with_a_note(client_for, case):
    client_for("casemanager", "north").post(url("closure_request", case), EXIT)
    supervisor = client_for("supervisor", "north")
    response = supervisor.post(url("closure_decide", case), {"decision": "return", "note": ""})
    assert "Enter why the closure is being returned" in response.content.decode()
    assert (
        supervisor.post(
            url("closure_decide", case), {"decision": "return", "note": "Do the exit DASH"}
        ).status_code
        == 302
    )
    case.refresh_from_db()
    assert case.phase == Case.Phase.ACTIVE and CaseClosure.objects.get().decision == "returned"


def test_closure_cannot_be_requested_twice(client_for, case):
    client = client_for("casemanager", "north")
    client.post(url("closure_request", case), EXIT)
    assert client.post(url("closure_request", case), EXIT).status_code == 302
    assert CaseClosure.objects.count() == 1


def test_other_area_cannot_reach_closure(client_for, case):
    assert (
        client_for("supervisor", "south")
        .post(url("closure_decide", case), {"decision": "approve"})
        .status_code
        == 404
    )


def test_intake_and_mid_point_outcomes(client_for, case):
    client = client_for("casemanager", "north")
    data = {k: v for k, v in EXIT.items() if k.startswith("behaviour_")}
    assert client.post(url("outcomes", case), {"time_point": "intake", **data}).status_code == 302
    assert client.post(url("outcomes", case), {"time_point": "exit", **data}).status_code == 200
    services.outcome_measures_record(
        case=case, actor=case.case_manager, time_point="intake", ratings={"physical": 3}
    )
    assert OutcomeMeasure.objects.get(case=case, behaviour="physical", time_point="intake").frequency == 3
    assert OutcomeMeasure.objects.filter(case=case, time_point="intake").count() == 4
