"""What the benchmark measures, against whatever database Django is connected to.

`run(...)` returns a dict (written as JSON by bench.report):

- pages: per page and endpoint, queries per request and p50/p95 server time single-user (the
  Django test client in-process, after warm-up), and under concurrent load (gunicorn with two
  workers on loopback, a thread-pool load generator): requests/s, p50, p95, errors;
- packs: meeting pack rendering for a 15-item and a 30-item meeting (chair's full pack), and
  every agency's redacted pack of the 30-item meeting built two at a time in parallel;
- risk_scan: each rule's candidate query, the whole scan in process, and the same scan again
  with nothing changed (rolled back afterwards);
- import: the CSV incident import rate (rolled back afterwards);
- reports: each report page as an analyst.

`smoke=True` (the tests) makes every measurement once or twice with no gunicorn and no packs.
"""

from __future__ import annotations

import http.client
import io
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.db import connection, connections, transaction
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, Role, Team, User
from bench.dataset import AREA_CODE_PREFIX, BENCH_DOMAIN
from casework.models import Case, Perpetrator
from panels.models import Meeting, MeetingPack, Panel
from victims.models import Victim

ROOT = Path(__file__).resolve().parent.parent

# Goals from the scale issue: (max queries, p95 ms single-user).
LIST_GOAL = (4, 25.0)
DETAIL_GOAL = (10, 30.0)
ADMIN_GOAL = (None, 100.0)
LOAD_GOAL_RPS = 300


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


# --- Who and what is measured -------------------------------------------------------------------


def sign_in(user: User) -> Client:
    """A test client signed in as `user` with the second factor done (as tests/conftest.py does)."""
    client = Client()
    client.force_login(user, backend="accounts.backends.PractitionerBackend")
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="Bench", defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[BACKEND_SESSION_KEY] = "accounts.backends.PractitionerBackend"
    session.save()
    return client


def _member(role: str, **team_filter) -> User:
    membership = (
        Membership.objects.filter(
            active=True, role=role, team__area__code__startswith=AREA_CODE_PREFIX, **team_filter
        )
        .select_related("user")
        .order_by("id")
        .first()
    )
    if membership is None:
        raise LookupError(f"No synthetic user with role {role}: generate the dataset first")
    return membership.user


def subjects() -> dict:
    """The busiest realistic subjects: they show the worst case a normal user meets."""
    synthetic = Q(team__area__code__startswith=AREA_CODE_PREFIX)
    busiest = (
        Case.objects.filter(synthetic, closed_on__isnull=True, case_manager__isnull=False)
        .values("case_manager")
        .annotate(n=Count("id"))
        .order_by("-n", "case_manager")
        .first()
    )
    case_manager = User.objects.get(pk=busiest["case_manager"])
    team = (
        Team.objects.filter(kind=Team.Kind.CASE_MANAGEMENT, area__code__startswith=AREA_CODE_PREFIX)
        .annotate(n=Count("cases"))
        .order_by("-n", "id")
        .first()
    )
    supervisor = _member(Role.SUPERVISOR, team=team)
    case = (
        Case.objects.filter(case_manager=case_manager, closed_on__isnull=True)
        .annotate(n=Count("perpetrator__incidents"))
        .order_by("-n", "id")
        .first()
    )
    victim = (
        Victim.objects.filter(area__code__startswith=AREA_CODE_PREFIX, idva__isnull=False)
        .annotate(n=Count("children"))
        .order_by("-n", "id")
        .first()
    )
    marac = (
        Panel.objects.filter(kind=Panel.Kind.MARAC, area__code__startswith=AREA_CODE_PREFIX)
        .order_by("id")
        .first()
    )
    meetings = Meeting.objects.filter(panel=marac).annotate(n=Count("items"))
    busy = meetings.order_by("-n", "scheduled_for").first()
    usual = meetings.filter(status=Meeting.Status.APPROVED).order_by("-scheduled_for").first()
    admin, _ = User.objects.get_or_create(
        email=f"admin@{BENCH_DOMAIN}",
        defaults={"full_name": "Bench Administrator", "is_staff": True, "is_superuser": True},
    )
    return {
        "case_manager": case_manager,
        "supervisor": supervisor,
        "supervisor_visible": Case.objects.filter(team=team).count(),
        "case": case,
        "case_incidents": case.n,
        "victim": victim,
        "idva": victim.idva,
        "coordinator": _member(Role.PANEL_COORDINATOR, team=marac.coordinator_team),
        "busy_meeting": busy,
        "busy_items": busy.n,
        "usual_meeting": usual,
        "usual_items": usual.n if usual else 0,
        "analyst": _member(Role.ANALYST),
        "admin": admin,
    }


