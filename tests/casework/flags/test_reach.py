"""Who a flag reaches when the record does not say: police incidents that name no victim,
victims whose support has closed, release known only by month, and teams with nobody in post."""

from __future__ import annotations

import datetime
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Role
from casework import flags, jobs
from casework.models import CustodyRecord, FlagAudience, FlagKind, FlagRecipient, Incident, RiskFlag
from tests.casework.flags.support import (
    TODAY,
    VICTIM_FIRST,
    VICTIM_LAST,
    assert_no_victim_details,
    assert_no_victim_name,
    days,
    make_case,
    make_victim,
    received,
    received_text,
)
from victims.models import Victim

pytestmark = pytest.mark.django_db

CSV_HEADER = (
    "police_reference,occurred_on,incident_type,offence,is_domestic_abuse,perpetrator_id,victim_numbers\n"
)


def import_one(client, case, *, victim_numbers="", reference="NP/1"):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    text = (
        CSV_HEADER
        + f"{reference},{yesterday.isoformat()},crime,common_assault,yes,{case.perpetrator.pk},{victim_numbers}\n"
    )
    response = client.post(
        reverse("casework:incident_import"), {"file": SimpleUploadedFile("extract.csv", text.encode())}
    )
    assert "1 incident imported" in response.content.decode()


def custody(case, **dates) -> CustodyRecord:
    return CustodyRecord.objects.create(
        case=case,
        perpetrator=case.perpetrator,
        sentence_date=days(-400),
        created_by=case.case_manager,
        **dates,
    )


def scan_release(today):
    return jobs.scan_release(today=today) + flags.rule_run("release_victims", today=today)


def copy_of(user) -> FlagRecipient:
    return FlagRecipient.objects.select_related("flag").get(user=user)


# --- Police incidents that name no victim ----------------------------------------------------------


def test_police_incident_naming_no_victim_reaches_the_idva_of_every_current_linked_victim(
    world, client_for, django_capture_on_commit_callbacks
):
    case = make_case(world)
    make_victim(world, case)  # current, IDVA allocated
    past = make_victim(world, case, idva=None, first="Bryony", last="Teller", label=3)
    past.is_current = False
    past.save()
    with django_capture_on_commit_callbacks(execute=True):
        import_one(client_for("casemanager", "north"), case)

    idva_text = received_text(world.user("idva", "north"))
    assert f"{VICTIM_FIRST} {VICTIM_LAST}: new incident with Darren Colbeck" in idva_text
    assert "victim not identified by police" in idva_text
    assert_no_victim_details(idva_text)
    assert received(world.user("idvamanager", "north")) == [], "a past partner's IDVA team was told"

    for login in ("casemanager", "supervisor"):
        text = received_text(world.user(login, "north"))
        assert "victim not identified by police; check with the IDVA" in text
        assert "Ex-partner, victim 2" in text and "victim 3" not in text
        assert_no_victim_name(text)
        assert_no_victim_details(text)
        assert "Bryony" not in text
    assert not RiskFlag.objects.filter(kind__in=[FlagKind.ESCALATION, FlagKind.REPEAT_MARAC]).exists()


def test_police_incident_that_names_its_victim_tells_only_that_victims_idva(
    world, client_for, django_capture_on_commit_callbacks
):
    case = make_case(world)
    make_victim(world, case)
    make_victim(world, case, idva=None, first="Bryony", last="Teller", label=3)
    with django_capture_on_commit_callbacks(execute=True):
        import_one(client_for("casemanager", "north"), case, victim_numbers="2")
    assert "not identified" not in received_text(world.user("idva", "north"))
    assert received(world.user("idvamanager", "north")) == []
    assert "Victims involved: Ex-partner, victim 2." in received_text(world.user("casemanager", "north"))


def test_hand_entered_incident_with_no_victims_does_not_guess(world):
    case = make_case(world)
    make_victim(world, case)
    incident = Incident.objects.create(
        perpetrator=case.perpetrator,
        case=case,
        occurred_on=days(-1),
        incident_type="crime",
        offence="harassment",
        source="manual",
    )
    flags.flags_after_incident(incident.pk, today=TODAY)
    assert received(world.user("idva", "north")) == []
    assert "Victims involved: none recorded." in received_text(world.user("casemanager", "north"))


# --- Release: every linked victim, closed support included ----------------------------------------


def test_release_reaches_the_idva_team_of_victims_whose_support_is_closed(world):
    case = make_case(world)
    closed = make_victim(world, case)
    unallocated = make_victim(world, case, idva=None, first="Bryony", last="Teller", label=3)
    unallocated.is_current = False
    unallocated.save()
    Victim.objects.filter(pk__in=[closed.victim_id, unallocated.victim_id]).update(
        support_status=Victim.SupportStatus.CLOSED
    )
    custody(case, expected_release_on=days(7))
    scan_release(TODAY)

    copy = copy_of(world.user("idva", "north"))
    assert copy.flag.audience == FlagAudience.VICTIM
    assert copy.flag.title.startswith(f"{VICTIM_FIRST} {VICTIM_LAST} (support closed): Darren Colbeck is due")
    assert "re-contact" in copy.flag.todo and copy.reason == "Support is closed: you were this victim's IDVA"
    supervisor = copy_of(world.user("idvamanager", "north"))
    assert "Bryony Teller (support closed)" in supervisor.flag.title
    assert supervisor.reason == "Support is closed: you supervise the IDVA team"
    assert_no_victim_name(received_text(world.user("casemanager", "north")))


# --- Release known only by month -----------------------------------------------------------------------


