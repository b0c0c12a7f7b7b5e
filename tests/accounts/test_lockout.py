"""Sign-in lockout: per account (normalised email) at 10 failures, per client address far higher,
with the client address taken from X-Forwarded-For only behind a trusted proxy."""

import pytest
from django.urls import reverse

from accounts.demo import DEMO_PASSWORD
from accounts.models import AuditEvent, User

pytestmark = pytest.mark.django_db

EMAIL = "casemanager.north@demo.tideline.test"
WRONG = "wrong-password-123"


def post_sign_in(client, email, password=DEMO_PASSWORD, **extra):
    return client.post(reverse("accounts:login"), {"username": email, "password": password}, **extra)


def signs_in(response) -> bool:
    return response.status_code == 302 and response.url.startswith(reverse("accounts:mfa"))


def test_failures_for_unknown_emails_never_pause_a_real_account(client, world):
    for n in range(12):
        post_sign_in(client, f"nobody{n}@demo.tideline.test", WRONG)
    assert signs_in(post_sign_in(client, EMAIL))


def test_ten_failures_pause_the_account_from_any_address(client, world):
    for n in range(10):
        post_sign_in(client, EMAIL, WRONG, REMOTE_ADDR=f"198.51.100.{n + 1}")
    locked = post_sign_in(client, EMAIL, REMOTE_ADDR="203.0.113.50")
    assert locked.status_code == 429
    assert "Sign-in is paused" in locked.content.decode()


@pytest.mark.parametrize(
    "failing_as,then_as",
    [
        ("CaseManager.North@Demo.Tideline.Test", EMAIL),
        (EMAIL, "  CASEMANAGER.NORTH@demo.tideline.test "),
        (" casemanager.north@DEMO.tideline.test", "Casemanager.north@demo.tideline.test"),
    ],
)
def test_letter_case_and_spaces_do_not_get_round_a_paused_account(client, world, failing_as, then_as):
    for _ in range(10):
        post_sign_in(client, failing_as, WRONG)
    assert post_sign_in(client, then_as).status_code == 429


def test_the_email_is_matched_whatever_its_letter_case(client, world):
    assert signs_in(post_sign_in(client, "  CaseManager.North@DEMO.tideline.test "))
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN)
    assert event.user_email == EMAIL


def test_failed_sign_ins_are_audited_under_the_normalised_email(client, world):
    post_sign_in(client, " Nobody@Demo.Tideline.Test", WRONG)
    assert AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED).purpose == (
        "email: nobody@demo.tideline.test"
    )


def test_many_failures_from_one_address_pause_that_address_only(client, world, settings):
    settings.TIDELINE_ADDRESS_FAILURE_LIMIT = 15
    for n in range(15):
        post_sign_in(client, f"sweep{n}@demo.tideline.test", WRONG, REMOTE_ADDR="198.51.100.9")
    assert post_sign_in(client, EMAIL, REMOTE_ADDR="198.51.100.9").status_code == 429
    # Another address, and the account itself, are not paused.
    assert signs_in(post_sign_in(client, EMAIL, REMOTE_ADDR="198.51.100.10"))


def test_fewer_failures_than_the_address_limit_pause_no_one_else(client, world, settings):
    settings.TIDELINE_ADDRESS_FAILURE_LIMIT = 15
    for n in range(14):
        post_sign_in(client, f"sweep{n}@demo.tideline.test", WRONG, REMOTE_ADDR="198.51.100.9")
    assert signs_in(post_sign_in(client, EMAIL, REMOTE_ADDR="198.51.100.9"))


def test_a_forwarded_address_is_ignored_unless_the_peer_is_a_trusted_proxy(client, world, settings):
    settings.TIDELINE_ADDRESS_FAILURE_LIMIT = 15
    settings.TIDELINE_TRUSTED_PROXIES = ["10.0.0.1"]
    # An untrusted peer cannot spread its failures over invented addresses.
    for n in range(15):
        post_sign_in(
            client,
            f"sweep{n}@demo.tideline.test",
            WRONG,
            REMOTE_ADDR="203.0.113.9",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n + 1}",
        )
    assert post_sign_in(client, EMAIL, REMOTE_ADDR="203.0.113.9").status_code == 429
    event = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED).first()
    assert event.ip_address == "203.0.113.9"


def test_behind_the_trusted_proxy_each_client_is_counted_apart(client, world, settings):
    settings.TIDELINE_ADDRESS_FAILURE_LIMIT = 15
    settings.TIDELINE_TRUSTED_PROXIES = ["10.0.0.0/24"]
    via_proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for n in range(15):
        post_sign_in(
            client, f"sweep{n}@demo.tideline.test", WRONG, HTTP_X_FORWARDED_FOR="198.51.100.9", **via_proxy
        )
    # The attacker's address is paused; a colleague behind the same proxy is not.
    assert post_sign_in(client, EMAIL, HTTP_X_FORWARDED_FOR="198.51.100.9", **via_proxy).status_code == 429
    assert signs_in(post_sign_in(client, EMAIL, HTTP_X_FORWARDED_FOR="198.51.100.77", **via_proxy))
    assert AuditEvent.objects.get(action=AuditEvent.Action.LOGIN).ip_address == "198.51.100.77"


def test_the_user_manager_stores_and_finds_emails_normalised(world):
    user = User.objects.create_user("  New.Person@Example.ORG ", DEMO_PASSWORD, full_name="New Person")
    assert user.email == "new.person@example.org"
    assert User.objects.get_by_natural_key("NEW.PERSON@example.org ") == user


def test_saving_a_user_normalises_the_email(world):
    user = world.user("idva", "north")
    user.email = " Ida.North@Demo.Tideline.Test"
    user.save()
    user.refresh_from_db()
    assert user.email == "ida.north@demo.tideline.test"


def test_the_database_refuses_an_email_that_is_not_normalised(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=world.user("idva", "north").pk).update(email="Ida@Demo.Tideline.Test")


def test_live_lockout_answers_429_for_the_paused_account(live, world):
    http = live.anonymous()
    for _ in range(10):
        http.form_post("/sign-in/", {"username": EMAIL.upper(), "password": WRONG})
    locked = http.form_post("/sign-in/", {"username": EMAIL, "password": DEMO_PASSWORD})
    assert locked.status_code == 429
    assert "Sign-in is paused" in locked.text
