"""Shared fixtures: personas (the demo world), signed-in clients and the browser harness."""

from __future__ import annotations

import os

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.demo import DemoWorld, seed_people

pytest_plugins = ["tests.browser_support", "tests.celery_support"]

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# beside one unless told it is safe, which it is here (one thread, no awaits).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db) -> DemoWorld:
    """The personas: one user per role in areas north and south, as in the demo (accounts/demo.py)."""
    return seed_people()


def sign_in(client, user, *, verified: bool = True):
    """Sign `user` in on the test client, with the second factor done unless verified=False."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    if verified:
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="Test app", defaults={"confirmed": True})
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session.save()
    return client


@pytest.fixture
def client_for(client, world):
    """`client_for("casemanager", "north")` → a test client signed in as that persona."""

    def make(login: str, area: str | None = None):
        from django.test import Client

        fresh = Client()
        user = world.users["admin"] if login == "admin" else world.user(login, area)
        return sign_in(fresh, user)

    return make
