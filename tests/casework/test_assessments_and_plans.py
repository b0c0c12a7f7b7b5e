"""Versioned assessments and the support and disruption plans."""

import pytest
from django.urls import reverse

from accounts.models import Organisation
from casework.models import Assessment, AssessmentInstrument, DisruptionAction, SupportGoal

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("instruments")]


def url(name, case, *args):
    return reverse(f"casework:{name}", args=[case.pk, *args])


def test_instruments_are_shipped():
    codes = set(AssessmentInstrument.objects.filter(active=True).values_list("code", flat=True))
    assert {"needs", "ace", "motivation", "risk_summary", "ppit"} <= codes


def test_start_save_and_complete_an_assessment(client_for, case):
    client = client_for("casemanager", "north")
    ace = AssessmentInstrument.objects.get(code="ace", version=1)
    response = client.post(url("assessments", case), {"instrument": ace.pk})
    assessment = Assessment.objects.get()
    assert response.status_code == 302 and response.url == url("assessment", case, assessment.pk)
    # A draft may be saved half-filled.
    response = client.post(
        url("assessment", case, assessment.pk), {"version": 1, "q_notes": "some", "save": "1"}
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == "draft" and assessment.answers == {"notes": "some"}
    # Completing needs every question with a value.
    response = client.post(url("assessment", case, assessment.pk), {"version": 2, "complete": "1"})
    assert response.status_code == 200 and "before completing" in response.content.decode()
    response = client.post(
        url("assessment", case, assessment.pk), {"version": 2, "q_ace_count": "11", "complete": "1"}
    )
    assert "from 0 to 10" in response.content.decode()
    response = client.post(
        url("assessment", case, assessment.pk), {"version": 2, "q_ace_count": "4", "complete": "1"}
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.is_completed and assessment.answers["ace_count"] == 4
    assert assessment.completed_by == case.case_manager and assessment.instrument == ace


def test_a_completed_assessment_cannot_change_and_keeps_its_version(client_for, case):
    client = client_for("casemanager", "north")
    needs = AssessmentInstrument.objects.get(code="needs", version=1)
    client.post(url("assessments", case), {"instrument": needs.pk})
    assessment = Assessment.objects.get()
    answers = {f"q_{q['key']}": "high" for q in needs.structure if q["type"] == "severity"}
    assert (
        client.post(
            url("assessment", case, assessment.pk), {"version": 1, "complete": "1", **answers}
        ).status_code
        == 302
    )
    # A new version of the instrument does not touch the completed assessment.
    AssessmentInstrument.objects.create(code="needs", version=2, name="Needs assessment", structure=[])
    client.post(url("assessment", case, assessment.pk), {"version": 2, "q_housing": "low"})
    assessment.refresh_from_db()
    assert assessment.answers["housing"] == "high" and assessment.instrument.version == 1
    body = client.get(url("assessment", case, assessment.pk)).content.decode()
    assert "Version 1, completed" in body and "cannot be changed" in body


def test_ppit_score_counts_yes_answers(client_for, case):
    ppit = AssessmentInstrument.objects.get(code="ppit")
    assessment = Assessment.objects.create(
        case=case,
        instrument=ppit,
        started_by=case.case_manager,
        answers={"item_1": "yes", "item_2": "no", "item_3": "yes"},
    )
    assert assessment.score == 2


def test_colleague_cannot_start_or_fill_an_assessment(client_for, case):
    client = client_for("casemanager2", "north")
    ace = AssessmentInstrument.objects.get(code="ace")
    assert client.post(url("assessments", case), {"instrument": ace.pk}).status_code == 403
    assert client.get(url("assessments", case)).status_code == 200
    assert client_for("casemanager", "south").get(url("assessments", case)).status_code == 404


def test_assessment_of_another_case_is_404(client_for, make_case):
    first, second = make_case(), make_case(first_name="Other")
    item = Assessment.objects.create(
        case=first, instrument=AssessmentInstrument.objects.get(code="ace"), started_by=first.case_manager
    )
    assert client_for("casemanager", "north").get(url("assessment", second, item.pk)).status_code == 404


def test_plans_show_goals_and_actions_side_by_side(client_for, case, world):
    client = client_for("casemanager", "north")
    response = client.post(
        url("goal_add", case),
        {"need_domain": "housing", "goal": "Find settled housing", "status": "in_progress"},
    )
    assert response.status_code == 302
    police = Organisation.objects.get(name="Northshire Police")
    response = client.post(
        url("action_add", case),
        {
            "lever": "dvds_disclosure",
            "agency": police.pk,
            "description": "Right to Know disclosure to new partner",
            "status": "planned",
            "due_date_day": "1",
            "due_date_month": "1",
            "due_date_year": "2020",
        },
    )
    assert response.status_code == 302
    body = client.get(url("plans", case)).content.decode()
    assert "Find settled housing" in body and "Right to Know disclosure" in body and "Overdue" in body


def test_disruption_agency_must_be_in_the_area(client_for, case):
    south_police = Organisation.objects.get(name="Southvale Police")
    response = client_for("casemanager", "north").post(
        url("action_add", case),
        {"lever": "welfare_check", "agency": south_police.pk, "description": "x", "status": "planned"},
    )
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    assert not DisruptionAction.objects.exists()


def test_plan_items_are_edited_with_optimistic_concurrency(client_for, case):
    goal = SupportGoal.objects.create(
        case=case, need_domain="finance", goal="Budget", created_by=case.case_manager
    )
    client = client_for("casemanager", "north")
    data = {"need_domain": "finance", "goal": "Budget plan", "status": "achieved", "version": 1}
    assert client.post(url("goal_edit", case, goal.pk), data).status_code == 302
    response = client.post(url("goal_edit", case, goal.pk), {**data, "status": "stopped"})
    assert "Someone else changed this record" in response.content.decode()
    goal.refresh_from_db()
    assert goal.status == "achieved" and goal.history.count() == 2


def test_plan_item_of_another_case_is_404(client_for, make_case):
    first, second = make_case(), make_case(first_name="Other")
    goal = SupportGoal.objects.create(
        case=first, need_domain="finance", goal="x", created_by=first.case_manager
    )
    assert client_for("casemanager", "north").get(url("goal_edit", second, goal.pk)).status_code == 404
    assert client_for("casemanager2", "north").get(url("goal_edit", first, goal.pk)).status_code == 403
