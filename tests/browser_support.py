"""Browser tests: Playwright driving Debian's chromium, with axe-core on every page visited.

Use the `ui` fixture: `ui.goto(path)` and `ui.submit(button_text)` load a page and then run
axe-core on it; any serious or critical finding fails the test. `ui.sign_in(user)` signs in
through the real pages, second factor included.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django_otp.oath import totp

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("TIDELINE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class AccessibilityError(AssertionError):
    pass


class UI:
    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.checked: list[str] = []

    def axe(self) -> None:
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):
            self.page.add_script_tag(path=str(AXE))
        result = self.page.evaluate(
            "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
        )
        serious = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        self.checked.append(self.page.url)
        if serious:
            lines = [
                f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
                for v in serious
            ]
            raise AccessibilityError(f"axe-core found problems on {self.page.url}:\n" + "\n".join(lines))

    def goto(self, path: str):
        self.page.goto(self.base_url + path)
        self.axe()
        return self.page

    def submit(self, button_text: str):
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=button_text).click()
        self.axe()
        return self.page

    def sign_in(self, user, password: str = "Tideline-demo-2026") -> None:
        """Sign in through the pages; enrols an authenticator app the first time."""
        from django_otp.plugins.otp_totp.models import TOTPDevice

        self.goto("/sign-in/")
        self.page.get_by_label("Email address").fill(user.email)
        self.page.get_by_label("Password").fill(password)
        self.submit("Sign in")
        if "security-code" in self.page.url:
            device = TOTPDevice.objects.filter(user=user).order_by("-id").first()
            self.page.get_by_label("Security code").fill(f"{totp(device.bin_key):06d}")
            self.submit("Continue")


@pytest.fixture(scope="session")
def _chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def ui(_chromium, live_server, settings):
    # The live server speaks plain HTTP, so secure-only cookies would never come back.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_SSL_REDIRECT = False
    context = _chromium.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    harness = UI(page, live_server.url)
    yield harness
    context.close()