def pages(s: dict) -> list[dict]:
    """(name, user, path, goal) for every page and endpoint measured."""
    return [
        {"name": "caseload, case manager", "user": s["case_manager"], "path": "/cases/", "goal": LIST_GOAL},
        {
            "name": f"caseload, supervisor ({s['supervisor_visible']:,} visible)",
            "user": s["supervisor"],
            "path": "/cases/?scope=team&sort=review",
            "goal": LIST_GOAL,
        },
        {
            "name": f"case page ({s['case_incidents']} incidents)",
            "user": s["case_manager"],
            "path": f"/cases/{s['case'].pk}/",
            "goal": DETAIL_GOAL,
        },
        {
            "name": "victim page",
            "user": s["idva"],
            "path": f"/victims/{s['victim'].pk}/",
            "goal": DETAIL_GOAL,
        },
        {
            "name": f"agenda page ({s['busy_items']} items)",
            "user": s["coordinator"],
            "path": f"/panels/meetings/{s['busy_meeting'].pk}/",
            "goal": DETAIL_GOAL,
        },
        {"name": "API case list, 25", "user": s["supervisor"], "path": "/api/cases/", "goal": LIST_GOAL},
        {
            "name": "API case list, 100",
            "user": s["supervisor"],
            "path": "/api/cases/?page_size=100",
            "goal": LIST_GOAL,
        },
        {"name": "admin: cases", "user": s["admin"], "path": "/admin/casework/case/", "goal": ADMIN_GOAL},
        {
            "name": "admin: incidents",
            "user": s["admin"],
            "path": "/admin/casework/incident/",
            "goal": ADMIN_GOAL,
        },
    ]


# --- Single user --------------------------------------------------------------------------------


def single_user(page: dict, client: Client, requests: int) -> dict:
    warmup = 1 if requests <= 3 else 3
    for _ in range(warmup):
        client.get(page["path"])
    times, queries, database, status = [], [], [], None
    for _ in range(requests):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(page["path"])
            times.append(time.perf_counter() - started)
        queries.append(len(captured.captured_queries))
        database.append(sum(float(q["time"]) for q in captured.captured_queries))
        status = response.status_code
    max_queries, p95_goal = page["goal"]
    p95 = _ms(percentile(times, 0.95))
    result = {
        "status": status,
        "queries": max(queries),
        "p50_ms": _ms(statistics.median(times)),
        "p95_ms": p95,
        "db_p50_ms": _ms(statistics.median(database)),
        "goal_queries": max_queries,
        "goal_p95_ms": p95_goal,
    }
    result["meets_goal"] = (
        status == 200 and (max_queries is None or result["queries"] <= max_queries) and p95 <= p95_goal
    )
    return result


# --- Concurrent load (gunicorn on loopback) ---------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """`gunicorn config.wsgi` with two workers on loopback, same settings as this process."""

    def __init__(self, workers: int = 2):
        self.port = _free_port()
        self.workers = workers
        self.process: subprocess.Popen | None = None

    def __enter__(self):
        self.process = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=os.environ.copy(),
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                self.get("/healthz", cookie="")
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start within 30 seconds")

    def __exit__(self, *exc):
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def get(self, path: str, cookie: str) -> int:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
            response = conn.getresponse()
            response.read()
            return response.status
        finally:
            conn.close()


