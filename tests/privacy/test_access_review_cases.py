"""Access review: a supervisor sees who can reach each of the team's cases and why, and removes
grants and break-glass access; the person is refused on their next request and every session
of theirs ends."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from accounts.models import AuditEvent, Membership, Role
from accounts.sessions import session_keys_for, sessions_end_for
from casework.models import BreakGlassAccess, CaseUserObjectPermission
from privacy.access_review import access_remove, who_can_reach
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

REASON = "Called out to a disturbance at the address overnight; need the risk history now."


def grant(case, user, codename="view_case"):
    return CaseUserObjectPermission.objects.create(
        user=user, content_object=case, permission=Permission.objects.get(codename=codename)
    )


def break_glass(case, user):
    now = timezone.now()
    return BreakGlassAccess.objects.create(
        case=case, user=user, reason=REASON, granted_at=now, expires_at=now + BreakGlassAccess.DURATION
    )


def test_supervisor_sees_who_can_reach_a_case_and_why(client_for, world, case):
    police = world.user("police", "north")
    probation = world.user("probation", "north")
    grant(case, police)
    grant(case, police, "change_case")
    break_glass(case, probation)
    response = client_for("supervisor", "north").get(f"/cases/{case.pk}/who-can-reach/")
    assert response.status_code == 200
    page = response.content.decode()
    for expected in (
        "Allocated case manager",
        "Supervisor of this case",
        "Member of Northshire perpetrator case management (case manager)",
        "Granted: may view",
        "Granted: may change",
        "Break-glass until",
        police.email,
        probation.email,
        world.user("casemanager2", "north").email,
    ):
        assert expected in page
    # People outside every relation are not listed.
    assert world.user("idva", "north").email not in page
    assert world.user("casemanager", "south").email not in page
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, object_id=str(case.pk), purpose="access review"
    ).exists()


def test_a_restricted_case_is_not_reached_through_the_team(world, make_case):
    case = make_case(restricted=True)
    people = {reach.user.email: reach.reasons for reach in who_can_reach(case)}
    assert set(people) == {world.user("casemanager", "north").email, world.user("supervisor", "north").email}


def test_the_team_review_lists_grants_break_glass_members_and_cases(
    client_for, world, case, django_assert_max_num_queries
):
    grant(case, world.user("police", "north"))
    break_glass(case, world.user("probation", "north"))
    client = client_for("supervisor", "north")
    with django_assert_max_num_queries(20):
        response = client.get("/cases/access-review/")
    assert response.status_code == 200
    page = response.content.decode()
    assert case.reference in page and REASON in page
    assert world.user("police", "north").email in page
    assert world.user("casemanager2", "north").email in page  # a team member
    assert world.user("casemanager", "south").email not in page


def test_removing_access_is_audited_and_the_person_is_refused_on_the_next_request(client_for, world, case):
    police = world.user("police", "north")
    grant(case, police)
    grant(case, police, "change_case")
    access = break_glass(case, police)
    first, second = client_for("police", "north"), client_for("police", "north")
    assert first.get(f"/cases/{case.pk}/").status_code == 200
    assert second.get(f"/cases/{case.pk}/").status_code == 200
    assert len(session_keys_for(police)) == 2
    bystander = client_for("casemanager", "north")

    supervisor = client_for("supervisor", "north")
    form = supervisor.get(f"/cases/{case.pk}/who-can-reach/{police.pk}/remove/")
    assert form.status_code == 200 and "All of Pat Constable" in form.content.decode()
    response = supervisor.post(
        f"/cases/{case.pk}/who-can-reach/{police.pk}/remove/", {"reason": "Enquiry finished"}
    )
    assert response.status_code == 302 and response.url == f"/cases/{case.pk}/who-can-reach/"

    assert not CaseUserObjectPermission.objects.filter(user=police).exists()
    access.refresh_from_db()
    assert access.expires_at <= timezone.now()  # kept as evidence, opens nothing
    event = AuditEvent.objects.get(action=AuditEvent.Action.REVOKE)
    assert (
        event.object_id == str(case.pk)
        and police.email in event.purpose
        and "Enquiry finished" in event.purpose
    )
    assert event.user == world.user("supervisor", "north")

    # Every session of theirs has ended: the next request goes to sign-in.
    assert session_keys_for(police) == []
    for client in (first, second):
        refused = client.get(f"/cases/{case.pk}/")
        assert refused.status_code == 302 and refused.url.startswith("/sign-in/")
    # Signed in again, the case is not there for them.
    assert sign_in(Client(), police).get(f"/cases/{case.pk}/").status_code == 404
    # Other people's sessions are untouched.
    assert bystander.get(f"/cases/{case.pk}/").status_code == 200


def test_removal_needs_a_reason_and_changes_nothing_without_one(client_for, world, case):
    police = world.user("police", "north")
    grant(case, police)
    response = client_for("supervisor", "north").post(
        f"/cases/{case.pk}/who-can-reach/{police.pk}/remove/", {"reason": "   "}
    )
    assert response.status_code == 200
    assert "Say why you are removing this access" in response.content.decode()
    assert CaseUserObjectPermission.objects.filter(user=police).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REVOKE).exists()


def test_team_and_allocation_cannot_be_removed_here(client_for, world, case):
    manager = world.user("casemanager", "north")
    supervisor = client_for("supervisor", "north")
    assert supervisor.get(f"/cases/{case.pk}/who-can-reach/{manager.pk}/remove/").status_code == 404
    assert (
        supervisor.post(f"/cases/{case.pk}/who-can-reach/{manager.pk}/remove/", {"reason": "x"}).status_code
        == 404
    )
    assert supervisor.get(f"/cases/{case.pk}/who-can-reach/not-a-number/remove/").status_code == 404
    with pytest.raises(Exception, match="no grant or break-glass"):
        access_remove(record=case, user=manager, reason="tidy", actor=world.user("supervisor", "north"))


@pytest.mark.parametrize(
    "login,area,status",
    [
        ("supervisor", "south", 404),  # another team's case is not there
        ("casemanager", "north", 403),  # the team's case manager may see it, not manage its access
        ("casemanager2", "north", 403),
        ("police", "north", 403),  # no supervisor role at all
        ("idvamanager", "north", 404),  # a supervisor of the IDVA team
    ],
)
def test_who_may_not_review_a_case(client_for, case, login, area, status):
    client = client_for(login, area)
    assert client.get(f"/cases/{case.pk}/who-can-reach/").status_code == status
    police_pk = 1
    assert (
        client.post(f"/cases/{case.pk}/who-can-reach/{police_pk}/remove/", {"reason": "x"}).status_code
        == status
    )


def test_the_team_review_is_for_supervisors_only(client_for):
    assert client_for("casemanager", "north").get("/cases/access-review/").status_code == 403
    assert client_for("idva", "north").get("/cases/access-review/").status_code == 403


def test_another_teams_supervisor_sees_nothing_of_this_team(client_for, world, case):
    grant(case, world.user("police", "north"))
    page = client_for("supervisor", "south").get("/cases/access-review/").content.decode()
    assert case.reference not in page and world.user("police", "north").email not in page


def test_anonymous_users_are_sent_to_sign_in(client, case):
    for path in (
        "/cases/access-review/",
        f"/cases/{case.pk}/who-can-reach/",
        f"/cases/{case.pk}/who-can-reach/1/remove/",
    ):
        response = client.get(path)
        assert response.status_code == 302 and response.url.startswith("/sign-in/")


def test_sessions_end_for_only_touches_that_persons_sessions(world):
    police, manager = world.user("police", "north"), world.user("casemanager", "north")
    sign_in(Client(), police)
    sign_in(Client(), police)
    sign_in(Client(), manager)
    Session.objects.create(session_key="x" * 32, session_data="not a session", expire_date=timezone.now())
    assert sessions_end_for(police) == 2
    assert session_keys_for(police) == [] and len(session_keys_for(manager)) == 1


def test_deactivating_a_membership_in_admin_ends_the_persons_sessions(client_for, world, case):
    manager = world.user("casemanager2", "north")
    working = client_for("casemanager2", "north")
    assert working.get(f"/cases/{case.pk}/").status_code == 200
    membership = Membership.objects.get(user=manager, role=Role.CASE_MANAGER)
    admin = client_for("admin")
    response = admin.post(
        f"/admin/accounts/membership/{membership.pk}/change/",
        {"user": manager.pk, "team": membership.team_id, "role": Role.CASE_MANAGER},  # "active" unticked
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    membership.refresh_from_db()
    assert not membership.active
    refused = working.get(f"/cases/{case.pk}/")
    assert refused.status_code == 302 and refused.url.startswith("/sign-in/")


def test_switching_off_a_membership_in_the_users_admin_page_ends_sessions(client_for, world):
    manager = world.user("casemanager2", "north")
    working = client_for("casemanager2", "north")
    membership = Membership.objects.get(user=manager, role=Role.CASE_MANAGER)
    admin = client_for("admin")
    data = {
        "email": manager.email,
        "full_name": manager.full_name,
        "is_active": "on",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "1",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": membership.pk,
        "memberships-0-user": manager.pk,
        "memberships-0-team": membership.team_id,
        "memberships-0-role": Role.CASE_MANAGER,
    }
    response = admin.post(f"/admin/accounts/user/{manager.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    membership.refresh_from_db()
    assert not membership.active
    assert session_keys_for(manager) == []
    assert working.get("/").status_code == 302


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_supervisor_removes_a_grant_in_the_browser(ui, world, make_case):
    case = make_case()
    police = world.user("police", "north")
    grant(case, police)
    police_session = sign_in(Client(), police)
    ui.sign_in(world.user("supervisor", "north"))
    page = ui.goto("/cases/access-review/")
    page.get_by_role("link", name=re.compile(case.reference)).first.click()
    page.wait_for_url(f"**/cases/{case.pk}/who-can-reach/")
    ui.axe()
    page.get_by_role("link", name=re.compile("Remove access")).click()
    page.wait_for_url("**/remove/")
    ui.axe()
    ui.submit("Remove access")
    assert page.locator(".govuk-error-summary").is_visible()
    page.get_by_label("Why are you removing this access?").fill("Enquiry finished")
    ui.submit("Remove access")
    assert "Their sessions have ended" in page.content()
    assert police.email not in page.content()
    assert police_session.get(f"/cases/{case.pk}/").status_code == 302
