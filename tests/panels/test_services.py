"""Meetings from agenda to approved minutes: the rules the services enforce."""

import datetime
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import AuditEvent
from accounts.records import ConcurrentEditError
from panels import selectors, services
from panels.models import Action, AgendaItem, Attendance, Meeting, Research
from tests.panels.conftest import at

pytestmark = pytest.mark.django_db


def test_items_get_the_next_order_and_consecutive_time_slots(pw):
    assert (pw.case_item.order, pw.victim_item.order) == (1, 2)
    assert pw.case_item.slot_start == datetime.time(10, 0)
    assert pw.victim_item.slot_start == datetime.time(10, 15)


def test_an_item_is_about_a_case_or_a_victim_never_both(pw):
    with pytest.raises(ValidationError):
        services.agenda_item_add(
            meeting=pw.meeting, case=pw.case, victim=pw.victim, reason="new", actor=pw.user("coordinator")
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItem.objects.filter(pk=pw.case_item.pk).update(victim=pw.victim)


def test_time_slots_are_ten_to_fifteen_minutes(pw):
    with pytest.raises(ValidationError):
        services.agenda_item_update(
            item=pw.case_item,
            expected_version=pw.case_item.version,
            actor=pw.user("coordinator"),
            slot_minutes=30,
        )


def test_subjects_from_another_area_are_refused(pw, world):
    from casework import services as casework_services

    manager = world.user("casemanager", "south")
    perpetrator = casework_services.perpetrator_create(
        actor=manager, area=world.areas["south"], first_name="A", last_name="B"
    )
    case = casework_services.case_open(
        actor=manager, perpetrator=perpetrator, team=world.team("case_management", "south")
    )
    with pytest.raises(ValidationError):
        services.agenda_item_add(meeting=pw.meeting, case=case, reason="new", actor=pw.user("coordinator"))


def test_only_safe_fields_can_be_shared(pw):
    with pytest.raises(ValidationError):
        services.agenda_item_update(
            item=pw.victim_item,
            expected_version=pw.victim_item.version,
            actor=pw.user("coordinator"),
            shared_fields=["label", "address"],
        )


def test_a_stale_edit_changes_nothing(pw):
    stale = pw.case_item.version
    services.agenda_item_update(
        item=pw.case_item, expected_version=stale, actor=pw.user("coordinator"), order=5
    )
    item = AgendaItem.objects.get(pk=pw.case_item.pk)
    with pytest.raises(ConcurrentEditError):
        services.agenda_item_update(item=item, expected_version=stale, actor=pw.user("coordinator"), order=9)
    assert AgendaItem.objects.get(pk=pw.case_item.pk).order == 5


def test_publishing_needs_items_and_is_audited(pw):
    empty = services.meeting_schedule(panel=pw.panel, scheduled_for=at(30), actor=pw.user("coordinator"))
    with pytest.raises(ValidationError):
        services.agenda_publish(meeting=empty, actor=pw.user("coordinator"))
    services.agenda_publish(meeting=pw.meeting, actor=pw.user("coordinator"))
    pw.meeting.refresh_from_db()
    assert pw.meeting.status == Meeting.Status.PUBLISHED and pw.meeting.published_at
    assert AuditEvent.objects.filter(object_type="panels.meeting", purpose__contains="published").exists()


def test_research_is_one_row_per_agency_and_item(published):
    police = published.user("police")
    services.research_submit(
        item=published.case_item,
        organisation=published.org("police"),
        holds_information=False,
        summary="",
        actor=police,
    )
    services.research_submit(
        item=published.case_item,
        organisation=published.org("police"),
        holds_information=True,
        summary="Two call-outs",
        actor=police,
    )
    assert Research.objects.filter(agenda_item=published.case_item).count() == 1
    assert Research.objects.get(agenda_item=published.case_item).summary == "Two call-outs"


def test_research_from_a_non_member_agency_is_refused(published):
    with pytest.raises(ValidationError):
        services.research_submit(
            item=published.case_item,
            organisation=published.org("socialcare"),
            holds_information=False,
            summary="",
            actor=published.user("socialcare"),
        )


def test_agencies_see_their_own_research_and_the_chair_sees_all(published):
    for key in ("police", "probation"):
        services.research_submit(
            item=published.case_item,
            organisation=published.org(key),
            holds_information=True,
            summary=f"{key} holds",
            actor=published.user(key),
        )
    items = [published.case_item]
    police_view = selectors.viewer_for(published.user("police"), published.panel)
    chair_view = selectors.viewer_for(published.user("chair"), published.panel)
    police_rows = selectors.research_for(items, police_view)[published.case_item.pk]
    assert [r.summary for r in police_rows] == ["police holds"]
    assert len(selectors.research_for(items, chair_view)[published.case_item.pk]) == 2


def test_observers_must_have_signed_the_confidentiality_statement(published):
    with pytest.raises(ValidationError):
        services.observer_add(
            meeting=published.meeting,
            name="O",
            role="Student",
            signed_on=None,
            actor=published.user("coordinator"),
        )


def test_unfinished_actions_carry_to_the_next_meeting(published):
    coordinator = published.user("coordinator")
    due = timezone.localdate() + timedelta(days=3)
    open_action = services.action_add(
        item=published.case_item,
        organisation=published.org("police"),
        description="Open",
        due_on=due,
        actor=coordinator,
    )
    done = services.action_add(
        item=published.case_item,
        organisation=published.org("housing"),
        description="Done",
        due_on=due,
        actor=coordinator,
    )
    services.action_update(
        action=done, status="done", update_note="", expected_version=done.version, actor=coordinator
    )
    later = services.meeting_schedule(panel=published.panel, scheduled_for=at(40), actor=coordinator)
    chair = selectors.viewer_for(published.user("chair"), published.panel)
    assert selectors.carried_actions(later, chair) == [open_action]
    police = selectors.viewer_for(published.user("police"), published.panel)
    housing = selectors.viewer_for(published.user("housing"), published.panel)
    assert selectors.carried_actions(later, police) == [open_action]
    assert selectors.carried_actions(later, housing) == []


def test_not_completed_actions_need_a_reason(published):
    coordinator = published.user("coordinator")
    action = services.action_add(
        item=published.case_item,
        organisation=published.org("police"),
        description="x",
        due_on=timezone.localdate(),
        actor=coordinator,
    )
    with pytest.raises(ValidationError):
        services.action_update(
            action=action,
            status=Action.Status.NOT_POSSIBLE,
            update_note=" ",
            expected_version=1,
            actor=coordinator,
        )


def test_actions_go_only_to_member_agencies(published):
    with pytest.raises(ValidationError):
        services.action_add(
            item=published.case_item,
            organisation=published.org("socialcare"),
            description="x",
            due_on=timezone.localdate(),
            actor=published.user("coordinator"),
        )


def test_the_tracker_shows_what_an_agency_owes_and_whats_overdue(published):
    coordinator = published.user("coordinator")
    overdue = services.action_add(
        item=published.case_item,
        organisation=published.org("police"),
        description="Late",
        due_on=timezone.localdate() - timedelta(days=2),
        actor=coordinator,
    )
    services.action_add(
        item=published.case_item,
        organisation=published.org("probation"),
        description="Probation's",
        due_on=timezone.localdate() + timedelta(days=2),
        actor=coordinator,
    )
    police = published.user("police")
    assert list(selectors.action_tracker(police)) == [overdue]
    assert overdue.is_overdue
    assert list(selectors.action_tracker(published.user("chair"), overdue_only=True)) == [overdue]
    assert selectors.action_tracker(published.user("chair")).count() == 2


def test_approving_minutes_locks_the_meeting(published):
    coordinator = published.user("coordinator")
    with pytest.raises(ValidationError):
        services.minutes_approve(meeting=published.meeting, actor=published.user("chair"))
    item = published.case_item
    services.minutes_record(
        item=item,
        discussion_summary="Discussed",
        agreed_risk_level="high",
        decisions="Refer to housing",
        expected_version=item.version,
        actor=coordinator,
    )
    services.attendance_record(
        meeting=published.meeting,
        entries={published.org("police").pk: (Attendance.Status.PRESENT, "PC Smith")},
        actor=coordinator,
    )
    published.meeting.refresh_from_db()
    services.minutes_approve(meeting=published.meeting, actor=published.user("chair"))
    published.meeting.refresh_from_db()
    assert published.meeting.status == Meeting.Status.APPROVED
    assert published.meeting.minutes_approved_by == published.user("chair")
    item.refresh_from_db()
    with pytest.raises(ValidationError, match="locked"):
        services.minutes_record(
            item=item,
            discussion_summary="Rewritten",
            agreed_risk_level="high",
            decisions="",
            expected_version=item.version,
            actor=coordinator,
        )
    with pytest.raises(ValidationError, match="locked"):
        services.agenda_item_add(
            meeting=published.meeting, case=published.case, reason="new", actor=coordinator
        )
    assert AgendaItem.objects.get(pk=item.pk).discussion_summary == "Discussed"
