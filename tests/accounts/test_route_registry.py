"""Every URL declares who may reach it, and nothing private answers an anonymous request."""

import re

import pytest
from django.urls import get_resolver
from django.urls.resolvers import URLPattern, URLResolver

from accounts.routing import PUBLIC

SAMPLE_VALUES = {
    "int": "1",
    "str": "x",
    "slug": "x",
    "uuid": "00000000-0000-0000-0000-000000000001",
    "path": "x",
}


def walk(resolver, prefix=""):
    for entry in resolver.url_patterns:
        pattern = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if hasattr(entry, "tideline_access"):
                yield pattern, entry, True
            else:
                yield from walk(entry, pattern)
        elif isinstance(entry, URLPattern):
            yield pattern, entry, False


def concrete(pattern: str) -> str:
    path = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE_VALUES.get(m.group(1) or "str", "x"), pattern)
    return "/" + path.lstrip("^").rstrip("$").replace("\\Z", "")


ROUTES = list(walk(get_resolver()))


def test_every_url_pattern_declares_its_access():
    undeclared = [pattern for pattern, entry, _ in ROUTES if not hasattr(entry, "tideline_access")]
    assert undeclared == [], f"URL patterns with no declared access policy: {undeclared}"


def test_the_registry_sees_the_known_routes():
    patterns = {pattern for pattern, _, _ in ROUTES}
    assert "" in patterns and "sign-in/" in patterns and "admin/" in patterns


@pytest.mark.django_db
@pytest.mark.parametrize(
    "pattern,entry",
    [(p, e) for p, e, section in ROUTES if e.tideline_access != PUBLIC and not section],
)
def test_anonymous_requests_to_private_urls_are_refused(client, pattern, entry):
    for method in ("get", "post"):
        response = getattr(client, method)(concrete(pattern))
        assert not 200 <= response.status_code < 300, (
            f"{method.upper()} {pattern} answered {response.status_code}"
        )


@pytest.mark.django_db
def test_anonymous_request_to_admin_is_sent_to_sign_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302
