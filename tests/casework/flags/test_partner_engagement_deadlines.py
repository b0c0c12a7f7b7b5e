import datetime

import pytest
from django.utils import timezone

from casework import flags, jobs
from casework.models import Attendance, CaseSession, FlagAudience, FlagKind, RiskFlag
from panels.models import Action, AgendaItem, Meeting, Panel, PanelMembership
from referrals.models import Referral
from tests.casework.flags.support import (
    TODAY,
    assert_no_victim_details,
    days,
    make_case,
    make_victim,
    received,
    received_text,
)
from victims.models import DashAssessment, DashInstrument, NewPartnerNotice

pytestmark = pytest.mark.django_db


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


# --- New partner --------------------------------------------------------------------------------


def test_new_partner_goes_to_case_manager_idva_team_and_police_and_names_no_partner(world):
    case = make_case(world)
    notice = NewPartnerNotice.objects.create(
        case=case,
        idva_team=world.team("idva", "north"),
        what_is_known="New partner is Zelda Quince, lives at 4 Secret Row, 07700 900123",
        recorded_by=case.case_manager,
        recorded_at=at(TODAY),
    )
    flags.flags_after_new_partner(notice.pk, today=TODAY)
    flag = RiskFlag.objects.get(kind=FlagKind.NEW_PARTNER)
    reasons = {copy.user.email.split("@")[0]: copy.reason for copy in flag.recipients.select_related("user")}
    assert set(reasons) == {
        "casemanager.north",
        "supervisor.north",
        "idva.north",
        "idvamanager.north",
        "police.north",
    }
    assert "DVDS" in reasons["police.north"]
    for login in ("casemanager", "idva", "police"):
        text = received_text(world.user(login, "north"))
        assert "Zelda" not in text and "Secret Row" not in text and "07700" not in text
    assert received(world.user("police", "south")) == []
    assert received(world.user("probation", "north")) == []


# --- Engagement ------------------------------------------------------------------------------------


def session(case, day, attendance):
    return CaseSession.objects.create(
        case=case,
        kind=CaseSession.Kind.ONE_TO_ONE,
        held_on=days(day),
        attendance=attendance,
        recorded_by=case.case_manager,
    )


def test_three_missed_sessions_in_a_row_raise_one_flag(world):
    case = make_case(world)
    session(case, -30, Attendance.ATTENDED)
    session(case, -21, Attendance.DID_NOT_ATTEND)
    session(case, -14, Attendance.CANCELLED_BY_PERSON)
    jobs.rule_run("missed_sessions", today=TODAY)
    assert not RiskFlag.objects.filter(kind=FlagKind.MISSED_SESSIONS).exists()
    session(case, -7, Attendance.DID_NOT_ATTEND)
    jobs.rule_run("missed_sessions", today=TODAY)
    flag = RiskFlag.objects.get(kind=FlagKind.MISSED_SESSIONS)
    assert flag.trigger_date == days(-7)
    session(case, -1, Attendance.DID_NOT_ATTEND)  # a fourth: the same streak, no new flag
    jobs.rule_run("missed_sessions", today=TODAY)
    assert RiskFlag.objects.filter(kind=FlagKind.MISSED_SESSIONS).count() == 1


def test_missed_sessions_threshold_is_configurable(world, settings):
    settings.TIDELINE_FLAG_MISSED_SESSIONS = 2
    case = make_case(world)
    session(case, -14, Attendance.DID_NOT_ATTEND)
    session(case, -7, Attendance.DID_NOT_ATTEND)
    jobs.rule_run("missed_sessions", today=TODAY)
    assert RiskFlag.objects.filter(kind=FlagKind.MISSED_SESSIONS).count() == 1


def test_an_attended_session_breaks_the_streak(world):
    case = make_case(world)
    session(case, -21, Attendance.DID_NOT_ATTEND)
    session(case, -14, Attendance.DID_NOT_ATTEND)
    session(case, -7, Attendance.ATTENDED)
    session(case, -1, Attendance.DID_NOT_ATTEND)
    assert jobs.rule_run("missed_sessions", today=TODAY) == 0


