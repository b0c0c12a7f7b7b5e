from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.demo import DEMO_PASSWORD
from accounts.middleware import SIGNED_IN_AT
from accounts.models import AuditEvent
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def post_sign_in(client, email, password=DEMO_PASSWORD):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_anonymous_home_goes_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_correct_password_leads_to_second_factor(client, world):
    response = post_sign_in(client, "casemanager.north@demo.tideline.test")
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:mfa"))
    # Password alone does not open the service.
    assert client.get("/").status_code == 302


def test_wrong_password_and_unknown_account_get_the_same_message(client, world):
    wrong = post_sign_in(client, "casemanager.north@demo.tideline.test", "not-the-password")
    unknown = post_sign_in(client, "nobody@demo.tideline.test", "not-the-password")
    assert wrong.status_code == unknown.status_code == 200
    message = "Enter a correct email address and password."
    assert message in wrong.content.decode() and message in unknown.content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED).count() == 2


def test_inactive_account_gets_the_same_message(client, world):
    user = world.user("casemanager", "north")
    user.is_active = False
    user.save()
    response = post_sign_in(client, user.email)
    assert "Enter a correct email address and password." in response.content.decode()


def test_blank_form_names_each_missing_field(client, world):
    response = client.post(reverse("accounts:login"), {"username": "", "password": ""})
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Enter your email address" in body and "Enter your password" in body


def test_first_sign_in_enrols_an_authenticator_and_then_opens_home(client, world):
    user = world.user("idva", "north")
    post_sign_in(client, user.email)
    page = client.get(reverse("accounts:mfa"))
    assert "Set up two-factor authentication" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)

    wrong = client.post(
        reverse("accounts:mfa"), {"token": "000000" if totp(device.bin_key) != 0 else "111111"}
    )
    assert "The security code is not correct" in wrong.content.decode()

    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    ok = client.post(reverse("accounts:mfa"), {"token": f"{totp(device.bin_key):06d}"})
    assert ok.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    home = client.get("/")
    assert home.status_code == 200
    body = home.content.decode()
    assert user.full_name in body and "IDVA / partner-support worker" in body
    assert "Northshire IDVA Service" in body
    assert AuditEvent.objects.filter(user=user, action=AuditEvent.Action.MFA_ENROLLED).exists()


def test_security_code_must_be_six_digits(client, world):
    post_sign_in(client, "idva.north@demo.tideline.test")
    response = client.post(reverse("accounts:mfa"), {"token": "12ab"})
    assert "The security code must be 6 digits" in response.content.decode()


def test_mfa_can_be_turned_off_for_the_demo(client, world, settings):
    settings.TIDELINE_REQUIRE_MFA = False
    post_sign_in(client, "casemanager.north@demo.tideline.test")
    assert client.get("/").status_code == 200


def test_sign_out_ends_the_session(client, world):
    user = world.user("casemanager", "north")
    sign_in(client, user)
    assert client.get("/").status_code == 200
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(user=user, action=AuditEvent.Action.LOGOUT).exists()


def test_sign_out_needs_post(client, world):
    sign_in(client, world.user("casemanager", "north"))
    assert client.get(reverse("accounts:logout")).status_code == 405


def _expiry(client):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_idle_sessions_end_after_thirty_minutes(client, world, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    sign_in(client, world.user("casemanager", "north"))
    assert client.get("/").status_code == 200
    from django.contrib.sessions.models import Session
    from django.core.cache import cache

    from accounts.session_store import SessionStore

    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    # Thirty idle minutes also outlast the session's cached copy (kept at most a minute).
    assert cache.get(SessionStore.cache_key_prefix + key) is not None
    cache.delete(SessionStore.cache_key_prefix + key)
    assert client.get("/").status_code == 302


def test_an_active_session_is_renewed_at_most_once_a_minute(client, world):
    from accounts.middleware import LAST_TOUCHED

    sign_in(client, world.user("casemanager", "north"))
    client.get("/")
    renewed = _expiry(client)
    client.get("/")
    assert _expiry(client) == renewed  # within the minute: no write
    session = client.session
    session[LAST_TOUCHED] -= 61
    session.save()
    before = _expiry(client)
    client.get("/")
    assert _expiry(client) >= before and client.session[LAST_TOUCHED] > session[LAST_TOUCHED]


def test_every_session_ends_twelve_hours_after_sign_in(client, world):
    sign_in(client, world.user("casemanager", "north"))
    assert client.get("/").status_code == 200
    session = client.session
    session[SIGNED_IN_AT] = (timezone.now() - timedelta(hours=12, minutes=1)).isoformat()
    session.save()
    response = client.get("/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_ten_failures_pause_sign_in_even_with_the_right_password(client, world):
    email = "casemanager.north@demo.tideline.test"
    for _ in range(10):
        post_sign_in(client, email, "wrong-password-123")
    locked = post_sign_in(client, email)
    assert locked.status_code == 429
    assert "Sign-in is paused" in locked.content.decode()


def test_lockout_looks_the_same_for_unknown_accounts(client, world):
    for _ in range(10):
        post_sign_in(client, "ghost@demo.tideline.test", "wrong-password-123")
    locked = post_sign_in(client, "ghost@demo.tideline.test", "wrong-password-123")
    assert locked.status_code == 429


def test_open_redirects_are_refused(client, world):
    response = client.post(
        reverse("accounts:login") + "?next=https://evil.example/",
        {"username": "casemanager.north@demo.tideline.test", "password": DEMO_PASSWORD},
    )
    assert "evil.example" not in response.url


def test_signed_in_pages_are_never_cached(client, world):
    sign_in(client, world.user("casemanager", "north"))
    response = client.get("/")
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_pages_carry_a_strict_content_security_policy(client, world):
    sign_in(client, world.user("casemanager", "north"))
    header = client.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in header
    assert "frame-ancestors 'none'" in header
    assert "unsafe-inline" not in header


def test_user_with_no_team_is_told_so(client, world):
    from accounts.models import User

    lonely = User.objects.create_user("lonely@demo.tideline.test", DEMO_PASSWORD, full_name="Lonely User")
    sign_in(client, lonely)
    assert "You do not have a role in any team yet" in client.get("/").content.decode()
