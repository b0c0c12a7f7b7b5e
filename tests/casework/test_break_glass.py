import pytest
from django.core import mail

from accounts.models import AuditEvent
from casework.models import BreakGlassAccess
from casework.services import case_open, perpetrator_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world):
    manager = world.user("casemanager", "north")
    person = perpetrator_create(
        actor=manager, area=world.areas["north"], first_name="Glenn", last_name="Harrow"
    )
    return case_open(
        actor=manager, perpetrator=person, team=world.team("case_management", "north"), case_manager=manager
    )


REASON = "Call from a neighbour at 02:10 reporting screaming at the address; need risk history now."


def test_break_glass_opens_the_case_records_why_and_tells_the_team(
    client_for, world, case, django_capture_on_commit_callbacks
):
    client = client_for("police", "north")
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/cases/break-glass/", {"reference": case.reference, "reason": REASON, "confirm": "on"}
        )
    assert response.status_code == 302
    assert response.url == f"/cases/{case.pk}/"
    assert BreakGlassAccess.objects.filter(case=case, user=world.user("police", "north")).count() == 1
    event = AuditEvent.objects.get(action=AuditEvent.Action.BREAK_GLASS)
    assert event.purpose == REASON and event.object_id == str(case.pk)
    assert [m.to for m in mail.outbox] == [[world.user("supervisor", "north").email]]
    # The alert says only that there is something to see.
    assert "Harrow" not in mail.outbox[0].body and "Glenn" not in mail.outbox[0].body
    assert client.get(f"/cases/{case.pk}/").status_code == 200


@pytest.mark.parametrize(
    "data,message",
    [
        ({"reference": "", "reason": REASON, "confirm": "on"}, "Enter the case reference"),
        (
            {"reference": "TL-999999", "reason": REASON, "confirm": "on"},
            "There is no open record with that case reference",
        ),
        ({"reference": "TL-1", "reason": "because", "confirm": "on"}, "in at least 20 characters"),
        ({"reference": "TL-1", "reason": REASON}, "Confirm that you understand"),
    ],
)
def test_bad_requests_are_explained_and_change_nothing(client_for, case, data, message):
    if data["reference"] == "TL-1":
        data = {**data, "reference": case.reference}
    response = client_for("police", "north").post("/cases/break-glass/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not BreakGlassAccess.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.BREAK_GLASS).exists()


def test_analysts_cannot_break_glass(client_for):
    assert client_for("analyst", "north").get("/cases/break-glass/").status_code == 403


def test_anonymous_users_are_sent_to_sign_in(client):
    assert client.get("/cases/break-glass/").status_code == 302