def under_load(server: Gunicorn, path: str, cookie: str, *, seconds: float, concurrency: int) -> dict:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker():
        nonlocal errors
        mine, bad = [], 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                status = server.get(path, cookie)
            except OSError:
                status = 0
            mine.append(time.perf_counter() - started)
            if status != 200:
                bad += 1
        with lock:
            latencies.extend(mine)
            errors += bad

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {
        "requests": len(latencies),
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": _ms(percentile(latencies, 0.5)),
        "p95_ms": _ms(percentile(latencies, 0.95)),
        "errors": errors,
        "concurrency": concurrency,
    }


# --- Packs --------------------------------------------------------------------------------------


def _generate_in_child(pack_id: int) -> float:
    from panels.packs import pack_generate

    started = time.perf_counter()
    pack_generate(pack_id=pack_id)
    return time.perf_counter() - started


def meeting_packs(s: dict) -> dict:
    from panels.models import PanelMembership
    from panels.packs import pack_generate

    results = {}
    for label, meeting, items in (
        ("15-item", s["usual_meeting"], s["usual_items"]),
        ("30-item", s["busy_meeting"], s["busy_items"]),
    ):
        if meeting is None:
            continue
        pack = MeetingPack.objects.create(meeting=meeting, organisation=None, requested_by=s["coordinator"])
        started = time.perf_counter()
        made = pack_generate(pack_id=pack.pk)
        results[f"{label} full pack"] = {
            "items": items,
            "seconds": round(time.perf_counter() - started, 2),
            "pages": made.page_count if made else None,
            "status": made.status if made else "not claimed",
            "goal_seconds": 2.0 if label == "30-item" else None,
        }
    meeting = s["busy_meeting"]
    agencies = [
        m.organisation
        for m in PanelMembership.objects.filter(panel=meeting.panel).select_related("organisation")
    ]
    ids = [
        MeetingPack.objects.create(meeting=meeting, organisation=org, requested_by=s["coordinator"]).pk
        for org in agencies
    ]
    import multiprocessing

    connections.close_all()  # each child opens its own connection
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(2) as pool:
        pool.map(_generate_in_child, ids)
    results["agency packs, 2 in parallel"] = {
        "items": s["busy_items"],
        "packs": len(ids),
        "seconds": round(time.perf_counter() - started, 2),
        "status": ",".join(
            sorted(set(MeetingPack.objects.filter(pk__in=ids).values_list("status", flat=True)))
        ),
    }
    return results


# --- Risk scan ------------------------------------------------------------------------------------


def risk_scan() -> dict:
    from casework.flags import candidate_ids, rules
    from casework.jobs import scan_all

    today = timezone.localdate()
    per_rule = {}
    for rule in rules():
        started = time.perf_counter()
        found = list(candidate_ids(rule, today))
        per_rule[rule.key] = {"ms": _ms(time.perf_counter() - started), "candidates": len(found)}
    with transaction.atomic():
        started = time.perf_counter()
        raised = scan_all(today=today)
        full = time.perf_counter() - started
        started = time.perf_counter()
        again = scan_all(today=today, incremental=True)
        rerun = time.perf_counter() - started
        transaction.set_rollback(True)  # leave the dataset as it was for the next run
    return {
        "rules": per_rule,
        "slowest_rule_ms": max((r["ms"] for r in per_rule.values()), default=0),
        "full_scan_s": round(full, 2),
        "flags_raised": raised,
        "rescan_nothing_changed_s": round(rerun, 3),
        "flags_raised_on_rescan": again,
        "goals": {"rule_ms": 100, "full_scan_s": 10, "incremental_ms": 5},
    }


# --- CSV import -------------------------------------------------------------------------------------


