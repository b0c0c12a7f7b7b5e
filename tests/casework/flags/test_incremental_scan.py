"""The re-scan skips rules when nothing they read has changed, and runs them when something has.

The change marker is a PostgreSQL sequence advanced by statement triggers on every table the
rules read (casework.change_marker); the suite runs on PostgreSQL, so these tests use the real
triggers.
"""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import connection

from accounts import audit
from accounts.models import AuditEvent
from casework import change_marker, jobs, tasks
from casework.flags import rules
from casework.models import FlagKind, RiskFlag, ScanRun
from tests.casework.flags.support import TODAY, days, make_case
from tests.casework.flags.test_release import custody

pytestmark = pytest.mark.django_db


def test_every_table_the_rules_read_is_watched_and_the_scans_own_tables_are_not():
    assert connection.vendor == "postgresql", "the test suite runs on PostgreSQL"
    watched = set(change_marker.watched_tables())
    for table in (
        "casework_case",
        "casework_custodyrecord",
        "casework_incident",
        "victims_victim",
        "accounts_membership",
    ):
        assert table in watched
    for table in ("casework_riskflag", "casework_flagrecipient", "casework_scanrun", "accounts_auditevent"):
        assert table not in watched
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(DISTINCT event_object_table) FROM information_schema.triggers WHERE trigger_name = %s",
            [change_marker.TRIGGER],
        )
        assert cursor.fetchone()[0] == len(watched)


def test_a_change_advances_the_marker_and_reading_or_flagging_does_not(world):
    case = make_case(world)
    before = change_marker.current()
    audit.record(None, AuditEvent.Action.VIEW, case, user=case.case_manager)
    RiskFlag.objects.create(
        kind=FlagKind.RELEASE, subject_key="x", trigger_date=TODAY, case=case, title="t", why="w"
    )
    assert change_marker.current() == before
    custody(case, release_in=14)
    assert change_marker.current() > before


def test_a_rescan_with_nothing_changed_runs_no_rule(world, django_assert_max_num_queries):
    custody(make_case(world), release_in=14)
    assert jobs.scan_all(today=TODAY) >= 1
    assert ScanRun.objects.filter(day=TODAY).count() == len(rules())
    with mock.patch.object(jobs, "rule_run") as run, django_assert_max_num_queries(3):
        assert jobs.scan_all(today=TODAY, incremental=True) == 0
    run.assert_not_called()


def test_a_rescan_after_a_change_raises_its_flag(world):
    case = make_case(world)
    jobs.scan_all(today=TODAY)
    assert not RiskFlag.objects.filter(kind=FlagKind.RELEASE).exists()
    custody(case, release_in=7)
    assert jobs.scan_all(today=TODAY, incremental=True) >= 1
    assert RiskFlag.objects.filter(kind=FlagKind.RELEASE, case=case).exists()


def test_a_new_day_runs_every_rule_again(world):
    custody(make_case(world), release_in=20)
    jobs.scan_all(today=TODAY)
    with mock.patch.object(jobs, "rule_run", return_value=0) as run:
        jobs.scan_all(today=days(1), incremental=True)
    assert run.call_count == len(rules())


def test_the_full_daily_scan_never_skips(world):
    jobs.scan_all(today=TODAY)
    with mock.patch.object(jobs, "rule_run", return_value=0) as run:
        jobs.scan_all(today=TODAY)
    assert run.call_count == len(rules())


def test_the_re_scan_job_sends_nothing_when_nothing_changed(world):
    custody(make_case(world), release_in=14)
    with (
        mock.patch.object(tasks.raise_rule_batch, "delay") as batch,
        mock.patch.object(tasks.send_flag_notifications, "apply_async") as notify,
    ):
        assert tasks.daily_risk_scan(TODAY.isoformat()) >= 1
        batch.reset_mock()
        notify.reset_mock()
        assert tasks.daily_risk_scan(TODAY.isoformat(), incremental=True) == 0
    batch.assert_not_called()
    notify.assert_not_called()


def test_the_re_scan_is_scheduled_every_fifteen_minutes():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(name__startswith="Risk-flag re-scan")
    assert task.task == "casework.tasks.daily_risk_scan"
    assert task.interval.every == 15 and task.interval.period == "minutes"
    assert '"incremental": true' in task.kwargs
