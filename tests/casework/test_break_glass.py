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


# --- Who may break glass, and where --------------------------------------------------------------


def post_break_glass(client, reference, reason=REASON):
    return client.post("/cases/break-glass/", {"reference": reference, "reason": reason, "confirm": "on"})


@pytest.mark.parametrize("login", ["casemanager", "supervisor", "police"])
def test_case_workers_and_police_of_the_cases_area_may_break_glass(client_for, world, case, login):
    response = post_break_glass(client_for(login, "north"), case.reference)
    assert response.status_code == 302
    assert BreakGlassAccess.objects.filter(case=case, user=world.user(login, "north")).exists()


@pytest.mark.parametrize(
    "login",
    [
        "idva",
        "idvamanager",
        "probation",
        "socialcare",
        "housing",
        "health",
        "coordinator",
        "chair",
        "analyst",
        "dpo",
    ],
)
def test_roles_whose_work_cannot_need_it_are_told_why_and_nothing_is_opened(client_for, case, login):
    client = client_for(login, "north")
    shown = client.get("/cases/break-glass/")
    assert shown.status_code == 403
    assert "Break-glass access is only for case managers and supervisors" in shown.content.decode()
    refused = post_break_glass(client, case.reference)
    assert refused.status_code == 403
    assert case.reference not in refused.content.decode()
    assert not BreakGlassAccess.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.BREAK_GLASS).exists()


@pytest.mark.parametrize("login", ["police", "casemanager", "supervisor"])
def test_another_areas_case_is_refused_exactly_like_one_that_does_not_exist(client_for, case, login):
    client = client_for(login, "south")
    other_area = post_break_glass(client, case.reference).content.decode()
    missing = post_break_glass(client, "TL-999999").content.decode()
    message = "There is no open record with that case reference in your area"
    assert message in other_area and message in missing
    assert "Break-glass access reaches only cases held in the area you work in" in other_area
    assert not BreakGlassAccess.objects.exists()


def test_the_idva_of_a_linked_victim_is_refused_even_with_a_police_membership(client_for, world, case):
    from accounts.models import Membership, Role
    from victims import services as victim_services

    idva = world.user("idva", "north")
    Membership.objects.create(user=idva, team=world.team("police", "north"), role=Role.AGENCY_REP)
    victim = victim_services.victim_create(
        actor=idva,
        team=world.team("idva", "north"),
        first_name="Tess",
        last_name="Linked",
        perpetrator=case.perpetrator,
        relationship="ex_partner",
    )
    victim_services.victim_allocate(actor=world.user("idvamanager", "north"), victim=victim, idva=idva)
    response = post_break_glass(client_for("idva", "north"), case.reference)
    assert response.status_code == 200
    assert "The same worker must not work with both sides" in response.content.decode()
    assert not BreakGlassAccess.objects.exists()


def test_a_reason_holding_contact_details_is_refused(client_for, case):
    response = post_break_glass(
        client_for("police", "north"), case.reference, REASON + " Call her on 07700 900123."
    )
    assert "Take out a phone number." in response.content.decode()
    assert not BreakGlassAccess.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.BREAK_GLASS).exists()


def test_the_service_refuses_the_same_way_whoever_calls_it(world, case):
    from django.core.exceptions import ValidationError

    from casework.breakglass import NOT_ELIGIBLE, break_glass_open

    with pytest.raises(ValidationError) as refused:
        break_glass_open(reference=case.reference, reason=REASON, actor=world.user("housing", "north"))
    assert refused.value.messages == [NOT_ELIGIBLE]
    with pytest.raises(ValidationError, match="in your area"):
        break_glass_open(reference=case.reference, reason=REASON, actor=world.user("police", "south"))
    assert not BreakGlassAccess.objects.exists()


def test_live_break_glass_refusals(live, world, case):
    police_south = live.signed_in(world.user("police", "south"))
    other_area = police_south.form_post(
        "/cases/break-glass/", {"reference": case.reference, "reason": REASON, "confirm": "on"}
    )
    assert other_area.status_code == 200
    assert "There is no open record with that case reference in your area" in other_area.text
    housing = live.signed_in(world.user("housing", "north"))
    shown = housing.get("/cases/break-glass/")
    assert shown.status_code == 403 and "Break-glass access is only for" in shown.text
    assert not BreakGlassAccess.objects.exists()
