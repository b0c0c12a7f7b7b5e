"""Every run starts from what the migrations install, whatever an earlier run or test did."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations.special import RunPython
from django_celery_beat.models import PeriodicTask

from tests.conftest import DATA_MIGRATIONS, NOT_ROW_INSTALLERS, install_data_migration_rows

ROOT = Path(__file__).resolve().parent.parent


def _project_run_python() -> set[tuple[str, str]]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    found = set()
    for migration in loader.disk_migrations.values():
        module = type(migration).__module__
        app_path = Path(apps.get_app_config(migration.app_label).path)
        if not app_path.is_relative_to(ROOT) or "site-packages" in app_path.parts:
            continue  # a library's own migrations
        for operation in migration.operations:
            if isinstance(operation, RunPython):
                found.add((module, operation.code.__name__))
    return found


def test_every_run_python_is_known_to_the_test_harness():
    known = set(DATA_MIGRATIONS) | set(NOT_ROW_INSTALLERS)
    assert _project_run_python() - known == set(), (
        "Add the new data migration to DATA_MIGRATIONS (rows a flush removes) or NOT_ROW_INSTALLERS "
        "in tests/conftest.py"
    )


@pytest.mark.django_db(transaction=True)
def test_a_flushed_database_gets_the_data_migration_rows_back():
    """What `--reuse-db` meets after a transactional test of an earlier run flushed the tables."""
    call_command("flush", interactive=False, verbosity=0)
    assert not PeriodicTask.objects.exists()
    install_data_migration_rows()
    schedules = PeriodicTask.objects.count()
    install_data_migration_rows()  # idempotent: a second pass adds nothing
    assert PeriodicTask.objects.count() == schedules
    schedules = set(PeriodicTask.objects.values_list("task", flat=True))
    assert "casework.tasks.daily_risk_scan" in schedules
    assert apps.get_model("victims", "DashInstrument").objects.exists()
    assert apps.get_model("referrals", "BankHoliday").objects.exists()


@pytest.mark.django_db
def test_every_scheduled_job_names_a_task_celery_knows():
    """A beat entry whose task name has a typo would never run, and nothing would say so."""
    from config.celery import app

    app.loader.import_default_modules()  # the autodiscovery a worker does at start-up
    scheduled = set(PeriodicTask.objects.values_list("task", flat=True))
    assert "referrals.tasks.bank_holidays_fill" in scheduled
    assert scheduled - set(app.tasks) == set()
