"""Access review of victim records: the IDVA team's supervisor sees who can reach each record
and why, and removes grants; the person is refused on the next request. The perpetrator's side
never reaches these pages' victim data."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from accounts.models import AuditEvent
from accounts.sessions import session_keys_for
from tests.conftest import sign_in
from victims.models import VictimAddress, VictimUserObjectPermission

pytestmark = pytest.mark.django_db

POSTCODE = "ZX1 9QQ"


def grant(victim, user, codename="view_victim"):
    return VictimUserObjectPermission.objects.create(
        user=user, content_object=victim, permission=Permission.objects.get(codename=codename)
    )


@pytest.fixture
def granted(world, victim):
    VictimAddress.objects.create(victim=victim, line_1="3 Quiet Row", town="Northtown", postcode=POSTCODE)
    grant(victim, world.user("idva", "south"))
    return victim


def test_the_idva_teams_supervisor_sees_who_can_reach_a_record_and_why(
    client_for, world, granted, django_assert_max_num_queries
):
    client = client_for("idvamanager", "north")
    response = client.get(f"/victims/{granted.pk}/who-can-reach/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Allocated IDVA" in page and "Granted: may view" in page
    assert world.user("idva", "south").email in page and world.user("idvamanager", "north").email in page
    assert world.user("casemanager", "north").email not in page
    assert POSTCODE not in page  # the review shows who, never where
    with django_assert_max_num_queries(20):
        review = client.get("/victims/access-review/")
    assert review.status_code == 200 and granted.reference in review.content.decode()


def test_removing_a_grant_is_audited_and_ends_the_persons_sessions(client_for, world, granted):
    other_idva = world.user("idva", "south")
    theirs = client_for("idva", "south")
    assert theirs.get(f"/victims/{granted.pk}/").status_code == 200
    response = client_for("idvamanager", "north").post(
        f"/victims/{granted.pk}/who-can-reach/{other_idva.pk}/remove/", {"reason": "Transferred back"}
    )
    assert response.status_code == 302
    assert not VictimUserObjectPermission.objects.filter(user=other_idva).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.REVOKE)
    assert event.object_type == "victims.victim" and other_idva.email in event.purpose
    assert session_keys_for(other_idva) == []
    refused = theirs.get(f"/victims/{granted.pk}/")
    assert refused.status_code == 302 and refused.url.startswith("/sign-in/")
    assert sign_in(Client(), other_idva).get(f"/victims/{granted.pk}/").status_code == 404


def test_removing_a_grant_tells_the_idva_teams_other_supervisors(
    client_for, world, granted, django_capture_on_commit_callbacks
):
    from django.core import mail

    from accounts.models import Membership, Role, User

    second = User.objects.create_user("second.idvalead@demo.tideline.test", "x" * 14, full_name="Second Lead")
    Membership.objects.create(user=second, team=granted.team, role=Role.SUPERVISOR)
    other_idva = world.user("idva", "south")
    with django_capture_on_commit_callbacks(execute=True):
        client_for("idvamanager", "north").post(
            f"/victims/{granted.pk}/who-can-reach/{other_idva.pk}/remove/", {"reason": "Transferred back"}
        )
    assert [m.to for m in mail.outbox] == [[second.email]]
    assert POSTCODE not in mail.outbox[0].body and granted.last_name not in mail.outbox[0].body


def test_the_allocated_idva_cannot_be_removed_here(client_for, world, granted):
    idva = world.user("idva", "north")
    client = client_for("idvamanager", "north")
    assert client.get(f"/victims/{granted.pk}/who-can-reach/{idva.pk}/remove/").status_code == 404


@pytest.mark.parametrize(
    "login,area,status",
    [
        ("supervisor", "north", 404),  # the perpetrator's side: the record is not there at all
        ("casemanager", "north", 403),  # no supervisor role
        ("idva", "north", 403),  # the team's IDVA may see the record, not manage its access
        ("idvamanager", "south", 404),  # another area's IDVA team
    ],
)
def test_who_may_not_review_a_victim_record(client_for, world, granted, login, area, status):
    client = client_for(login, area)
    assert client.get(f"/victims/{granted.pk}/who-can-reach/").status_code == status
    target = world.user("idva", "south").pk
    assert (
        client.post(f"/victims/{granted.pk}/who-can-reach/{target}/remove/", {"reason": "x"}).status_code
        == status
    )
    assert VictimUserObjectPermission.objects.filter(content_object=granted).exists()


def test_the_perpetrator_side_supervisor_sees_no_victim_in_the_team_review(client_for, granted):
    response = client_for("supervisor", "north").get("/victims/access-review/")
    assert response.status_code == 200
    page = response.content.decode()
    assert granted.reference not in page and granted.last_name not in page and POSTCODE not in page


def test_anonymous_users_are_sent_to_sign_in(client, granted):
    for path in ("/victims/access-review/", f"/victims/{granted.pk}/who-can-reach/"):
        response = client.get(path)
        assert response.status_code == 302 and response.url.startswith("/sign-in/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_idva_manager_removes_a_grant_in_the_browser(ui, world, make_victim):
    victim = make_victim()
    other_idva = world.user("idva", "south")
    grant(victim, other_idva)
    ui.sign_in(world.user("idvamanager", "north"))
    page = ui.goto("/victims/access-review/")
    page.get_by_role("link", name=re.compile(victim.reference)).first.click()
    page.wait_for_url(f"**/victims/{victim.pk}/who-can-reach/")
    ui.axe()
    page.get_by_role("link", name=re.compile("Remove access")).click()
    page.wait_for_url("**/remove/")
    ui.axe()
    page.get_by_label("Why are you removing this access?").fill("Transferred back")
    ui.submit("Remove access")
    assert "Their sessions have ended" in page.content()
