"""Tests that run exactly as production does: a live server, and no transaction around the test.

pytest-django wraps every ordinary test in a transaction and the test client calls views in the
same thread, inside it. Tideline's reads run without a transaction (accounts.routing), so code
that behaves differently inside one (`transaction.set_rollback`, `on_commit`, a failed statement
poisoning the rest) can pass under the test client and fail in production. The `live` fixture
gives a `LiveClient`: real HTTP to pytest-django's live server thread, whose database connection
autocommits like gunicorn's, with `transactional_db` so the test's own data is committed first.

    def test_refusal(live, world):
        http = live.signed_in(world.user("casemanager", "north"))
        assert http.get("/cases/999999/").status_code == 404

Use it for refusal paths (401, 403, 404, 429), the API fuzz and anything transaction-sensitive.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest
import requests
from django.conf import settings
from django.test import Client

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CSRF_SECRET = "livelivelivelivelivelivelivelive"  # any 32 letters: Django compares cookie and header


class LiveClient:
    """A `requests.Session` against the live server, with paths relative to it."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.http = requests.Session()

    def with_csrf(self) -> LiveClient:
        """Carry a CSRF cookie, so writes (which send it back as X-CSRFToken) pass the CSRF check
        and reach the access checks behind it."""
        self.http.cookies.set(settings.CSRF_COOKIE_NAME, CSRF_SECRET)
        return self

    def _csrf_token(self) -> str | None:
        cookies = [c for c in self.http.cookies if c.name == settings.CSRF_COOKIE_NAME]
        if len(cookies) > 1:  # the server has set its own since with_csrf(): keep only the server's
            for cookie in cookies:
                if not cookie.domain:
                    self.http.cookies.clear(cookie.domain, cookie.path, cookie.name)
            cookies = [c for c in cookies if c.domain]
        return cookies[-1].value if cookies else None

    def url(self, path: str) -> str:
        return urljoin(self.base_url, path)

    def get(self, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", 60)
        kwargs.setdefault("allow_redirects", False)
        return self.http.get(self.url(path), **kwargs)

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", 60)
        kwargs.setdefault("allow_redirects", False)
        headers = kwargs.pop("headers", {}) or {}
        token = self._csrf_token()
        if token and method.upper() not in ("GET", "HEAD", "OPTIONS"):
            headers.setdefault("X-CSRFToken", token)
        headers.setdefault("Referer", self.url(path))
        return self.http.request(method, self.url(path), headers=headers, **kwargs)

    def post(self, path: str, data=None, **kwargs) -> requests.Response:
        return self.request("POST", path, data=data, **kwargs)

    def api(self, method: str, path: str, *, token: str | None = None, **kwargs) -> requests.Response:
        """An API call, with `Authorization: Token <token>` when a token is given."""
        headers = kwargs.pop("headers", {}) or {}
        if token is not None:
            headers["Authorization"] = f"Token {token}"
        return self.request(method, path, headers=headers, **kwargs)

    def form_post(self, path: str, data: dict, *, page: str | None = None) -> requests.Response:
        """Load the form at `page` (default `path`) for its CSRF token, then post `data` to `path`."""
        shown = self.get(page or path)
        assert shown.status_code == 200, f"{page or path} answered {shown.status_code}"
        match = CSRF_FIELD.search(shown.text)
        assert match, f"no CSRF token on {page or path}"
        return self.post(path, {**data, "csrfmiddlewaretoken": match.group(1)})


class Live:
    def __init__(self, base_url: str):
        self.base_url = base_url

    def anonymous(self) -> LiveClient:
        return LiveClient(self.base_url)

    def signed_in(self, user, *, verified: bool = True) -> LiveClient:
        """A client carrying `user`'s session (second factor done unless verified=False)."""
        from tests.conftest import sign_in

        client = sign_in(Client(), user, verified=verified)
        live = LiveClient(self.base_url)
        live.http.cookies.set(
            settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value
        )
        return live


@pytest.fixture
def live(transactional_db, live_server, settings) -> Live:
    """Real HTTP to a live server with no test transaction around anything (see module docstring)."""
    # The live server speaks plain HTTP: secure-only cookies would never come back.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_SSL_REDIRECT = False
    return Live(live_server.url)
