"""Fault drills against the real services, without disturbing the shared ones.

- Redis stopped: a private `redis-server` is started on a free port and the app pointed at it
  (cache and Celery broker), then stopped: signing in, reading and editing a case, the audit
  trail and the API keep working; an incident whose risk job could not be queued is flagged by
  the next scan once Redis is back.
- PostgreSQL restarted mid-request: the request's own backend is terminated from a second
  connection while the view runs (through a live server, so Django's real request cycle and
  its connection health checks apply): the user sees the 503 page, nothing is half-written,
  and the next request works without a restart. (tests/accounts/test_database_unavailable.py
  covers the page itself with a simulated error.)
- A Celery worker killed mid-task: a real worker (against the private Redis, so redelivery of
  unacknowledged messages touches nobody else's) is killed with SIGKILL while its task waits
  on a database lock; a new worker picks the task up again (acks_late) and its effect happens
  exactly once (idempotent service).
- Two people saving the same case through the real form: the second is told, nothing is
  overwritten; and two saves racing in threads: exactly one wins.
- Hostile input to the API and to the one file upload (the police incident extract);
  tests/test_crawl.py submits hostile text to every HTML form.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import psycopg2
import pytest
import redis
import requests
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models.functions import Length
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts.demo import DEMO_PASSWORD
from accounts.models import AuditEvent
from accounts.models_api import Scope
from accounts.records import ConcurrentEditError
from casework import services, tasks
from casework.models import Case, FlagKind, FlagRecipient, Incident, RiskFlag
from config.celery import app as celery_app
from tests.api.conftest import make_token
from tests.casework.flags.support import make_case, make_victim
from tests.celery_support import ROOT, _database_url
from tests.conftest import sign_in

pytestmark = pytest.mark.services

SERVICE_UNAVAILABLE = "Sorry, the service is unavailable"
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


# --- A private Redis ----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A `redis-server` of the test's own on a free port; start and stop it at will."""

    def __init__(self, directory: Path):
        self.port = _free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_connect_timeout=1)

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 (fixed arguments)
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            cwd=self.directory,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                self.client().ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("the private redis-server did not start") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


