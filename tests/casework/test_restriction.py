"""Restricting a case: a supervisor of its team sets and clears it with a reason, audited and
shown on the case; then only the people named on the case open it. Others get 403 (or 404 when
they cannot see the case at all)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import AuditEvent, Membership, Role, User
from accounts.records import ConcurrentEditError
from casework import restriction, services
from casework.models import Case

pytestmark = pytest.mark.django_db

REASON = "He works for a partner agency"


@pytest.fixture
def case(world) -> Case:
    supervisor = world.user("supervisor", "north")
    person = services.perpetrator_create(
        actor=supervisor, area=world.areas["north"], first_name="Rex", last_name="Tricted"
    )
    return services.case_open(
        actor=supervisor,
        perpetrator=person,
        team=world.team("case_management", "north"),
        case_manager=world.user("casemanager", "north"),
        supervisor=supervisor,
    )


def restrict(world, case, actor="supervisor", reason=REASON) -> Case:
    case.refresh_from_db()
    return restriction.case_restrict(
        case=case, actor=world.user(actor, "north"), reason=reason, expected_version=case.version
    )


def url(case) -> str:
    return reverse("casework:case_restriction", args=[case.pk])


# --- The service -------------------------------------------------------------------------------


def test_restricting_keeps_the_reason_who_and_when_and_is_audited(world, case):
    restrict(world, case)
    case.refresh_from_db()
    assert case.restricted and case.restricted_reason == REASON
    assert case.restricted_by == world.user("supervisor", "north") and case.restricted_at is not None
    event = AuditEvent.objects.filter(
        object_type="casework.case", object_id=str(case.pk), action="update"
    ).latest("id")
    assert event.purpose == f"access restricted: {REASON}" and event.user == world.user("supervisor", "north")


def test_then_only_the_people_named_on_the_case_open_it(world, client_for, case):
    colleague = client_for("casemanager2", "north")
    assert colleague.get(reverse("casework:case", args=[case.pk])).status_code == 200
    restrict(world, case)
    assert colleague.get(reverse("casework:case", args=[case.pk])).status_code == 404
    for named in ("casemanager", "supervisor"):
        assert client_for(named, "north").get(reverse("casework:case", args=[case.pk])).status_code == 200


def test_clearing_needs_a_reason_opens_the_case_to_the_team_again_and_is_audited(world, client_for, case):
    restrict(world, case)
    case.refresh_from_db()
    with pytest.raises(ValidationError):
        restriction.case_unrestrict(
            case=case, actor=world.user("supervisor", "north"), reason="  ", expected_version=case.version
        )
    restriction.case_unrestrict(
        case=case,
        actor=world.user("supervisor", "north"),
        reason="Has left that agency",
        expected_version=case.version,
    )
    case.refresh_from_db()
    assert not case.restricted and case.restricted_reason == "" and case.restricted_by is None
    assert AuditEvent.objects.filter(
        object_id=str(case.pk), purpose="access restriction removed: Has left that agency"
    ).exists()
    assert (
        client_for("casemanager2", "north").get(reverse("casework:case", args=[case.pk])).status_code == 200
    )


@pytest.mark.parametrize(
    ("reason", "message"),
    [("", "Enter why"), ("Call him on 07700 900123", "phone"), ("x" * 2001, "2000 characters")],
)
def test_a_missing_or_unsafe_reason_is_refused_and_changes_nothing(world, case, reason, message):
    with pytest.raises(ValidationError) as refused:
        restrict(world, case, reason=reason)
    assert message.lower() in str(refused.value).lower()
    case.refresh_from_db()
    assert not case.restricted


def test_only_a_supervisor_of_the_team_may_restrict(world, case):
    for actor in ("casemanager", "casemanager2"):
        with pytest.raises(PermissionDenied):
            restrict(world, case, actor=actor)
    case.refresh_from_db()
    assert not case.restricted


def test_restricting_twice_or_from_a_stale_copy_is_refused(world, case):
    restrict(world, case)
    with pytest.raises(ValidationError, match="already restricted"):
        restrict(world, case)
    case.refresh_from_db()
    with pytest.raises(ConcurrentEditError):
        restriction.case_unrestrict(
            case=case, actor=world.user("supervisor", "north"), reason="r", expected_version=case.version - 1
        )


def test_a_case_with_no_supervisor_gets_the_restricting_supervisor_so_someone_can_clear_it(
    world, client_for, case
):
    Case.objects.filter(pk=case.pk).update(supervisor=None)
    restrict(world, case)
    case.refresh_from_db()
    assert case.supervisor == world.user("supervisor", "north")
    assert client_for("supervisor", "north").get(url(case)).status_code == 200


def test_a_team_supervisor_not_named_on_the_case_is_warned_and_then_loses_sight(world, client_for, case):
    other = User.objects.create_user(
        email="second.supervisor@demo.tideline.test", full_name="Second Supervisor"
    )
    Membership.objects.create(user=other, team=world.team("case_management", "north"), role=Role.SUPERVISOR)
    from django.test import Client

    from tests.conftest import sign_in

    client = sign_in(Client(), other)
    page = client.get(url(case)).content.decode()
    assert "you will no longer be able to open it" in page
    response = client.post(url(case), {"reason": REASON, "version": case.version})
    assert response.status_code == 302 and response["Location"] == reverse("casework:caseload")
    assert client.get(reverse("casework:case", args=[case.pk])).status_code == 404


# --- The page ------------------------------------------------------------------------------------


def test_the_page_is_for_supervisors_of_the_team(client_for, case):
    assert client_for("supervisor", "north").get(url(case)).status_code == 200
    for login in ("casemanager", "casemanager2", "idva", "police", "analyst", "dpo"):
        assert client_for(login, "north").get(url(case)).status_code == 403, login
    assert client_for("supervisor", "south").get(url(case)).status_code == 404


def test_the_case_page_shows_the_restriction_and_the_supervisor_sets_and_clears_it(world, client_for, case):
    supervisor = client_for("supervisor", "north")
    overview = supervisor.get(reverse("casework:case", args=[case.pk])).content.decode()
    assert "Open to the case managers and supervisors" in overview and url(case) in overview
    refused = supervisor.post(url(case), {"reason": "", "version": case.version})
    assert refused.status_code == 200 and "Enter the reason" in refused.content.decode()
    response = supervisor.post(url(case), {"reason": REASON, "version": case.version})
    assert response.status_code == 302
    overview = supervisor.get(reverse("casework:case", args=[case.pk])).content.decode()
    assert "Restricted" in overview and REASON in overview
    case.refresh_from_db()
    response = supervisor.post(url(case), {"reason": "No longer needed", "version": case.version})
    assert response.status_code == 302
    case.refresh_from_db()
    assert not case.restricted


def test_the_case_manager_sees_the_restriction_but_no_way_to_change_it(world, client_for, case):
    restrict(world, case)
    overview = (
        client_for("casemanager", "north").get(reverse("casework:case", args=[case.pk])).content.decode()
    )
    assert REASON in overview and url(case) not in overview
    assert (
        client_for("casemanager", "north").post(url(case), {"reason": "x", "version": 9}).status_code == 403
    )


def test_a_stale_form_is_refused_without_changing_anything(client_for, case):
    response = client_for("supervisor", "north").post(
        url(case), {"reason": REASON, "version": case.version + 5}
    )
    assert response.status_code == 200 and "Someone else changed this record" in response.content.decode()
    case.refresh_from_db()
    assert not case.restricted
