import datetime
import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from casework import flags, jobs
from casework.models import CaseSession, CustodyRecord, FlagRecipient, RiskFlag
from tests.casework.flags.support import (
    TODAY,
    VICTIM_FIRST,
    VICTIM_LAST,
    VICTIM_POSTCODE,
    days,
    make_case,
    make_victim,
)


def custody(case, release_in=7):
    # A recent attended session, so the no-contact rule stays quiet and only release flags arise.
    CaseSession.objects.create(
        case=case,
        kind=CaseSession.Kind.CUSTODY_VISIT,
        held_on=days(-1),
        attendance="attended",
        recorded_by=case.case_manager,
    )
    return CustodyRecord.objects.create(
        case=case,
        perpetrator=case.perpetrator,
        sentence_date=days(-400),
        expected_release_on=days(release_in),
        created_by=case.case_manager,
    )


@pytest.mark.django_db
def test_running_every_scan_twice_raises_each_flag_once(world):
    case = make_case(world)
    make_victim(world, case)
    custody(case)
    first = jobs.scan_all(today=TODAY)
    flag_count, copy_count = RiskFlag.objects.count(), FlagRecipient.objects.count()
    assert first == flag_count == 2  # the case side and the victim side
    assert jobs.scan_all(today=TODAY) == 0
    assert (RiskFlag.objects.count(), FlagRecipient.objects.count()) == (flag_count, copy_count)


@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_raise_each_flag_once(world):
    case = make_case(world)
    make_victim(world, case)
    custody(case)
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait(timeout=10)
            jobs.scan_all(today=TODAY)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert RiskFlag.objects.count() == 2
    assert FlagRecipient.objects.filter(user=world.user("casemanager", "north")).count() == 1


@pytest.mark.django_db
def test_unacknowledged_flag_escalates_to_the_team_supervisor_after_2_working_days(world):
    case = make_case(world)
    make_victim(world, case)
    custody(case)
    flags.rule_run("release_victims", today=TODAY)
    idva_copy = FlagRecipient.objects.get(user=world.user("idva", "north"))
    friday = datetime.datetime(2026, 3, 13, 9, tzinfo=datetime.UTC)
    FlagRecipient.objects.update(created_at=friday)
    # Monday: one working day has passed.
    assert flags.flags_escalate(now=datetime.datetime(2026, 3, 16, 12, tzinfo=datetime.UTC)) == 0
    # Tuesday: two working days.
    assert flags.flags_escalate(now=datetime.datetime(2026, 3, 17, 12, tzinfo=datetime.UTC)) == 1
    idva_copy.refresh_from_db()
    assert idva_copy.escalated_at is not None
    escalated = FlagRecipient.objects.get(escalated_from=idva_copy)
    assert escalated.user == world.user("idvamanager", "north")
    assert "Ida Advocate (Northshire) has not acknowledged" in escalated.reason
    # Each copy escalates once, and escalated copies do not escalate again.
    assert flags.flags_escalate(now=datetime.datetime(2026, 3, 20, 12, tzinfo=datetime.UTC)) == 0
    # The perpetrator's side never sees it.
    assert not FlagRecipient.objects.filter(user=world.user("supervisor", "north")).exists()


@pytest.mark.django_db
def test_escalation_never_gives_the_supervisor_a_second_copy(world):
    case = make_case(world, supervisor=False)
    custody(case)
    jobs.scan_release(today=TODAY)
    FlagRecipient.objects.update(created_at=timezone.now() - datetime.timedelta(days=10))
    flags.flags_escalate()
    assert FlagRecipient.objects.filter(user=world.user("supervisor", "north")).count() == 1
    assert FlagRecipient.objects.get(user=world.user("casemanager", "north")).escalated_at is not None


@pytest.mark.django_db
def test_acknowledged_flags_do_not_escalate(world):
    case = make_case(world)
    custody(case)
    jobs.scan_release(today=TODAY)
    for copy in FlagRecipient.objects.select_related("user"):
        flags.flag_acknowledge(recipient=copy, note="Victim told by the IDVA", actor=copy.user)
    FlagRecipient.objects.update(created_at=timezone.now() - datetime.timedelta(days=10))
    assert flags.flags_escalate() == 0


@pytest.mark.django_db
def test_one_email_per_person_saying_only_how_many(world, settings):
    settings.TIDELINE_BASE_URL = "https://tideline.example"
    case = make_case(world)
    make_victim(world, case)
    custody(case, release_in=7)
    other = make_case(world)
    custody(other, release_in=14)
    jobs.scan_all(today=TODAY)
    assert flags.flags_notify() > 0
    by_person = {message.to[0]: message for message in mail.outbox}
    assert len(by_person) == len(mail.outbox), "someone got two emails"
    manager = by_person[world.user("casemanager", "north").email]
    assert manager.body.startswith("You have 2 new risk flags in Tideline.")
    assert "https://tideline.example/cases/flags/" in manager.body
    idva = by_person[world.user("idva", "north").email]
    for message in mail.outbox:
        for secret in (VICTIM_FIRST, VICTIM_LAST, VICTIM_POSTCODE, "Darren", "Colbeck", "TL-"):
            assert secret not in message.body and secret not in message.subject, f"{secret} in an email"
    assert "1 new risk flag " in idva.body
    # Nothing new: nobody is emailed again.
    mail.outbox.clear()
    assert flags.flags_notify() == 0 and mail.outbox == []
