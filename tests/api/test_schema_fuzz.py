"""Schema-driven fuzzing (schemathesis) of every API operation, in process through WSGI.

For each operation in the OpenAPI schema, valid and invalid requests are generated and sent
twice: with a token of a well-connected persona (the answer must never be a 5xx) and with no
credentials (the answer must never be a 2xx). Bounded: a few examples per operation, no
shrinking, so the run takes about a minute.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, given, settings

from accounts import api_auth
from config.wsgi import application
from tests.api.conftest import make_token

pytestmark = pytest.mark.django_db

EXAMPLES = {schemathesis.GenerationMode.POSITIVE: 12, schemathesis.GenerationMode.NEGATIVE: 6}


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


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """The real WSGI handler closes the database connection after each request (and with it the
    test's transaction); Django's test client avoids that the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_fuzzing_finds_no_server_error_and_nothing_open_without_credentials(
    world, api_data, monkeypatch, wsgi_keeps_the_test_connection
):
    for scope in list(api_auth.API_THROTTLE_RATES):
        monkeypatch.setitem(api_auth.API_THROTTLE_RATES, scope, "100000/min")
    _, raw = make_token(world.user("supervisor", "north"))
    schema = load_schema()
    problems: list[str] = []
    answered: set[str] = set()  # operations that gave the token a 2xx: proves the run reached the views
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20

    known_ids = {
        "/api/cases/{id}/": api_data.case.pk,
        "/api/cases/{id}/victims/": api_data.case.pk,
        "/api/orders/{id}/": api_data.order.pk,
        "/api/custody-records/{id}/": api_data.custody.pk,
        "/api/disruption-actions/{id}/": api_data.disruption.pk,
        "/api/panels/meetings/{id}/": api_data.meeting.pk,
        "/api/panels/agenda-items/{id}/": api_data.case_item.pk,
        "/api/panels/actions/{id}/": api_data.police_action.pk,
    }

    def fuzz(operation, strategy, examples: int, mode) -> None:
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
            anonymous = case.call(app=application)
            if 200 <= anonymous.status_code < 300:
                problems.append(f"{label} answered {anonymous.status_code} without credentials")
            response = case.call(app=application, headers={"Authorization": f"Token {raw}"})
            if 200 <= response.status_code < 300:
                answered.add(f"{case.method} {operation.path}")
            if response.status_code >= 500:
                problems.append(f"{label} answered {response.status_code} ({mode}): {case.body!r:.200}")

        run()

    for operation in operations:
        for mode, examples in EXAMPLES.items():
            fuzz(operation, operation.as_strategy(generation_mode=mode), examples, mode)
        if operation.path in known_ids:  # records that exist, so details and updates reach the views
            strategy = operation.as_strategy(path_parameters={"id": known_ids[operation.path]})
            fuzz(operation, strategy, 8, "existing record")
    assert problems == [], "\n".join(problems[:20])
    # Proof the run reached the views: every read the supervisor may make answered 2xx at least
    # once, lists and the records known to exist. (Random bodies rarely carry the record's current `version`, so successful writes, and
    # panel reads, which need a panel member's token, are proved in test_partner_endpoints.py.)
    reads = {
        f"GET {operation.path}"
        for operation in operations
        if operation.method.upper() == "GET"
        and not operation.path.startswith("/api/panels/")
        and ("{id}" not in operation.path or operation.path in known_ids)
    }
    assert reads <= answered, sorted(reads - answered)