def test_release_month_only_is_flagged_before_the_month_and_when_it_starts(world):
    case = make_case(world)
    make_victim(world, case)
    april = datetime.date(2026, 4, 1)  # TODAY is 11 March 2026
    custody(case, expected_release_month=april)

    scan_release(TODAY)
    case_flag = RiskFlag.objects.get(audience=FlagAudience.CASE)
    assert case_flag.trigger_date == april - datetime.timedelta(days=28)
    assert "expected to be released from custody in April 2026 (date not confirmed)" in case_flag.title
    assert "The release date is not confirmed" in case_flag.todo
    victim_flag = RiskFlag.objects.get(audience=FlagAudience.VICTIM)
    assert "date not confirmed" in victim_flag.title

    assert scan_release(days(5)) == 0  # nothing new until the month starts
    assert scan_release(april) == 2
    started = RiskFlag.objects.filter(trigger_date=april)
    assert {f.audience for f in started} == {FlagAudience.CASE, FlagAudience.VICTIM}
    assert all("this month, April 2026 (date not confirmed)" in f.title for f in started)
    assert scan_release(april + datetime.timedelta(days=3)) == 0


def test_release_month_more_than_28_days_away_is_not_flagged_yet(world):
    case = make_case(world)
    custody(case, expected_release_month=datetime.date(2026, 5, 1))
    assert scan_release(TODAY) == 0


# --- Nobody to receive it --------------------------------------------------------------------------


def leave(world, login, area="north"):
    Membership.objects.filter(user=world.user(login, area)).update(active=False)


def test_case_flag_with_nobody_named_goes_to_the_teams_other_case_managers(world):
    case = make_case(world, supervisor=False)
    manager = world.user("casemanager", "north")
    manager.is_active = False  # left the service, still named on the case
    manager.save()
    leave(world, "supervisor")
    custody(case, expected_release_on=days(7))
    jobs.scan_release(today=TODAY)
    flag = RiskFlag.objects.get(kind=FlagKind.RELEASE)
    assert [c.user for c in flag.recipients.all()] == [world.user("casemanager2", "north")]
    assert flag.recipients.get().reason.startswith("Sent to the team (Case manager)")


def test_victim_flag_with_no_idva_or_supervisor_goes_to_the_teams_other_idvas(world):
    case = make_case(world)
    make_victim(world, case, idva=None)
    leave(world, "idvamanager")
    custody(case, expected_release_on=days(7))
    flags.rule_run("release_victims", today=TODAY)
    copy = copy_of(world.user("idva", "north"))
    assert copy.flag.audience == FlagAudience.VICTIM and VICTIM_FIRST in copy.flag.title
    assert copy.reason.startswith("Sent to the team (IDVA")


def test_victim_flag_with_nobody_in_the_idva_team_goes_to_the_area_without_the_victims_name(world):
    case = make_case(world)
    link = make_victim(world, case)
    leave(world, "idva")
    leave(world, "idvamanager")
    admin = world.users["admin"]
    Membership.objects.create(user=admin, team=world.team("analysis", "north"), role=Role.ADMIN)
    custody(case, expected_release_on=days(7))
    flags.rule_run("release_victims", today=TODAY)

    flag = RiskFlag.objects.get(audience=FlagAudience.VICTIM)
    assert {c.user for c in flag.recipients.all()} == {admin, world.user("coordinator", "north")}
    text = received_text(world.user("coordinator", "north"))
    assert link.victim.reference in text and "nobody in their IDVA team" in text
    assert_no_victim_name(text)
    assert_no_victim_details(text)
    assert flag.url == "", "a link to the victim's record was sent outside the IDVA team"
    assert received(world.user("coordinator", "south")) == []


def test_a_flag_with_nobody_at_all_is_not_raised_and_a_later_scan_raises_it(world, caplog):
    case = make_case(world)
    make_victim(world, case)
    for login in ("idva", "idvamanager", "coordinator"):
        leave(world, login)
    custody(case, expected_release_on=days(7))
    with caplog.at_level(logging.ERROR, logger="casework.flags"):
        assert flags.rule_run("release_victims", today=TODAY) == 0
    assert not RiskFlag.objects.exists()
    assert "has nobody to receive it" in caplog.text
    assert VICTIM_FIRST not in caplog.text and "Colbeck" not in caplog.text

    Membership.objects.filter(user=world.user("idva", "north")).update(active=True)
    assert flags.rule_run("release_victims", today=days(1)) == 1
    assert [f.kind for f in received(world.user("idva", "north"))] == [FlagKind.RELEASE]


def test_no_flag_ever_has_zero_recipients(world):
    case = make_case(world, supervisor=False)
    make_victim(world, case, idva=None)
    for login in ("casemanager", "casemanager2", "supervisor", "idva", "idvamanager", "coordinator"):
        leave(world, login)
    custody(case, expected_release_on=days(7))
    jobs.scan_all(today=TODAY)
    assert not RiskFlag.objects.filter(recipients__isnull=True).exists()


# --- Indexes for the scans' windows ------------------------------------------------------------------


def test_the_scan_columns_are_indexed():
    expected = {
        "casework_incident": ("incident_created_idx", ["created_at"]),
        "casework_orderbreach": ("breach_created_idx", ["created_at"]),
        "casework_custodyrecord": ("custody_released_idx", ["released_on"]),
        "victims_newpartnernotice": ("newpartner_recorded_scan_idx", ["recorded_at"]),
    }
    with connection.cursor() as cursor:
        for table, (name, columns) in expected.items():
            constraints = connection.introspection.get_constraints(cursor, table)
            assert name in constraints, f"{table} has no {name}"
            assert constraints[name]["columns"] == columns and constraints[name]["index"]
