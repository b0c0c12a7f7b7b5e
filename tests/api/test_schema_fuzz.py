"""Schema-driven fuzzing (schemathesis) of every API operation, against a live server.

For each operation in the OpenAPI schema, valid and invalid requests are generated and sent over
real HTTP to pytest-django's live server, with no transaction around the test: reads run without
one and writes in their own, exactly as under gunicorn (see tests/live_support.py). Under the
test client's wrapping transaction every refused read once answered 500 unseen. Bounded: a few
examples per operation, no shrinking, so the run takes a minute or two.
"""

from __future__ import annotations

import json

import pytest
import requests
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, given, settings

from accounts import api_auth
from tests.api.conftest import make_token
from tests.live_support import CSRF_SECRET

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLES = {schemathesis.GenerationMode.POSITIVE: 6, schemathesis.GenerationMode.NEGATIVE: 3}


def load_schema():
    spec = SchemaGenerator().get_schema(request=None, public=True)
    return schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(spec)))


def without_credentials(case) -> None:
    case.headers = {
        k: v for k, v in (case.headers or {}).items() if k.lower() not in ("authorization", "cookie")
    }
    case.cookies = {}


def test_the_schema_documents_every_error_and_scheme():
    spec = SchemaGenerator().get_schema(request=None, public=True)
    assert set(spec["components"]["securitySchemes"]) == {"tokenAuth", "cookieAuth"}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "403", "429"} <= codes, f"{method.upper()} {path} documents {sorted(codes)}"
            if method in ("post", "patch"):
                assert "400" in codes, f"{method.upper()} {path} does not document 400"


KNOWN_IDS = {
    "/api/cases/{id}/": "case",
    "/api/cases/{id}/victims/": "case",
    "/api/orders/{id}/": "order",
    "/api/custody-records/{id}/": "custody",
    "/api/disruption-actions/{id}/": "disruption",
    "/api/panels/meetings/{id}/": "meeting",
    "/api/panels/agenda-items/{id}/": "case_item",
    "/api/panels/actions/{id}/": "police_action",
}


def test_fuzzing_the_live_server_finds_no_server_error_and_nothing_open_without_credentials(
    live, world, api_data, monkeypatch
):
    """Every operation, over real HTTP with no transaction around the test: as production runs it.

    Each generated request goes four ways: with no credentials and with a session whose second
    factor is not done (neither may ever get a 2xx), and with a token and a verified session of
    a well-connected persona (neither may ever get a 5xx).
    """
    for scope in list(api_auth.API_THROTTLE_RATES):
        monkeypatch.setitem(api_auth.API_THROTTLE_RATES, scope, "100000/min")
    supervisor = world.user("supervisor", "north")
    _, raw = make_token(supervisor)
    session = live.signed_in(supervisor).with_csrf().http
    unverified = live.signed_in(world.user("casemanager", "north"), verified=False).http
    base_url = live.base_url
    writes = {"X-CSRFToken": CSRF_SECRET, "Referer": base_url + "/"}

    schema = load_schema()
    problems: list[str] = []
    answered: set[str] = set()  # "<caller> <METHOD> <path>" that got a 2xx: the run reached the views
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20

    def fuzz(operation, strategy, examples: int, mode: str) -> None:
        @settings(
            max_examples=examples,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def run(case):
            label = f"{case.method} {case.formatted_path}"
            without_credentials(case)
            for caller, call in (
                ("anonymous", lambda: case.call(base_url=base_url, session=requests.Session())),
                ("unverified session", lambda: case.call(base_url=base_url, session=unverified)),
            ):
                status = call().status_code
                if 200 <= status < 300:
                    problems.append(f"{label} answered {status} to an {caller} caller")
            for caller, call in (
                ("token", lambda: case.call(base_url=base_url, headers={"Authorization": f"Token {raw}"})),
                ("session", lambda: case.call(base_url=base_url, session=session, headers=writes)),
            ):
                response = call()
                if 200 <= response.status_code < 300:
                    answered.add(f"{caller} {case.method} {operation.path}")
                if response.status_code >= 500:
                    problems.append(
                        f"{label} answered {response.status_code} to the {caller} ({mode}): {case.body!r:.200}"
                    )

        run()

    for operation in operations:
        for mode, examples in EXAMPLES.items():
            fuzz(operation, operation.as_strategy(generation_mode=mode), examples, mode)
        if operation.path in KNOWN_IDS:  # records that exist, so details and updates reach the views
            known = getattr(api_data, KNOWN_IDS[operation.path]).pk
            fuzz(operation, operation.as_strategy(path_parameters={"id": known}), 4, "existing record")
    assert problems == [], "\n".join(problems[:20])
    # Proof the run reached the views: every read the supervisor may make answered 2xx at least
    # once to both callers, lists and the records known to exist. (Random bodies rarely carry the
    # record's current `version`, so successful writes, and panel reads, which need a panel
    # member's token, are proved in test_partner_endpoints.py.)
    reads = {
        f"{caller} GET {operation.path}"
        for operation in operations
        for caller in ("token", "session")
        if operation.method.upper() == "GET"
        and not operation.path.startswith("/api/panels/")
        and ("{id}" not in operation.path or operation.path in KNOWN_IDS)
    }
    assert reads <= answered, sorted(reads - answered)