def _reset_broker_pools() -> None:
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def app_on_private_redis(private_redis, settings):
    """The app's cache and Celery broker point at the private Redis (jobs are queued, not run)."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": private_redis.url}
    }
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = private_redis.url
    celery_app.conf.task_always_eager = False
    _reset_broker_pools()
    yield private_redis
    celery_app.conf.broker_url = previous
    celery_app.conf.task_always_eager = True
    _reset_broker_pools()


def sign_in_through_the_form(client: Client, user) -> None:
    """The real sign-in: password, then the TOTP second factor (enrolled on first use)."""
    response = client.post("/sign-in/", {"username": user.email, "password": DEMO_PASSWORD})
    assert response.status_code == 302 and "security-code" in response.url, response.content[:500]
    assert client.get("/sign-in/security-code/").status_code == 200
    device = TOTPDevice.objects.filter(user=user).latest("id")
    response = client.post("/sign-in/security-code/", {"token": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302, response.content[:500]


@pytest.mark.django_db
def test_with_redis_stopped_people_sign_in_read_edit_and_the_scan_catches_up_later(
    world, app_on_private_redis, caplog, django_capture_on_commit_callbacks
):
    private_redis = app_on_private_redis
    case = make_case(world)
    make_victim(world, case)  # label "victim 2"

    # The wiring: while it runs, the cache and the broker really are the private Redis.
    cache.set("drill", "on")
    assert private_redis.client().exists(":1:drill")
    assert tasks.safe_delay(tasks.send_flag_notifications)
    assert private_redis.client().llen("celery") == 1
    private_redis.client().flushdb()

    private_redis.stop()

    manager = world.user("casemanager", "north")
    client = Client()
    sign_in_through_the_form(client, manager)
    assert client.get("/").status_code == 200
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    response = client.post(
        f"/cases/{case.pk}/edit/", {"intervention_type": "group", "phase": "active", "version": case.version}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.intervention_type == "group" and case.version == 2
    actions = set(AuditEvent.objects.filter(user=manager).values_list("action", flat=True))
    assert {AuditEvent.Action.LOGIN, AuditEvent.Action.VIEW, AuditEvent.Action.UPDATE} <= actions
    assert sign_in(Client(), world.user("dpo", "north")).get("/audit/").status_code == 200

    # The API reads and writes too (its rate limits live in the cache).
    _, raw = make_token(world.user("supervisor", "north"), scopes=[Scope.CASES_READ, Scope.INCIDENTS_WRITE])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert api.get("/api/cases/").status_code == 200
    incident = {
        "police_reference": "NP/DRILL/1",
        "occurred_on": (timezone.localdate() - timezone.timedelta(days=2)).isoformat(),
        "incident_type": "crime",
        "offence": "common_assault",
        "is_domestic_abuse": True,
        "perpetrator_id": case.perpetrator_id,
        "victim_numbers": [2],
        "summary": "Officers attended.",
    }
    with (
        caplog.at_level(logging.WARNING, logger="casework.tasks"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = api.post("/api/incidents/", incident, format="json")
    assert response.status_code == 201, response.content
    assert Incident.objects.filter(police_reference="NP/DRILL/1").exists()
    assert "could not enqueue" in caplog.text
    assert not RiskFlag.objects.filter(kind=FlagKind.INCIDENT).exists()

    # Redis is back: the next daily scan raises what the lost job would have.
    private_redis.start()
    celery_app.conf.task_always_eager = True
    tasks.daily_risk_scan()
    assert RiskFlag.objects.filter(kind=FlagKind.INCIDENT, case=case).exists()


# --- PostgreSQL restarted mid-request ---------------------------------------------------------------


def _terminate(pid: int) -> None:
    """pg_terminate_backend from a second connection, as a database restart would."""
    db = connection.settings_dict
    other = psycopg2.connect(
        dbname=db["NAME"],
        user=db.get("USER") or "postgres",
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
    )
    try:
        other.autocommit = True
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()


def _browser_session(live_server, user) -> requests.Session:
    """An HTTP session carrying a signed-in (second factor done) Tideline session cookie."""
    client = sign_in(Client(), user)
    http = requests.Session()
    http.cookies.set("sessionid", client.cookies["sessionid"].value)
    return http


def _form_post(http: requests.Session, url: str, data: dict) -> requests.Response:
    page = http.get(url, timeout=30)
    assert page.status_code == 200, page.text[:500]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return http.post(url, {**data, "csrfmiddlewaretoken": token}, headers={"Referer": url}, timeout=30)


@pytest.mark.django_db(transaction=True)
def test_a_database_restart_mid_request_shows_503_writes_nothing_and_recovers(
    world, live_server, monkeypatch
):
    case = make_case(world)
    http = _browser_session(live_server, world.user("casemanager", "north"))
    edit_url = f"{live_server.url}/cases/{case.pk}/edit/"
    real_update = services.case_update
    killed: list[int] = []

    def update_then_lose_the_database(**kwargs):
        result = real_update(**kwargs)  # written inside the request's transaction
        with connection.cursor() as cursor:  # the live server thread's own connection
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        _terminate(pid)
        killed.append(pid)
        return result

    monkeypatch.setattr(services, "case_update", update_then_lose_the_database)
    response = _form_post(http, edit_url, {"intervention_type": "group", "phase": "active", "version": "1"})
    assert killed, "the drill did not reach the view"
    assert response.status_code == 503
    assert SERVICE_UNAVAILABLE in response.text and response.headers["Retry-After"] == "30"

    # Nothing half-written: neither the change nor its audit event.
    case.refresh_from_db()
    assert case.intervention_type == "intensive" and case.version == 1
    assert not AuditEvent.objects.filter(
        action=AuditEvent.Action.UPDATE, object_type="casework.case", object_id=str(case.pk)
    ).exists()

    # The next requests work, on a fresh connection, with no restart.
    monkeypatch.setattr(services, "case_update", real_update)
    assert http.get(f"{live_server.url}/cases/{case.pk}/", timeout=30).status_code == 200
    response = _form_post(http, edit_url, {"intervention_type": "group", "phase": "active", "version": "1"})
    assert response.status_code == 200 and "Case details saved" in response.text  # followed the redirect
    case.refresh_from_db()
    assert case.intervention_type == "group" and case.version == 2


# --- A Celery worker killed mid-task --------------------------------------------------------------

WORKER = """
import sys
from config.celery import app
# Redeliver unacknowledged tasks of a dead worker after 2 seconds instead of an hour, and
# look for them every second (the drill's private Redis only).
app.conf.broker_transport_options = {"visibility_timeout": 2, "unacked_restore_interval": 1}
app.worker_main(sys.argv[1:])
"""


class Worker:
    def __init__(self, *, redis_url: str, log: Path):
        self.queue = f"tideline-drill-{uuid.uuid4().hex[:10]}"
        self.name = f"{self.queue}@localhost"
        self.redis_url, self.log = redis_url, log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {
            **os.environ,
            "REDIS_URL": self.redis_url,
            "DATABASE_URL": _database_url(),
            "DATABASE_CONN_MAX_AGE": "0",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        }
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        args = ["worker", "-Q", self.queue, "-n", self.name, "--pool", "solo"]
        args += ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"]
        self.process = subprocess.Popen(  # noqa: S603 (fixed arguments)
            [sys.executable, "-c", WORKER, *args],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while not celery_app.control.ping(destination=[self.name], timeout=1.0):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Celery worker did not start:\n{self.log.read_text()[-4000:]}")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _wait_for(condition, *, timeout: float, what: str, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {timeout}s; worker log:\n{log.read_text()[-4000:]}")


def _blocked_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query ILIKE '%%casework_riskflag%%'"
        )
        return cursor.fetchone()[0] > 0


def _lock_flags_table() -> psycopg2.extensions.connection:
    db = connection.settings_dict
    holder = psycopg2.connect(
        dbname=db["NAME"],
        user=db.get("USER") or "postgres",
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
    )
    with holder.cursor() as cursor:  # stays open (no commit) until the holder rolls back
        cursor.execute("LOCK TABLE casework_riskflag IN SHARE ROW EXCLUSIVE MODE")
    return holder


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_task_has_its_task_done_exactly_once_after_a_restart(
    world, app_on_private_redis, tmp_path
):
    assert celery_app.conf.task_acks_late and celery_app.conf.task_reject_on_worker_lost
    case = make_case(world)
    case.next_review_date = timezone.localdate() - timezone.timedelta(days=2)
    case.save()
    log = tmp_path / "worker.log"
    worker = Worker(redis_url=app_on_private_redis.url, log=log)
    celery_app.conf.task_default_queue = worker.queue
    holder = _lock_flags_table()
    try:
        worker.start()
        tasks.raise_rule_batch.delay("review_overdue", [case.pk], timezone.localdate().isoformat())
        _wait_for(_blocked_on_a_lock, timeout=30, what="the task reaching its insert", log=log)
        worker.kill()  # kill -9 in the middle of the task
        holder.rollback()
        # The dead worker's transaction never committed.
        _wait_for(
            lambda: not _blocked_on_a_lock(), timeout=30, what="the dead worker's query ending", log=log
        )
        assert not RiskFlag.objects.filter(kind=FlagKind.REVIEW_OVERDUE).exists()
        assert app_on_private_redis.client().hlen("unacked") == 1  # not acknowledged: it will come back

        time.sleep(2.5)  # past the drill's visibility timeout
        worker.start()
        _wait_for(
            lambda: RiskFlag.objects.filter(kind=FlagKind.REVIEW_OVERDUE).exists(),
            timeout=60,
            what="the redelivered task",
            log=log,
        )
        # Once more for good measure: a duplicate delivery changes nothing.
        tasks.raise_rule_batch.delay("review_overdue", [case.pk], timezone.localdate().isoformat())
        _wait_for(
            lambda: (
                log.read_text().count("raise_rule_batch") >= 5
                and not app_on_private_redis.client().hlen("unacked")
            ),
            timeout=30,
            what="the duplicate delivery",
            log=log,
        )
    finally:
        holder.close()
        worker.stop()
        celery_app.conf.task_default_queue = "celery"
    flags = RiskFlag.objects.filter(kind=FlagKind.REVIEW_OVERDUE)
    assert flags.count() == 1
    recipients = list(FlagRecipient.objects.filter(flag__in=flags).values_list("user_id", flat=True))
    assert recipients and len(recipients) == len(set(recipients))


# --- Two people saving the same case ------------------------------------------------------------------


def _version_in(page: str) -> str:
    return re.search(r'name="version" value="(\d+)"', page).group(1)


@pytest.mark.django_db
def test_two_people_saving_the_same_case_the_second_is_told_and_nothing_is_overwritten(client_for, world):
    case = make_case(world)
    manager, supervisor = client_for("casemanager", "north"), client_for("supervisor", "north")
    manager_version = _version_in(manager.get(f"/cases/{case.pk}/edit/").content.decode())
    supervisor_version = _version_in(supervisor.get(f"/cases/{case.pk}/edit/").content.decode())
    first = manager.post(
        f"/cases/{case.pk}/edit/",
        {"intervention_type": "group", "phase": "active", "version": manager_version},
    )
    assert first.status_code == 302
    second = supervisor.post(
        f"/cases/{case.pk}/edit/",
        {"intervention_type": "disrupt_only", "phase": "disrupt", "version": supervisor_version},
    )
    assert second.status_code == 200
    assert "Someone else changed this record" in second.content.decode()
    case.refresh_from_db()
    assert (case.intervention_type, case.phase, case.version) == ("group", "active", 2)
    assert (
        AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE, object_type="casework.case").count() == 1
    )


@pytest.mark.django_db(transaction=True)
def test_two_saves_racing_at_the_same_moment_exactly_one_wins(world):
    case = make_case(world)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def save(actor, phase):
        try:
            copy = Case.objects.get(pk=case.pk)
            start.wait(timeout=10)
            services.case_update(
                case=copy,
                actor=actor,
                expected_version=1,
                intervention_type=copy.intervention_type,
                phase=phase,
                next_review_date=None,
            )
            outcomes.append(phase)
        except ConcurrentEditError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(world.user("casemanager", "north"), "active")),
        threading.Thread(target=save, args=(world.user("supervisor", "north"), "disrupt")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes).count("refused") == 1 and len(outcomes) == 2
    winner = next(outcome for outcome in outcomes if outcome != "refused")
    case.refresh_from_db()
    assert case.phase == winner and case.version == 2


# --- Hostile input to the API ------------------------------------------------------------------------

SCRIPT = "<script>alert('tideline')</script>"
HOSTILE = ["x" * 20000, "nul\x00byte", "\u202eevil\u200b\U0001f4a3 Zalgo\u0301\u0301", SCRIPT]


@pytest.mark.django_db
def test_hostile_input_to_the_api_gets_a_clear_error_and_is_never_stored_unescaped(world, client_for):
    case = make_case(world)
    make_victim(world, case)
    _, raw = make_token(world.user("supervisor", "north"), scopes=[Scope.CASES_WRITE, Scope.INCIDENTS_WRITE])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    base = {
        "occurred_on": (timezone.localdate() - timezone.timedelta(days=2)).isoformat(),
        "incident_type": "crime",
        "offence": "common_assault",
        "is_domestic_abuse": True,
        "perpetrator_id": case.perpetrator_id,
        "victim_numbers": [2],
    }
    statuses = []
    for number, text in enumerate(HOSTILE):
        for field in ("summary", "police_reference"):
            body = {**base, "police_reference": f"NP/H/{number}", field: text}
            response = api.post("/api/incidents/", body, format="json")
            statuses.append(response.status_code)
            assert response.status_code in (201, 400), (field, text[:40], response.status_code)
            assert response["Content-Type"].startswith("application/json")
    # Long strings and NUL characters are refused with an explanation; nothing with a NUL is stored.
    refused = api.post(
        "/api/incidents/", {**base, "police_reference": "NP/H/9", "summary": "a\x00b"}, format="json"
    )
    assert refused.status_code == 400 and "summary" in refused.json().get("errors", refused.json()).__str__()
    assert not Incident.objects.filter(police_reference__in=["NP/H/1", "NP/H/9"]).exists()  # the NUL ones
    assert not Incident.objects.annotate(length=Length("summary")).filter(length__gt=2000).exists()
    # Wrong types and missing fields.
    for body in (
        {**base, "police_reference": "NP/H/10", "occurred_on": "yesterday"},
        {**base, "police_reference": "NP/H/11", "victim_numbers": "two"},
        {**base, "police_reference": "NP/H/12", "perpetrator_id": "DROP TABLE"},
        {**base, "police_reference": "NP/H/13", "is_domestic_abuse": {"nested": [1]}},
        {"police_reference": "NP/H/14"},
        [],
    ):
        assert api.post("/api/incidents/", body, format="json").status_code == 400, body
    assert api.post("/api/incidents/", "not json{", content_type="application/json").status_code == 400
    for body in ({"phase": SCRIPT, "version": 1}, {"version": "one"}, {"next_review_date": "\x00"}):
        assert api.patch(f"/api/cases/{case.pk}/", body, format="json").status_code == 400, body
    # What was stored is shown escaped on the case's pages.
    stored = Incident.objects.filter(summary=SCRIPT).first()
    if stored is not None:
        page = client_for("casemanager", "north").get(f"/cases/{case.pk}/incidents/").content.decode()
        assert SCRIPT not in page
    assert 201 in statuses and 400 in statuses


@pytest.mark.django_db
def test_uploads_of_the_wrong_type_size_or_content_get_a_clear_error(world, client_for):
    make_case(world)
    client = client_for("casemanager", "north")
    header = b"police_reference,occurred_on,incident_type,offence,is_domestic_abuse,perpetrator_id,summary\n"
    uploads = [
        ("extract.pdf", b"%PDF-1.4 not a csv"),
        ("extract.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00binary"),  # not text at all
        (
            "extract.csv",
            header + b"NP/1,2026-01-01,crime,common_assault,yes,1,caf\xe9 \x00 nul\n",
        ),  # bad UTF-8, NUL
        ("extract.csv", b""),  # empty
        (
            "extract.csv",
            header + (b"NP/2,2026-01-01,crime,common_assault,yes,1," + b"x" * 100 + b"\n") * 60_000,
        ),
        ("extract.csv", header + b'NP/3,2026-01-01,crime,common_assault,yes,1,"' + SCRIPT.encode() + b'"\n'),
    ]
    for name, content in uploads:
        response = client.post("/cases/incidents/import/", {"file": SimpleUploadedFile(name, content)})
        assert response.status_code in (200, 302), (name, content[:40], response.status_code)
        if response.status_code == 200:
            page = response.content.decode()
            assert "govuk-error-summary" in page or "There is a problem" in page or "imported" in page.lower()
            assert SCRIPT not in page
    assert not Incident.objects.exists()


def test_an_incident_extract_over_the_size_limit_is_refused_before_it_is_read():
    from casework.forms_legal import IncidentImportForm

    upload = SimpleUploadedFile("extract.csv", b"a,b\n")
    upload.size = IncidentImportForm.MAX_BYTES + 1  # as the upload handler reports it
    form = IncidentImportForm(data={}, files={"file": upload}, teams=[object()], user=None)
    assert not form.is_valid()
    assert form.errors["file"] == ["The selected file must be smaller than 20 MB: split the extract by month"]