def test_no_contact_for_28_days_is_flagged_once(world):
    case = make_case(world)
    session(case, -29, Attendance.ATTENDED)
    recent = make_case(world, manager="casemanager2")
    session(recent, -3, Attendance.ATTENDED)
    jobs.rule_run("no_contact", today=TODAY)
    jobs.rule_run("no_contact", today=days(1))
    flag = RiskFlag.objects.get(kind=FlagKind.NO_CONTACT)
    assert flag.case == case and flag.trigger_date == days(0)
    assert received(world.user("casemanager2", "north")) == []


# --- Deadlines ----------------------------------------------------------------------------------------


def test_case_review_overdue(world):
    case = make_case(world)
    case.next_review_date = days(-2)
    case.save()
    on_time = make_case(world)
    on_time.next_review_date = TODAY
    on_time.save()
    jobs.rule_run("review_overdue", today=TODAY)
    flag = RiskFlag.objects.get(kind=FlagKind.REVIEW_OVERDUE)
    assert flag.case == case and flag.trigger_date == days(-1)


def test_dash_reassessment_due_goes_to_the_idva_only(world):
    case = make_case(world)
    link = make_victim(world, case)
    DashAssessment.objects.create(
        victim=link.victim,
        instrument=DashInstrument.current(),
        answers={"1": {"answer": "yes"}},
        completed_by=world.user("idva", "north"),
        completed_at=at(days(-95)),
    )
    flags.rule_run("dash_due", today=TODAY)
    flag = RiskFlag.objects.get(kind=FlagKind.DASH_DUE)
    assert flag.audience == FlagAudience.VICTIM and flag.trigger_date == days(-5)
    assert [c.user for c in flag.recipients.all()] == [world.user("idva", "north")]
    assert_no_victim_details(received_text(world.user("idva", "north")))


def test_panel_action_overdue_goes_to_owning_agency_and_coordinator(world):
    case = make_case(world)
    panel = Panel.objects.create(
        name="Northshire MATAC",
        kind=Panel.Kind.MATAC,
        area=world.areas["north"],
        coordinator_team=world.team("matac", "north"),
    )
    meeting = Meeting.objects.create(panel=panel, scheduled_for=at(days(-30)))
    item = AgendaItem.objects.create(
        meeting=meeting, case=case, reason="nomination", slot_start=datetime.time(10)
    )
    housing = world.team("housing", "north").organisation
    seat = PanelMembership.objects.create(panel=panel, organisation=housing)
    seat.representatives.add(world.user("housing", "north"))  # only named representatives are told
    Action.objects.create(agenda_item=item, organisation=housing, description="Move tenancy", due_on=days(-2))
    Action.objects.create(
        agenda_item=item, organisation=housing, description="Done one", due_on=days(-2), status="done"
    )
    flags.rule_run("panel_action_overdue", today=TODAY)
    flag = RiskFlag.objects.get(kind=FlagKind.PANEL_ACTION_OVERDUE)
    assert {c.user for c in flag.recipients.all()} == {
        world.user("housing", "north"),
        world.user("coordinator", "north"),
    }
    assert "Move tenancy" not in flag.title


def test_referral_first_contact_missed_goes_to_team_supervisor(world):
    team = world.team("case_management", "north")
    referral = Referral.objects.create(
        team=team,
        area=world.areas["north"],
        created_by=world.user("police", "north"),
        status=Referral.Status.NEW,
        first_name="Gary",
        last_name="Ashdown",
        first_contact_due_on=days(-1),
    )
    Referral.objects.create(
        team=team,
        area=world.areas["north"],
        created_by=world.user("police", "north"),
        status=Referral.Status.NEW,
        first_contact_due_on=days(-1),
        first_contact_on=days(-2),
    )
    flags.rule_run("first_contact_missed", today=TODAY)
    flag = RiskFlag.objects.get(kind=FlagKind.FIRST_CONTACT_MISSED)
    assert flag.subject_key == f"referral:{referral.pk}" and flag.trigger_date == TODAY
    assert [c.user for c in flag.recipients.all()] == [world.user("supervisor", "north")]
