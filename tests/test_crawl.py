"""Walk the whole service as every persona, following links from the home page.

Every page reached must answer without a server error, and every form found is submitted
with hostile input (very long strings, NUL characters, odd Unicode, HTML and script, wrong
types): the answer must be a clear response, never a 500, and nothing is ever echoed back
unescaped. Each form's error state must follow GOV.UK's pattern: the title starts "Error: " and
every error-summary link goes to a field on the page. This runs over the full demo data, so it
covers pages other tests do not.
"""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

import pytest
from django.core.management import call_command

from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

PERSONAS = [
    ("casemanager", "north"),
    ("supervisor", "north"),
    ("idva", "north"),
    ("idvamanager", "north"),
    ("coordinator", "north"),
    ("chair", "north"),
    ("police", "north"),
    ("housing", "north"),
    ("analyst", "north"),
    ("dpo", "north"),
]
MAX_PAGES = 80
SAME_SHAPE_LIMIT = 2  # e.g. visit two case pages, not thirty
SCRIPT = "<script>alert('tideline')</script>"
HOSTILE_TEXT = [
    "x" * 20000,
    "nul\x00byte",
    "\u202eevil\u200b\U0001f4a3 Zalgo\u0301\u0301",
    SCRIPT,
    "-1",
    "9" * 30,
]
SKIP_PREFIXES = ("/sign-out/", "/admin/", "/api/", "/static/", "/media/")


class PageParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {
                "action": a.get("action") or "",
                "method": (a.get("method") or "get").lower(),
                "fields": {},
            }
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "textarea") and a.get("name"):
            kind = (a.get("type") or ("textarea" if tag == "textarea" else "text")).lower()
            self._form["fields"].setdefault(a["name"], (kind, a.get("value") or ""))
        elif self._form is not None and tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form["fields"].setdefault(a["name"], ("select", ""))
        elif self._form is not None and tag == "option" and self._select:
            kind, value = self._form["fields"][self._select]
            if not value and a.get("value"):
                self._form["fields"][self._select] = (kind, a.get("value"))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def hostile_payloads(fields: dict) -> list[dict]:
    """Two submissions: every field a different hostile value (rotated), then everything empty."""
    payloads = []
    for offset in (0, 3):
        data = {}
        for i, (name, (kind, value)) in enumerate(fields.items()):
            hostile = HOSTILE_TEXT[(i + offset) % len(HOSTILE_TEXT)]
            if kind in ("hidden", "submit", "button") or name == "csrfmiddlewaretoken":
                data[name] = value
            elif kind in ("checkbox", "radio"):
                data[name] = SCRIPT if i % 2 else value
            else:
                data[name] = hostile
        payloads.append(data)
    payloads.append({name: value for name, (kind, value) in fields.items() if kind == "hidden"})
    return payloads


SUMMARY = re.compile(r'<div class="govuk-error-summary".*?</ul>', re.S)


def error_state_problems(body: str) -> list[str]:
    """A form's error state as GOV.UK asks: the title starts "Error: ", and every link in the error
    summary goes to a field on the page (a link that goes nowhere leaves a keyboard user stranded)."""
    summary = SUMMARY.search(body)
    if summary is None:
        return []
    problems = []
    title = re.search(r"<title>\s*(.*?)\s*</title>", body, re.S)
    if title is None or not title.group(1).startswith("Error: "):
        problems.append(f"title does not start 'Error: ': {title.group(1) if title else None!r}")
    for target in re.findall(r'href="#([^"]+)"', summary.group(0)):
        if f'id="{target}"' not in body:
            problems.append(f"error summary links to #{target}, which is not on the page")
    return problems


def shape(path: str) -> str:
    return re.sub(r"\d+", "N", path.split("?")[0])


def crawl(client, forms_tried: set, start: str = "/") -> tuple[list[str], list[str]]:
    seen, problems, shapes = set(), [], {}
    queue = deque([start])
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen or shapes.get(shape(path), 0) >= SAME_SHAPE_LIMIT:
            continue
        seen.add(path)
        shapes[shape(path)] = shapes.get(shape(path), 0) + 1
        response = client.get(path)
        if response.status_code >= 500:
            problems.append(f"GET {path} → {response.status_code}")
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        body = response.content.decode()
        if SCRIPT in body:
            problems.append(f"GET {path} shows unescaped script")
        parser = PageParser()
        parser.feed(body)
        for href in parser.links:
            target = urlparse(urljoin(path, href))
            if target.netloc or not target.path.startswith("/") or target.path.startswith(SKIP_PREFIXES):
                continue
            url = target.path + (f"?{target.query}" if target.query else "")
            if url not in seen:
                queue.append(url)
        for form in parser.forms:
            action = urlparse(urljoin(path, form["action"] or path)).path
            if (
                form["method"] != "post"
                or action.startswith(SKIP_PREFIXES)
                or (action, tuple(form["fields"])) in forms_tried
            ):
                continue
            forms_tried.add((action, tuple(form["fields"])))
            for data in hostile_payloads(form["fields"]):
                posted = client.post(action, data)
                if posted.status_code >= 500:
                    problems.append(f"POST {action} with hostile input → {posted.status_code}")
                    break
                if SCRIPT in posted.content.decode():
                    problems.append(f"POST {action} echoed unescaped script")
                    break
                problems += [f"POST {action}: {p}" for p in error_state_problems(posted.content.decode())]
    return sorted(seen), problems


@pytest.fixture
def demo_world(db):
    call_command("seed_demo", verbosity=0)
    from accounts.demo import seed_people

    return seed_people()


def test_every_reachable_page_and_form_survives_hostile_input(demo_world):
    from django.test import Client

    forms_tried: set = set()
    problems = []
    for login, area in PERSONAS:
        client = Client(raise_request_exception=False)
        sign_in(client, demo_world.user(login, area))
        pages, found = crawl(client, forms_tried)
        assert len(pages) >= 2, f"{login} reached only {pages}"
        problems += [f"{login}.{area}: {problem}" for problem in found]
    assert problems == [], "\n".join(problems)
