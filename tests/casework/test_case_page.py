"""The case page: who may open it, editing with optimistic concurrency, risk changes, allocation."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from casework.models import Case, RiskLevelChange

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_sign_in(client, case):
    response = client.get(reverse("casework:case", args=[case.pk]))
    assert response.status_code == 302 and "/sign-in/" in response.url


def test_other_area_gets_404(client_for, case):
    assert client_for("casemanager", "south").get(reverse("casework:case", args=[case.pk])).status_code == 404
    assert client_for("supervisor", "south").get(reverse("casework:case", args=[case.pk])).status_code == 404


def test_other_agencies_get_404(client_for, case):
    for login in ("idva", "police", "analyst", "coordinator"):
        response = client_for(login, "north").get(reverse("casework:case", args=[case.pk]))
        assert response.status_code == 404, login


def test_admin_alone_does_not_open_a_case(client_for, case):
    assert client_for("admin").get(reverse("casework:case", args=[case.pk])).status_code == 404


def test_case_manager_sees_the_overview_and_the_view_is_audited(client_for, case):
    response = client_for("casemanager", "north").get(reverse("casework:case", args=[case.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Darren Holt" in body and case.reference in body
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, object_type="casework.case", object_id=str(case.pk)
    ).exists()


def test_every_tab_opens_for_the_case_manager(client_for, case):
    client = client_for("casemanager", "north")
    for name in ("case", "person", "assessments", "plans", "sessions", "notes", "chronology", "closure"):
        assert client.get(reverse(f"casework:{name}", args=[case.pk])).status_code == 200, name


def test_team_colleague_may_view_but_not_edit(client_for, case):
    client = client_for("casemanager2", "north")
    assert client.get(reverse("casework:case", args=[case.pk])).status_code == 200
    assert client.get(reverse("casework:case_edit", args=[case.pk])).status_code == 403
    assert client.post(reverse("casework:case_risk", args=[case.pk]), {}).status_code == 403


def test_case_manager_edits_case_details(client_for, case):
    response = client_for("casemanager", "north").post(
        reverse("casework:case_edit", args=[case.pk]),
        {
            "intervention_type": "group",
            "phase": "active",
            "next_review_date_day": "1",
            "next_review_date_month": "3",
            "next_review_date_year": "2030",
            "version": case.version,
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.intervention_type == "group" and case.phase == "active" and case.version == 2
    assert case.history.count() >= 2


def test_a_stale_edit_is_refused_and_changes_nothing(client_for, case):
    data = {"intervention_type": "group", "phase": "active", "version": case.version}
    client = client_for("casemanager", "north")
    assert client.post(reverse("casework:case_edit", args=[case.pk]), data).status_code == 302
    stale = {"intervention_type": "early", "phase": "disrupt", "version": case.version}
    response = client.post(reverse("casework:case_edit", args=[case.pk]), stale)
    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()
    case.refresh_from_db()
    assert case.intervention_type == "group" and case.phase == "active"


def test_closing_is_not_possible_from_the_edit_form(client_for, case):
    response = client_for("casemanager", "north").post(
        reverse("casework:case_edit", args=[case.pk]),
        {"intervention_type": "intensive", "phase": "closed", "version": case.version},
    )
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    case.refresh_from_db()
    assert case.phase == Case.Phase.ASSESSMENT


def test_bad_date_shows_a_govuk_error(client_for, case):
    response = client_for("casemanager", "north").post(
        reverse("casework:case_edit", args=[case.pk]),
        {
            "intervention_type": "intensive",
            "phase": "active",
            "next_review_date_day": "31",
            "next_review_date_month": "2",
            "next_review_date_year": "2030",
            "version": case.version,
        },
    )
    assert response.status_code == 200
    assert "must be a real date" in response.content.decode()


def test_risk_change_needs_a_reason(client_for, case):
    response = client_for("casemanager", "north").post(
        reverse("casework:case_risk", args=[case.pk]),
        {"risk_level": "high", "reason": "", "version": case.version},
    )
    assert response.status_code == 200
    assert "Enter the reason the risk level is changing" in response.content.decode()
    case.refresh_from_db()
    assert case.risk_level == "standard" and not RiskLevelChange.objects.exists()


def test_risk_change_is_kept_in_history(client_for, case):
    client = client_for("casemanager", "north")
    response = client.post(
        reverse("casework:case_risk", args=[case.pk]),
        {"risk_level": "high", "reason": "New partner; breach of bail", "version": case.version},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.risk_level == "high"
    change = RiskLevelChange.objects.get(case=case)
    assert (change.from_level, change.to_level, change.changed_by) == (
        "standard",
        "high",
        case.case_manager,
    )
    body = client.get(reverse("casework:case_risk", args=[case.pk])).content.decode()
    assert "New partner; breach of bail" in body


def test_stale_risk_change_leaves_no_history_row(client_for, case):
    client = client_for("casemanager", "north")
    client.post(
        reverse("casework:case_risk", args=[case.pk]),
        {"risk_level": "high", "reason": "first", "version": case.version},
    )
    response = client.post(
        reverse("casework:case_risk", args=[case.pk]),
        {"risk_level": "medium", "reason": "second", "version": case.version},
    )
    assert response.status_code == 200
    assert RiskLevelChange.objects.filter(case=case).count() == 1


def test_only_supervisors_allocate(client_for, case, world):
    other = world.user("casemanager2", "north")
    url = reverse("casework:case_allocate", args=[case.pk])
    assert client_for("casemanager", "north").post(url, {"case_manager": other.pk}).status_code == 403
    response = client_for("supervisor", "north").post(url, {"case_manager": other.pk})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.case_manager == other


def test_allocation_to_someone_outside_the_team_is_refused(client_for, case, world):
    outsider = world.user("casemanager", "south")
    response = client_for("supervisor", "north").post(
        reverse("casework:case_allocate", args=[case.pk]), {"case_manager": outsider.pk}
    )
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    case.refresh_from_db()
    assert case.case_manager == world.user("casemanager", "north")


def test_access_log_is_for_supervisors(client_for, case):
    client_for("casemanager", "north").get(reverse("casework:case", args=[case.pk]))
    assert (
        client_for("casemanager", "north").get(reverse("casework:access_log", args=[case.pk])).status_code
        == 403
    )
    response = client_for("supervisor", "north").get(reverse("casework:access_log", args=[case.pk]))
    assert response.status_code == 200
    assert "casemanager.north@demo.tideline.test" in response.content.decode()


def test_access_log_tab_is_hidden_from_case_managers(client_for, case):
    body = client_for("casemanager", "north").get(reverse("casework:case", args=[case.pk])).content.decode()
    assert "Access log" not in body
    body = client_for("supervisor", "north").get(reverse("casework:case", args=[case.pk])).content.decode()
    assert "Access log" in body


def test_case_page_query_count_is_pinned(client_for, case, django_assert_max_num_queries):
    client = client_for("casemanager", "north")
    client.get(reverse("casework:case", args=[case.pk]))
    with django_assert_max_num_queries(10):
        assert client.get(reverse("casework:case", args=[case.pk])).status_code == 200


def test_a_supervisor_allocates_the_case_manager_and_the_supervisor(client_for, make_case, world):
    from accounts.models import Membership, Role

    case = make_case(supervisor=False)
    second = world.user("casemanager2", "north")
    Membership.objects.create(user=second, team=case.team, role=Role.SUPERVISOR)
    response = client_for("supervisor", "north").post(
        reverse("casework:case_allocate", args=[case.pk]),
        {"case_manager": second.pk, "supervisor": second.pk},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.case_manager, case.supervisor) == (second, second)
    assert client_for("casemanager2", "north").get(reverse("casework:caseload")).status_code == 200


def test_a_supervisor_from_outside_the_team_is_refused(client_for, make_case, world):
    case = make_case()
    outsider = world.user("supervisor", "south")
    response = client_for("supervisor", "north").post(
        reverse("casework:case_allocate", args=[case.pk]),
        {"case_manager": case.case_manager_id, "supervisor": outsider.pk},
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    case.refresh_from_db()
    assert case.supervisor == world.user("supervisor", "north")
