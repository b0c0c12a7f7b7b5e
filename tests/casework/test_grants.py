"""A supervisor gives a named partner practitioner access to one case; the person then reaches it
in pages and through the API, never sees a linked victim's address, and the same-worker rule holds."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.models import AuditEvent
from casework.models import CaseUserObjectPermission
from tests.api.conftest import make_token
from tests.casework.flags.support import VICTIM_POSTCODE, VICTIM_STREET, make_victim

pytestmark = pytest.mark.django_db

REASON = "Offender manager on licence supervision"


def give(client, case, **data):
    return client.post(
        f"/cases/{case.pk}/who-can-reach/give/",
        {"email": "", "level": "view", "reason": REASON, **data},
    )


def test_supervisor_gives_probation_view_access_and_it_is_audited(client_for, world, case):
    probation = world.user("probation", "north")
    assert client_for("probation", "north").get(f"/cases/{case.pk}/").status_code == 404
    response = give(client_for("supervisor", "north"), case, email=probation.email.upper())
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/who-can-reach/"
    assert client_for("probation", "north").get(f"/cases/{case.pk}/").status_code == 200
    event = AuditEvent.objects.filter(action=AuditEvent.Action.GRANT).get()
    assert event.object_id == str(case.pk) and probation.email in event.purpose and REASON in event.purpose


def test_granted_partner_reads_the_case_through_the_api_without_victim_location(client_for, world, case):
    make_victim(world, case)
    police = world.user("police", "north")
    give(client_for("supervisor", "north"), case, email=police.email, level="change")
    _, raw = make_token(police)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert [row["id"] for row in api.get("/api/cases/").json()["results"]] == [case.pk]
    victims = api.get(f"/api/cases/{case.pk}/victims/")
    assert victims.status_code == 200 and len(victims.json()) == 1
    body = victims.content.decode()
    assert VICTIM_STREET not in body and VICTIM_POSTCODE not in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": ""}, "Enter their work email address"),
        ({"email": "not-an-email"}, "Enter an email address in the correct format"),
        ({"email": "nobody@nowhere.test"}, "There is no active practitioner with that email address"),
        ({"level": "owner"}, "Select a valid choice"),
        ({"reason": ""}, "Say why they need access"),
        ({"reason": "Lives at 4 Mill Lane, LS6 2QT"}, "Do not record an address"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(client_for, world, case, data, message):
    data = {"email": world.user("police", "north").email, **data}
    response = give(client_for("supervisor", "north"), case, **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CaseUserObjectPermission.objects.exists()


def test_the_same_worker_rule_refuses_a_linked_victims_idva(client_for, world, case):
    make_victim(world, case)  # supported by the north IDVA
    response = give(client_for("supervisor", "north"), case, email=world.user("idva", "north").email)
    assert "must not work on both sides" in response.content.decode()
    assert not CaseUserObjectPermission.objects.exists()


def test_the_allocated_case_manager_and_oneself_are_refused(client_for, world, case):
    supervisor = client_for("supervisor", "north")
    assert (
        "already allocated"
        in give(supervisor, case, email=world.user("casemanager", "north").email).content.decode()
    )
    assert (
        "yourself" in give(supervisor, case, email=world.user("supervisor", "north").email).content.decode()
    )


def test_who_may_give_access(client, client_for, case):
    url = f"/cases/{case.pk}/who-can-reach/give/"
    assert client.get(url).status_code == 302  # anonymous → sign in
    assert client_for("casemanager", "north").get(url).status_code == 403  # no supervisor role
    assert client_for("supervisor", "south").get(url).status_code == 404  # not visible
    assert client_for("supervisor", "north").get(url).status_code == 200


def test_a_partner_finds_the_cases_shared_with_them(client_for, world, case):
    police = client_for("police", "north")
    before = police.get("/cases/")
    assert before.status_code == 200 and "No cases match." in before.content.decode()
    give(client_for("supervisor", "north"), case, email=world.user("police", "north").email)
    page = police.get("/cases/").content.decode()
    assert "Cases shared with you" in page and f"/cases/{case.pk}/" in page
    assert 'name="scope"' not in page  # no "my cases / team" choice for someone on no case team


def test_giving_and_removing_access_tells_the_teams_other_supervisors(
    client_for, world, case, django_capture_on_commit_callbacks
):
    from django.core import mail

    from accounts.models import Membership, Role, User

    second = User.objects.create_user(
        "second.supervisor@demo.tideline.test", "x" * 14, full_name="Second Sup"
    )
    Membership.objects.create(user=second, team=case.team, role=Role.SUPERVISOR)
    probation = world.user("probation", "north")
    supervisor = client_for("supervisor", "north")
    with django_capture_on_commit_callbacks(execute=True):
        give(supervisor, case, email=probation.email)
    with django_capture_on_commit_callbacks(execute=True):
        supervisor.post(
            f"/cases/{case.pk}/who-can-reach/{probation.pk}/remove/", {"reason": "Enquiry finished"}
        )
    # The supervisor who acted is not told of their own change; nothing names the perpetrator.
    assert [m.to for m in mail.outbox] == [[second.email], [second.email]]
    assert "was given access" in mail.outbox[0].body and "was removed" in mail.outbox[1].body
    assert f"/cases/{case.pk}/who-can-reach/" in mail.outbox[0].body
    assert case.perpetrator.last_name not in mail.outbox[0].body + mail.outbox[1].body
