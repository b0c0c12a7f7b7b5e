import logging
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerOperationalError

from casework import jobs, tasks
from casework.models import FlagKind, Incident, RiskFlag
from tests.casework.flags.support import make_case, make_victim


def incident(case, links=()):
    made = Incident.objects.create(
        perpetrator=case.perpetrator,
        case=case,
        occurred_on=timezone.localdate(),
        incident_type="crime",
        offence="harassment",
        source="imported",
    )
    made.victim_links.set(links)
    return made


@pytest.mark.django_db
def test_enqueue_runs_the_job_after_commit_with_only_the_id(world, django_capture_on_commit_callbacks):
    case = make_case(world)
    link = make_victim(world, case)
    with mock.patch.object(tasks.flags_after_incident, "delay") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            made = incident(case, [link])
            tasks.enqueue_flags_after_incident(made.pk)
        delay.assert_not_called()  # nothing is sent before the transaction commits
        for callback in callbacks:
            callback()
        delay.assert_called_once_with(made.pk)


@pytest.mark.django_db
def test_enqueued_incident_job_raises_flags_in_process(world, django_capture_on_commit_callbacks):
    case = make_case(world)
    link = make_victim(world, case)
    with django_capture_on_commit_callbacks(execute=True):
        made = incident(case, [link])
        tasks.enqueue_flags_after_incident(made.pk)
    assert RiskFlag.objects.filter(kind=FlagKind.INCIDENT).count() == 2


@pytest.mark.django_db
def test_redis_down_the_edit_still_succeeds_and_the_next_scan_raises_the_flag(
    world, django_capture_on_commit_callbacks, caplog
):
    case = make_case(world)
    link = make_victim(world, case)
    refused = BrokerOperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with (
        mock.patch.object(tasks.flags_after_incident, "delay", side_effect=refused),
        caplog.at_level(logging.WARNING, logger="casework.tasks"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        made = incident(case, [link])
        tasks.enqueue_flags_after_incident(made.pk)
    assert Incident.objects.filter(pk=made.pk).exists()
    assert "could not enqueue" in caplog.text
    assert "Alana" not in caplog.text and "Colbeck" not in caplog.text
    assert not RiskFlag.objects.exists()
    jobs.scan_incidents(today=timezone.localdate())
    assert RiskFlag.objects.filter(kind=FlagKind.INCIDENT).count() == 2


@pytest.mark.django_db
def test_daily_scan_hands_ids_to_batch_jobs(world):
    case = make_case(world)
    case.next_review_date = timezone.localdate() - timezone.timedelta(days=3)
    case.save()
    with (
        mock.patch.object(tasks.raise_rule_batch, "delay") as delay,
        mock.patch.object(tasks.send_flag_notifications, "apply_async"),
    ):
        tasks.daily_risk_scan(timezone.localdate().isoformat())
    calls = {call.args[0]: call.args[1] for call in delay.call_args_list}
    assert calls["review_overdue"] == [case.pk]
    assert all(len(ids) <= 1000 for ids in calls.values())


@pytest.mark.django_db
def test_daily_scan_runs_end_to_end_in_process(world):
    case = make_case(world)
    case.next_review_date = timezone.localdate() - timezone.timedelta(days=3)
    case.save()
    tasks.daily_risk_scan.delay()
    assert RiskFlag.objects.filter(kind=FlagKind.REVIEW_OVERDUE, case=case).exists()


def test_tasks_retry_only_named_transient_errors_and_have_time_limits():
    for task in (
        tasks.daily_risk_scan,
        tasks.raise_rule_batch,
        tasks.flags_after_incident,
        tasks.flags_after_incidents,
        tasks.flags_after_order,
        tasks.flags_after_custody,
        tasks.escalate_flags,
    ):
        assert set(task.autoretry_for) == {tasks.OperationalError, BrokerOperationalError}
        assert task.time_limit and task.soft_time_limit and task.retry_backoff


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_raises_flags_from_an_enqueued_incident(world, celery_worker):
    case = make_case(world)
    link = make_victim(world, case)
    with transaction.atomic():
        made = incident(case, [link])
        tasks.enqueue_flags_after_incident(made.pk)
    flags = celery_worker.wait_for(
        lambda: (
            list(RiskFlag.objects.filter(kind=FlagKind.INCIDENT))
            if RiskFlag.objects.filter(kind=FlagKind.INCIDENT).count() == 2
            else None
        )
    )
    assert {flag.audience for flag in flags} == {"case", "victim"}
    log = celery_worker.log.read_text()
    assert "casework.tasks.flags_after_incident" in log
    assert "Alana" not in log and "Wrenfield" not in log and "ZZ9" not in log


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_rule_batch(world, celery_worker):
    case = make_case(world)
    case.next_review_date = timezone.localdate() - timezone.timedelta(days=2)
    case.save()
    tasks.raise_rule_batch.delay("review_overdue", [case.pk], timezone.localdate().isoformat())
    celery_worker.wait_for(lambda: RiskFlag.objects.filter(kind=FlagKind.REVIEW_OVERDUE).exists())