def csv_import(rows: int) -> dict:
    from casework.imports import incident_import_csv

    team = (
        Team.objects.filter(kind=Team.Kind.CASE_MANAGEMENT, area__code__startswith=AREA_CODE_PREFIX)
        .order_by("id")
        .first()
    )
    actor = _member(Role.CASE_MANAGER, team=team)
    people = list(
        Perpetrator.objects.filter(cases__team=team)
        .distinct()
        .order_by("id")
        .values_list("id", flat=True)[:rows]
    )
    today = timezone.localdate()
    lines = [
        "police_reference,occurred_on,incident_type,offence,is_domestic_abuse,perpetrator_id,victim_numbers"
    ]
    for n in range(rows):
        lines.append(
            f"BENCH/{n:07d},{today - timezone.timedelta(days=n % 300):%Y-%m-%d},crime,common_assault,yes,{people[n % len(people)]},1"
        )
    data = ("\n".join(lines) + "\n").encode()
    with transaction.atomic():
        started = time.perf_counter()
        result = incident_import_csv(file=io.BytesIO(data), actor=actor, team=team)
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return {
        "rows": rows,
        "created": result.created,
        "rejected": len(result.rejected),
        "seconds": round(elapsed, 2),
        "rows_per_second": round(result.created / elapsed, 1) if elapsed else None,
    }


# --- Reports ------------------------------------------------------------------------------------


REPORT_PAGES = [
    ("dashboard", "/reports/"),
    ("outcomes", "/reports/outcomes/"),
    ("equality", "/reports/equality/"),
    ("MARAC data return", "/reports/marac-return/"),
]


def reports(analyst: User, repeats: int) -> dict:
    client = sign_in(analyst)
    results = {}
    for name, path in REPORT_PAGES:
        client.get(path)
        times, status, queries = [], None, 0
        for _ in range(repeats):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(path)
                times.append(time.perf_counter() - started)
            status, queries = response.status_code, len(captured.captured_queries)
        results[name] = {
            "status": status,
            "queries": queries,
            "p50_ms": _ms(statistics.median(times)),
            "max_ms": _ms(max(times)),
        }
    return results


# --- Everything -------------------------------------------------------------------------------------


def dataset_counts() -> dict:
    from casework.models import Incident
    from victims.models import VictimLink

    return {
        "cases": Case.objects.count(),
        "perpetrators": Perpetrator.objects.count(),
        "victims": Victim.objects.count(),
        "victim_links": VictimLink.objects.count(),
        "incidents": Incident.objects.count(),
        "users": User.objects.count(),
        "agenda_items": Meeting.objects.aggregate(n=Count("items"))["n"],
    }


def machine() -> dict:
    memory = ""
    try:
        with open("/proc/meminfo") as handle:
            kb = int(handle.readline().split()[1])
            memory = f"{kb / 1024 / 1024:.0f} GB"
    except OSError:
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version") if connection.vendor == "postgresql" else None
        server = cursor.fetchone()[0] if connection.vendor == "postgresql" else connection.vendor
    return {"cpus": os.cpu_count(), "memory": memory, "python": sys.version.split()[0], "postgresql": server}


def run(
    *,
    size: str,
    requests: int = 60,
    load_seconds: float = 8.0,
    concurrency: int = 8,
    with_packs: bool = True,
    smoke: bool = False,
    import_rows: int | None = None,
) -> dict:
    if smoke:
        requests, load_seconds, with_packs = 2, 0, False
    started = time.monotonic()
    s = subjects()
    results: dict = {
        "size": size,
        "when": timezone.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "dataset": dataset_counts(),
        "pages": {},
    }
    clients: dict[int, Client] = {}
    for page in pages(s):
        client = clients.get(page["user"].pk) or clients.setdefault(page["user"].pk, sign_in(page["user"]))
        results["pages"][page["name"]] = {
            "path": page["path"],
            "single_user": single_user(page, client, requests),
        }
    if load_seconds:
        with Gunicorn(workers=2) as server:
            for page in pages(s):
                cookie = f"{settings.SESSION_COOKIE_NAME}={clients[page['user'].pk].cookies[settings.SESSION_COOKIE_NAME].value}"
                server.get(page["path"], cookie)  # warm the worker
                results["pages"][page["name"]]["load"] = under_load(
                    server, page["path"], cookie, seconds=load_seconds, concurrency=concurrency
                )
    if with_packs:
        results["packs"] = meeting_packs(s)
    results["risk_scan"] = risk_scan()
    results["import"] = csv_import(import_rows or (20 if smoke else 1000))
    results["reports"] = reports(s["analyst"], 1 if smoke else 5)
    results["seconds"] = round(time.monotonic() - started, 1)
    return results
