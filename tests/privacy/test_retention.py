"""Retention: the scan opens reviews idempotently; who may decide; erasure keeps the figures,
removes the personal data and its history, and is audited; audit months need the DPO."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts import erasure
from accounts.models import AuditEvent
from casework import services as casework_services
from casework.models import (
    Case,
    CaseNote,
    Incident,
    IncidentType,
    Offence,
    Perpetrator,
    PerpetratorAddress,
    PerpetratorAlias,
    RiskLevel,
)
from privacy import retention
from privacy.models import RecordType, RetentionPolicy, RetentionReview
from victims import services as victim_services
from victims.models import Victim, VictimAddress, VictimContact, VictimLink, VictimOutcome

NAME = "Thorncastle"  # the perpetrator's surname: must be gone after erasure
VICTIM_NAME = "Marigoldia"
VICTIM_STREET = "Quayhaven"


def years_ago(years: int, days: int = 0) -> datetime.date:
    return erasure.years_before(timezone.localdate(), years) - datetime.timedelta(days=days)


@pytest.fixture
def old_case(world) -> Case:
    manager = world.user("casemanager", "north")
    perpetrator = casework_services.perpetrator_create(
        actor=manager,
        area=world.areas["north"],
        first_name="Barnaby",
        last_name=NAME,
        date_of_birth=datetime.date(1980, 5, 17),
    )
    PerpetratorAlias.objects.create(perpetrator=perpetrator, name=f"Barney {NAME}")
    PerpetratorAddress.objects.create(
        perpetrator=perpetrator, line_1=f"9 {NAME} Lane", town="Northtown", postcode="NT1 1AA"
    )
    case = casework_services.case_open(
        actor=manager,
        perpetrator=perpetrator,
        team=world.team("case_management", "north"),
        case_manager=manager,
        risk_level=RiskLevel.HIGH,
    )
    casework_services.case_note_add(case=case, actor=manager, kind="contact", text=f"Met {NAME} at home")
    Incident.objects.create(
        perpetrator=perpetrator,
        case=case,
        occurred_on=years_ago(7),
        incident_type=IncidentType.CRIME,
        offence=Offence.HARASSMENT,
        summary=f"{NAME} sent messages",
    )
    Case.objects.filter(pk=case.pk).update(
        opened_on=years_ago(8), closed_on=years_ago(6, 1), phase=Case.Phase.CLOSED
    )
    case.refresh_from_db()
    return case


@pytest.fixture
def old_victim(world, old_case) -> Victim:
    idva = world.user("idva", "north")
    victim = victim_services.victim_create(
        actor=idva,
        team=world.team("idva", "north"),
        first_name=VICTIM_NAME,
        last_name="Quill",
        perpetrator=old_case.perpetrator,
        relationship=VictimLink.Relationship.EX_PARTNER,
    )
    victim_services.victim_address_add(
        actor=idva, victim=victim, line_1=f"4 {VICTIM_STREET} Road", postcode="QH1 1QH"
    )
    VictimContact.objects.create(victim=victim, kind=VictimContact.Kind.values[0], value="07700900123")
    VictimOutcome.objects.create(
        victim=victim,
        stage=VictimOutcome.Stage.values[0],
        physical_abuse=VictimOutcome._meta.get_field("physical_abuse").choices[0][0],
        sexual_abuse=VictimOutcome._meta.get_field("sexual_abuse").choices[0][0],
        harassment_stalking=VictimOutcome._meta.get_field("harassment_stalking").choices[0][0],
        jealous_controlling=VictimOutcome._meta.get_field("jealous_controlling").choices[0][0],
        idva_risk=RiskLevel.HIGH,
        space_for_action=3,
        recorded_by=idva,
    )
    Victim.objects.filter(pk=victim.pk).update(
        support_status=Victim.SupportStatus.CLOSED,
        updated_at=timezone.make_aware(datetime.datetime.combine(years_ago(6, 3), datetime.time(12))),
    )
    victim.refresh_from_db()
    return victim


def review_for(record_type: str, pk) -> RetentionReview:
    return RetentionReview.objects.get(record_type=record_type, object_id=str(pk), status="pending")


# --- Policies and the scan --------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _policies(db):
    # A transactional test elsewhere may have flushed the rows migration 0004 created.
    retention.ensure_default_policies()


def test_default_policies_are_created_with_the_documented_periods(db):
    periods = dict(RetentionPolicy.objects.values_list("record_type", "years"))
    assert periods == {"case": 6, "victim": 6, "meeting": 6, "incident": 6, "audit": 2}


def test_the_scan_opens_one_review_per_due_record_and_is_idempotent(old_case, old_victim):
    recent = casework_services.case_open(
        actor=old_case.case_manager,
        perpetrator=old_case.perpetrator,
        team=old_case.team,
        case_manager=old_case.case_manager,
    )
    Case.objects.filter(pk=recent.pk).update(
        opened_on=years_ago(6), closed_on=years_ago(5), phase=Case.Phase.CLOSED
    )
    first = retention.retention_scan()
    assert first["case"] == 1 and first["victim"] == 1 and first["incident"] == 1
    review = review_for("case", old_case.pk)
    assert review.reference == old_case.reference
    assert review.team == old_case.team
    assert review.due_on == erasure.years_after(old_case.closed_on, 6)
    assert not RetentionReview.objects.filter(record_type="case", object_id=str(recent.pk)).exists()
    again = retention.retention_scan()
    assert again == {key: 0 for key in RecordType.values}
    assert RetentionReview.objects.filter(record_type="case", object_id=str(old_case.pk)).count() == 1


def test_the_database_refuses_a_second_open_review_for_the_same_record(old_case):
    retention.retention_scan()
    review = review_for("case", old_case.pk)
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017,PT011 (IntegrityError)
        RetentionReview.objects.create(
            record_type="case",
            object_id=review.object_id,
            reference="x",
            anchor_date=review.anchor_date,
            due_on=review.due_on,
        )


def test_an_admin_can_lengthen_a_period_or_switch_reviews_off(old_case):
    RetentionPolicy.objects.filter(record_type="case").update(years=10)
    RetentionPolicy.objects.filter(record_type="incident").update(active=False)
    opened = retention.retention_scan()
    assert opened["case"] == 0
    assert "incident" not in opened


def test_an_extended_review_comes_back_after_its_new_date_and_an_erased_record_never_does(old_case, world):
    retention.retention_scan()
    supervisor = world.user("supervisor", "north")
    until = timezone.localdate() + datetime.timedelta(days=30)
    retention.review_extend(
        review=review_for("case", old_case.pk), actor=supervisor, reason="Civil claim", until=until
    )
    assert retention.retention_scan()["case"] == 0
    assert retention.retention_scan(today=until + datetime.timedelta(days=1))["case"] == 1
    retention.review_erase(review=review_for("case", old_case.pk), actor=supervisor)
    assert retention.retention_scan(today=until + datetime.timedelta(days=2))["case"] == 0


def test_the_management_command_and_the_celery_task_run_the_scan(old_case, eager_celery_app):
    call_command("retention_scan", "--today", timezone.localdate().isoformat())
    assert review_for("case", old_case.pk)
    from privacy.tasks import retention_scan

    assert retention_scan.delay().get()["case"] == 0


@pytest.fixture
def eager_celery_app():
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def test_the_migration_creates_the_beat_schedule(db):
    from importlib import import_module

    from django.apps import apps
    from django_celery_beat.models import PeriodicTask

    PeriodicTask.objects.filter(name="Daily retention review scan").delete()
    migration = import_module("privacy.migrations.0001_subject_access_and_retention_from_accounts")
    migration.install(apps, None)
    task = PeriodicTask.objects.get(name="Daily retention review scan")
    assert task.task == "privacy.tasks.retention_scan"


def test_the_privacy_migration_points_the_existing_beat_entry_at_the_task_s_new_name(db):
    """The entry accounts migration 0004 made (perhaps moved by an admin) keeps its schedule."""
    from importlib import import_module
    from types import SimpleNamespace

    from django.apps import apps
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    PeriodicTask.objects.filter(name="Daily retention review scan").delete()
    import_module("accounts.migrations.0004_retention_and_sar").install_defaults(
        _accounts_0004_state(), SimpleNamespace(connection=SimpleNamespace(vendor="sqlite"))
    )
    moved, _ = CrontabSchedule.objects.get_or_create(minute="15", hour="4", timezone="Europe/London")
    PeriodicTask.objects.filter(name="Daily retention review scan").update(crontab=moved)
    assert (
        PeriodicTask.objects.get(name="Daily retention review scan").task == "accounts.tasks.retention_scan"
    )

    import_module("privacy.migrations.0001_subject_access_and_retention_from_accounts").install(apps, None)
    task = PeriodicTask.objects.get(name="Daily retention review scan")
    assert (task.task, task.crontab_id) == ("privacy.tasks.retention_scan", moved.pk)
    assert PeriodicTask.objects.filter(name="Daily retention review scan").count() == 1


def _accounts_0004_state():
    """The models as accounts migration 0004 saw them (its RetentionPolicy was accounts')."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    return MigrationExecutor(connection).loader.project_state(("accounts", "0004_retention_and_sar")).apps


# --- Who may see and decide --------------------------------------------------------------------------------


@pytest.fixture
def reviews(old_case, old_victim):
    retention.retention_scan()
    return {"case": review_for("case", old_case.pk), "victim": review_for("victim", old_victim.pk)}


def test_anonymous_users_are_sent_to_sign_in(client, reviews):
    for url in (
        reverse("privacy:retention"),
        reverse("privacy:retention_review", args=[reviews["case"].pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in/" in response["Location"]


@pytest.mark.parametrize("login", ["casemanager", "idva", "analyst", "police", "chair"])
def test_roles_without_retention_duties_are_refused(client_for, reviews, login):
    client = client_for(login, "north")
    assert client.get(reverse("privacy:retention")).status_code == 403
    erase = reverse("privacy:retention_erase", args=[reviews["case"].pk])
    assert client.post(erase, {"confirm": "on"}).status_code == 403
    assert Perpetrator.objects.filter(last_name=NAME).exists()


def test_admin_rights_alone_open_no_review(client_for, reviews):
    assert client_for("admin").get(reverse("privacy:retention")).status_code == 403


def test_a_supervisor_sees_their_teams_case_reviews_but_not_victim_records(
    client_for, reviews, django_assert_max_num_queries
):
    client = client_for("supervisor", "north")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("privacy:retention"))
    assert response.status_code == 200
    assert reviews["case"].reference in response.content.decode()
    assert reviews["victim"].reference not in response.content.decode()
    assert client.get(reverse("privacy:retention_review", args=[reviews["case"].pk])).status_code == 200
    assert client.get(reverse("privacy:retention_review", args=[reviews["victim"].pk])).status_code == 404


def test_the_idva_manager_sees_victim_records_only(client_for, reviews):
    client = client_for("idvamanager", "north")
    assert client.get(reverse("privacy:retention_review", args=[reviews["victim"].pk])).status_code == 200
    assert client.get(reverse("privacy:retention_review", args=[reviews["case"].pk])).status_code == 404


@pytest.mark.parametrize("login", ["supervisor", "idvamanager", "dpo", "coordinator"])
def test_another_areas_reviewers_get_not_found(client_for, reviews, login):
    client = client_for(login, "south")
    for review in reviews.values():
        assert client.get(reverse("privacy:retention_review", args=[review.pk])).status_code == 404
        assert (
            client.post(reverse("privacy:retention_erase", args=[review.pk]), {"confirm": "on"}).status_code
            == 404
        )
    assert Perpetrator.objects.filter(last_name=NAME).exists()


def test_the_dpo_sees_every_review_in_their_area(client_for, reviews):
    response = client_for("dpo", "north").get(reverse("privacy:retention"))
    body = response.content.decode()
    assert reviews["case"].reference in body and reviews["victim"].reference in body


def test_a_panel_coordinator_sees_their_panels_meeting_reviews_only(world, client_for, reviews):
    from panels.models import Meeting, Panel

    panel = Panel.objects.create(
        name="Old MARAC",
        kind=Panel.Kind.MARAC,
        area=world.areas["north"],
        coordinator_team=world.team("marac", "north"),
    )
    meeting = Meeting.objects.create(
        panel=panel, scheduled_for=timezone.now() - datetime.timedelta(days=365 * 7)
    )
    retention.retention_scan()
    review = review_for("meeting", meeting.pk)
    client = client_for("coordinator", "north")
    assert client.get(reverse("privacy:retention_review", args=[review.pk])).status_code == 200
    assert client.get(reverse("privacy:retention_review", args=[reviews["case"].pk])).status_code == 404
    assert (
        client_for("supervisor", "north")
        .get(reverse("privacy:retention_review", args=[review.pk]))
        .status_code
        == 404
    )


# --- Decisions ----------------------------------------------------------------------------------------------


def test_nothing_is_erased_without_the_confirmation(client_for, reviews):
    client = client_for("supervisor", "north")
    response = client.post(reverse("privacy:retention_erase", args=[reviews["case"].pk]), {})
    assert response.status_code == 400
    assert "Confirm that the personal data can be erased" in response.content.decode()
    assert Perpetrator.objects.filter(last_name=NAME).exists()
    assert RetentionReview.objects.get(pk=reviews["case"].pk).status == "pending"


def test_erasing_a_case_removes_personal_data_and_history_and_keeps_the_figures(
    client_for, reviews, old_case
):
    client = client_for("supervisor", "north")
    response = client.post(reverse("privacy:retention_erase", args=[reviews["case"].pk]), {"confirm": "on"})
    assert response.status_code == 302
    case = Case.all_objects.get(pk=old_case.pk)
    assert case.risk_level == RiskLevel.HIGH and case.closed_on == old_case.closed_on  # figures kept
    person = Perpetrator.all_objects.get(pk=old_case.perpetrator_id)
    assert NAME not in person.full_name and person.date_of_birth == datetime.date(1980, 1, 1)
    assert not Perpetrator.history.filter(id=person.pk).exists()
    assert not PerpetratorAlias.history.filter(perpetrator_id=person.pk).exists()
    assert PerpetratorAddress.all_objects.get(perpetrator=person).line_1 == erasure.ERASED
    assert not PerpetratorAddress.objects.filter(perpetrator=person).exists()  # soft-deleted
    assert CaseNote.all_objects.get(case=case).text == erasure.ERASED
    incident = Incident.all_objects.get(case=case)
    assert incident.summary == "" and incident.offence == Offence.HARASSMENT
    review = RetentionReview.objects.get(pk=reviews["case"].pk)
    assert review.status == "erased" and review.decided_by.email.startswith("supervisor.north")
    event = AuditEvent.objects.filter(
        action="delete", object_type="casework.case", object_id=str(case.pk)
    ).get()
    assert "retention erasure" in event.purpose
    assert not AuditEvent.objects.filter(purpose__contains=NAME).exists()


def test_a_second_erasure_of_the_same_review_is_refused(client_for, reviews):
    client = client_for("supervisor", "north")
    url = reverse("privacy:retention_erase", args=[reviews["case"].pk])
    assert client.post(url, {"confirm": "on"}).status_code == 302
    summary = dict(RetentionReview.objects.values_list("pk", "summary").filter(pk=reviews["case"].pk))
    response = client.post(url, {"confirm": "on"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("privacy:retention_review", args=[reviews["case"].pk])
    assert "already been decided: nothing was changed" in response.content.decode()
    assert dict(RetentionReview.objects.values_list("pk", "summary").filter(pk=reviews["case"].pk)) == summary


def test_the_perpetrator_is_kept_while_another_case_about_them_is_held(world, reviews, old_case):
    casework_services.case_open(
        actor=old_case.case_manager,
        perpetrator=old_case.perpetrator,
        team=old_case.team,
        case_manager=old_case.case_manager,
    )
    retention.review_erase(review=reviews["case"], actor=world.user("supervisor", "north"))
    assert Perpetrator.objects.get(pk=old_case.perpetrator_id).last_name == NAME
    assert CaseNote.all_objects.get(case=old_case).text == erasure.ERASED


def test_erasing_a_victim_record_removes_address_and_contacts_and_keeps_outcomes(
    world, client_for, reviews, old_victim
):
    client = client_for("idvamanager", "north")
    response = client.post(reverse("privacy:retention_erase", args=[reviews["victim"].pk]), {"confirm": "on"})
    assert response.status_code == 302
    victim = Victim.all_objects.get(pk=old_victim.pk)
    assert victim.first_name == erasure.ERASED_NAME and victim.last_name == ""
    assert VICTIM_STREET not in VictimAddress.all_objects.get(victim=victim).line_1
    assert not VictimAddress.history.filter(victim_id=victim.pk).exists()
    assert VictimContact.all_objects.get(victim=victim).value == erasure.ERASED
    assert VictimOutcome.objects.get(victim=victim).idva_risk == RiskLevel.HIGH
    assert not Victim.history.filter(first_name=VICTIM_NAME).exists()


def test_extending_needs_a_reason_and_a_future_date(client_for, reviews):
    client = client_for("supervisor", "north")
    url = reverse("privacy:retention_extend", args=[reviews["case"].pk])
    past = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(
        url, {"reason": "  ", "until_day": past.day, "until_month": past.month, "until_year": past.year}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter why the record must be kept longer" in body or "This field is required" in body
    assert "The new review date must be in the future" in body
    for bad in (
        {"reason": "x", "until_day": "31", "until_month": "2", "until_year": "2030"},
        {"reason": "x" * 5000},
    ):
        assert client.post(url, bad).status_code == 400
    assert RetentionReview.objects.get(pk=reviews["case"].pk).status == "pending"
    later = timezone.localdate() + datetime.timedelta(days=90)
    response = client.post(
        url,
        {
            "reason": "Civil proceedings ongoing",
            "until_day": later.day,
            "until_month": later.month,
            "until_year": later.year,
        },
    )
    assert response.status_code == 302
    review = RetentionReview.objects.get(pk=reviews["case"].pk)
    assert review.status == "extended" and review.extended_until == later
    assert review.reason == "Civil proceedings ongoing"
    assert AuditEvent.objects.filter(
        action="update", object_type="accounts.retentionreview", object_id=str(review.pk)
    ).exists()


def test_hostile_text_in_the_reason_is_stored_as_text_and_escaped(client_for, reviews):
    client = client_for("supervisor", "north")
    later = timezone.localdate() + datetime.timedelta(days=9)
    script = "<script>alert(1)</script>\u202e\u0000é"
    response = client.post(
        reverse("privacy:retention_extend", args=[reviews["case"].pk]),
        {"reason": script, "until_day": later.day, "until_month": later.month, "until_year": later.year},
    )
    assert response.status_code in (302, 400)
    page = client.get(reverse("privacy:retention_review", args=[reviews["case"].pk])).content.decode()
    assert "<script>alert(1)</script>" not in page


def test_erasing_a_meeting_removes_minutes_text(world, reviews):
    from panels.models import AgendaItem, Meeting, Observer, Panel

    panel = Panel.objects.create(
        name="Old MARAC",
        kind=Panel.Kind.MARAC,
        area=world.areas["north"],
        coordinator_team=world.team("marac", "north"),
    )
    meeting = Meeting.objects.create(
        panel=panel, scheduled_for=timezone.now() - datetime.timedelta(days=365 * 7)
    )
    item = AgendaItem.objects.create(
        meeting=meeting,
        case=Case.all_objects.first(),
        reason=AgendaItem.Reason.values[0],
        slot_start=datetime.time(10, 0),
        discussion_summary=f"{NAME} discussed",
        decisions="Refer to housing",
        risk_level=RiskLevel.HIGH,
    )
    Observer.objects.create(
        meeting=meeting, name="Olive Observer", role="Student", confidentiality_signed_on=timezone.localdate()
    )
    retention.retention_scan()
    retention.review_erase(review=review_for("meeting", meeting.pk), actor=world.user("coordinator", "north"))
    item = AgendaItem.all_objects.get(pk=item.pk)
    assert item.discussion_summary == "" and item.decisions == "" and item.risk_level == RiskLevel.HIGH
    assert Observer.objects.get(meeting=meeting).name == erasure.ERASED


# --- Audit events past retention ------------------------------------------------------------------------------


@pytest.fixture
def old_audit_month(world):
    old = timezone.now() - datetime.timedelta(days=365 * 3)
    AuditEvent.objects.create(
        user=world.user("casemanager", "north"),
        action="view",
        object_type="casework.case",
        object_id="1",
        occurred_at=old,
    )
    AuditEvent.objects.create(
        user=world.user("idva", "north"),
        action="view",
        object_type="victims.victim",
        object_id="2",
        occurred_at=old,
    )
    retention.retention_scan()
    return f"{timezone.localdate(old):%Y-%m}"


def test_the_append_only_trigger_still_refuses_deletes_outside_the_retention_path(old_audit_month):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM accounts_auditevent")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE accounts_auditevent SET purpose = 'x'")


def test_only_a_dpo_can_erase_an_audit_month(world, client_for, old_audit_month):
    review = review_for("audit", old_audit_month)
    assert (
        client_for("supervisor", "north")
        .get(reverse("privacy:retention_review", args=[review.pk]))
        .status_code
        == 404
    )
    with pytest.raises(PermissionDenied):
        retention.review_erase(review=review, actor=world.user("supervisor", "north"))
    assert (
        AuditEvent.objects.filter(occurred_at__lt=timezone.now() - datetime.timedelta(days=365 * 2)).count()
        == 2
    )


def test_the_dpo_erases_an_audit_month_and_the_switch_ends_with_the_transaction(
    world, client_for, old_audit_month
):
    review = review_for("audit", old_audit_month)
    client = client_for("dpo", "north")
    assert client.post(reverse("privacy:retention_erase", args=[review.pk]), {}).status_code == 400
    response = client.post(reverse("privacy:retention_erase", args=[review.pk]), {"confirm": "on"})
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(
        occurred_at__lt=timezone.now() - datetime.timedelta(days=365 * 2)
    ).exists()
    assert RetentionReview.objects.get(pk=review.pk).summary == {"audit_events": 2}
    assert AuditEvent.objects.filter(
        action="delete", object_type="accounts.auditevent", object_id=old_audit_month
    ).exists()
    if connection.vendor == "postgresql":
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("DELETE FROM accounts_auditevent")


def test_audit_events_inside_their_period_cannot_be_erased(world):
    month = timezone.localdate().replace(day=1)
    review = RetentionReview.objects.create(
        record_type="audit",
        object_id=f"{month:%Y-%m}",
        reference="this month",
        anchor_date=month,
        due_on=month,
    )
    with pytest.raises(ValidationError):
        retention.review_erase(review=review, actor=world.user("dpo", "north"))


def test_a_case_reopened_since_the_review_opened_is_not_erased(world, client_for, reviews, old_case):
    Case.objects.filter(pk=old_case.pk).update(phase=Case.Phase.ACTIVE, closed_on=None)
    response = client_for("supervisor", "north").post(
        reverse("privacy:retention_erase", args=[reviews["case"].pk]), {"confirm": "on"}
    )
    assert response.status_code == 400
    assert "reopened" in response.content.decode()
    assert Perpetrator.objects.filter(last_name=NAME).exists()
    assert RetentionReview.objects.get(pk=reviews["case"].pk).status == "pending"
