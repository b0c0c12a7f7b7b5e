"""The caseload: whose cases, filters, sorting, paging, and a flat query count."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from casework.models import Case

pytestmark = pytest.mark.django_db

URL = reverse("casework:caseload")


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/sign-in/" in response.url


def test_roles_outside_case_management_are_refused(client_for):
    # Agency representatives (police, probation...) are let in to see cases shared with them
    # (tests/casework/test_grants.py); nobody else outside case management is.
    for login in ("idva", "analyst", "dpo", "chair"):
        assert client_for(login, "north").get(URL).status_code == 403, login


def test_case_manager_sees_their_own_cases_by_default(client_for, make_case):
    mine = make_case(first_name="Mine")
    theirs = make_case(manager="casemanager2", first_name="Colleagues")
    body = client_for("casemanager", "north").get(URL).content.decode()
    assert mine.reference in body and theirs.reference not in body
    team = client_for("casemanager", "north").get(URL, {"scope": "team"}).content.decode()
    assert mine.reference in team and theirs.reference in team


def test_supervisor_sees_the_team_and_not_other_areas(client_for, make_case):
    north = make_case(manager="casemanager2")
    south = make_case(area="south")
    body = client_for("supervisor", "north").get(URL).content.decode()
    assert north.reference in body and south.reference not in body


def test_filters_by_phase_risk_intervention_and_review(client_for, make_case):
    today = timezone.localdate()
    overdue = make_case(first_name="Overdue", next_review_date=today - datetime.timedelta(days=2))
    soon = make_case(
        first_name="Soon", next_review_date=today + datetime.timedelta(days=5), risk_level="high"
    )
    group = make_case(first_name="Grouped", intervention_type="group", phase="active")
    client = client_for("casemanager", "north")

    def refs(**params):
        body = client.get(URL, params).content.decode()
        return {c.reference for c in (overdue, soon, group) if c.reference in body}

    assert refs(review="overdue") == {overdue.reference}
    assert refs(review="soon") == {soon.reference}
    assert refs(risk="high") == {soon.reference}
    assert refs(intervention="group") == {group.reference}
    assert refs(phase="active") == {group.reference}
    assert refs(phase=["active", "assessment"]) == {overdue.reference, soon.reference, group.reference}


def test_sorts_by_name_and_risk(client_for, make_case):
    make_case(first_name="A", last_name="Zed", risk_level="standard")
    make_case(first_name="B", last_name="Abbott", risk_level="very_high")
    client = client_for("casemanager", "north")
    by_name = client.get(URL, {"sort": "name"}).content.decode()
    assert by_name.index("ABBOTT") < by_name.index("ZED")
    by_risk = client.get(URL, {"sort": "risk"}).content.decode()
    assert by_risk.index("ABBOTT") < by_risk.index("ZED")
    by_risk = client.get(URL, {"sort": "opened"}).content.decode()
    assert "ABBOTT" in by_risk


def test_bad_filter_values_do_not_break_the_page(client_for, make_case):
    make_case()
    response = client_for("casemanager", "north").get(URL, {"risk": "nonsense", "page": "x", "sort": "evil"})
    assert response.status_code == 200


def test_pages_without_counting_and_keeps_filters(client_for, make_case, world):
    for n in range(27):
        make_case(first_name=f"P{n:02d}")
    client = client_for("casemanager", "north")
    first = client.get(URL, {"phase": ["assessment", "active"]}).content.decode()
    assert "Next" in first and "phase=assessment&amp;phase=active&amp;page=2" in first
    second = client.get(URL, {"page": 2}).content.decode()
    assert "Previous" in second and second.count('href="/cases/') >= 2


def test_caseload_views_are_audited(client_for, make_case):
    case = make_case()
    client_for("casemanager", "north").get(URL)
    assert AuditEvent.objects.filter(
        object_type="casework.case", object_id=str(case.pk), purpose="caseload"
    ).exists()


@pytest.mark.parametrize("rows", [5, 50])
def test_query_count_is_flat_however_many_cases(client_for, make_case, rows, django_assert_max_num_queries):
    for n in range(rows):
        make_case(first_name=f"Q{n}", manager="casemanager" if n % 2 else "casemanager2")
    client = client_for("supervisor", "north")
    client.get(URL)  # warm the session
    with django_assert_max_num_queries(4):
        response = client.get(URL, {"scope": "team", "sort": "risk"})
    assert response.status_code == 200
    assert Case.objects.count() == rows


def test_other_parts_can_add_a_caseload_filter(client_for, make_case, monkeypatch):
    from casework import selectors

    monkeypatch.setattr(selectors, "_caseload_filters", {})
    selectors.register_caseload_filter(
        selectors.CaseloadFilter(
            key="restricted",
            label="Restricted",
            choices=[("yes", "Restricted cases only")],
            apply=lambda cases, values: cases.filter(restricted=True),
        )
    )
    hidden = make_case(first_name="Open")
    restricted = make_case(first_name="Shut", restricted=True)
    body = client_for("casemanager", "north").get(URL, {"flag_restricted": "yes"}).content.decode()
    assert restricted.reference in body and hidden.reference not in body
    assert "Restricted cases only" in body
