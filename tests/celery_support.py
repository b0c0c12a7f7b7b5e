"""Celery in tests.

By default tasks run eagerly in the test process (deterministic, no broker needed). A test
about jobs asks for `celery_worker`: a real `celery worker` process against the machine's
Redis and the test's PostgreSQL database, on a queue of its own so parallel test runs never
take each other's tasks. Such tests need committed data: mark them
`@pytest.mark.django_db(transaction=True)`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _celery_eager():
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = True


def _database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    )


@pytest.fixture
def celery_worker(transactional_db, tmp_path):
    if not os.environ.get("REDIS_URL"):
        pytest.fail("REDIS_URL is not set: job tests need the machine's Redis (run through scripts/pytest)")
    queue = f"tideline-test-{uuid.uuid4().hex[:10]}"
    name = f"{queue}@localhost"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    log = tmp_path / "worker.log"
    process = subprocess.Popen(  # noqa: S603 (fixed arguments)
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            queue,
            "-n",
            name,
            "--pool",
            "solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    celery_app.conf.task_always_eager = False
    previous_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    try:
        deadline = time.monotonic() + 60
        while not celery_app.control.ping(destination=[name], timeout=1.0):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Celery worker did not start:\n{log.read_text()[-4000:]}")
        yield WorkerHandle(name=name, queue=queue, log=log)
    finally:
        celery_app.conf.task_default_queue = previous_queue
        celery_app.conf.task_always_eager = True
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


class WorkerHandle:
    def __init__(self, *, name: str, queue: str, log: Path):
        self.name, self.queue, self.log = name, queue, log

    def wait_for(self, condition, *, timeout: float = 30.0, interval: float = 0.2):
        """Poll `condition()` until it is truthy (the worker commits in its own process)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = condition()
            if result:
                return result
            time.sleep(interval)
        raise AssertionError(
            f"condition not met within {timeout}s; worker log:\n{self.log.read_text()[-4000:]}"
        )
