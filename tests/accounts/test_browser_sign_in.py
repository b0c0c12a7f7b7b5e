import pytest

from accounts.demo import seed_people

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_practitioner_signs_in_with_a_second_factor_and_sees_home(ui):
    world = seed_people()
    user = world.user("casemanager", "north")
    ui.sign_in(user)
    page = ui.page
    assert page.get_by_role("heading", level=1).inner_text() == "Hello, Casey"
    assert page.get_by_test_id("header-user-name").inner_text() == user.full_name
    assert "Case manager, Northshire Drive Service" in page.locator(".tl-header-user").inner_text()
    assert "Northshire perpetrator case management" in page.locator("main").inner_text()

    ui.submit("Sign out")
    assert "/sign-in/" in page.url
    assert "You have signed out." in page.locator("main").inner_text()


def test_a_wrong_password_shows_the_error_summary(ui):
    world = seed_people()
    ui.goto("/sign-in/")
    ui.page.get_by_label("Email address").fill(world.user("idva", "north").email)
    ui.page.get_by_label("Password").fill("not-my-password")
    ui.submit("Sign in")
    summary = ui.page.locator(".govuk-error-summary")
    assert "Enter a correct email address and password." in summary.inner_text()
