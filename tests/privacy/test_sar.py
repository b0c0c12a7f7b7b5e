"""Subject access requests: the DPO opens, reviews, decides and exports; everyone else is refused.

What is gathered (the one rule) is in test_sar_one_rule.py, the exemptions and the access log in
test_sar_exemptions.py, and the letter the person receives in test_sar_letter.py.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from privacy import sar
from privacy.models import SarItem, SubjectAccessRequest
from tests.privacy.sar_support import (
    CASE_NOTE,
    PERP_NAME,
    PERP_STREET,
    build_people,
    decide_all,
    open_sar,
)


@pytest.fixture
def people(world):
    return build_people(world)


@pytest.fixture
def perp_sar(world, people):
    return open_sar(world, "perpetrator", people["case"].reference)


# --- Opening and gathering -----------------------------------------------------------------------------------


def test_the_dpo_opens_a_request_from_the_form_and_sees_the_items(client_for, people):
    client = client_for("dpo", "north")
    assert client.get(reverse("privacy:sar_new")).status_code == 200
    today = datetime.date.today()
    response = client.post(
        reverse("privacy:sar_new"),
        {
            "subject_type": "perpetrator",
            "reference": people["case"].reference,
            "received_on_day": today.day,
            "received_on_month": today.month,
            "received_on_year": today.year,
            "notes": "ID checked",
        },
    )
    assert response.status_code == 302
    request = SubjectAccessRequest.objects.get()
    assert request.subject_id == people["perpetrator"].pk and request.due_on == today + datetime.timedelta(
        days=30
    )
    page = client.get(response["Location"])
    assert page.status_code == 200
    body = page.content.decode()
    assert PERP_NAME in body and PERP_STREET in body  # the subject's own data
    assert CASE_NOTE in body  # shown to the reviewer, withheld from the response until decided
    assert "Withheld: decision needed" in body
    assert AuditEvent.objects.filter(action="view", object_type="casework.perpetrator").exists()
    assert AuditEvent.objects.filter(action="create", object_type="accounts.subjectaccessrequest").exists()


def test_a_reference_outside_the_dpos_area_is_not_found_and_nothing_is_created(client_for, people):
    client = client_for("dpo", "south")
    today = datetime.date.today()
    response = client.post(
        reverse("privacy:sar_new"),
        {
            "subject_type": "perpetrator",
            "reference": people["case"].reference,
            "received_on_day": today.day,
            "received_on_month": today.month,
            "received_on_year": today.year,
        },
    )
    assert response.status_code == 400
    assert "No record with that reference in your area" in response.content.decode()
    assert not SubjectAccessRequest.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"subject_type": "perpetrator", "reference": "<script>x</script>"},
        {"subject_type": "perpetrator", "reference": "V-000001"},
        {"subject_type": "victim", "reference": "TL-000001"},
        {"subject_type": "nobody", "reference": "1"},
        {"subject_type": "victim", "reference": "99999999"},
        {"subject_type": "victim", "reference": "1\x00", "received_on_day": "x"},
        {"subject_type": "victim", "reference": "1" * 500},
    ],
)
def test_bad_input_gets_a_clear_error_and_changes_nothing(client_for, world, data):
    response = client_for("dpo", "north").post(reverse("privacy:sar_new"), data)
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert "<script>x</script>" not in response.content.decode()
    assert not SubjectAccessRequest.objects.exists()


def test_a_future_received_date_is_refused(client_for, people):
    later = datetime.date.today() + datetime.timedelta(days=3)
    response = client_for("dpo", "north").post(
        reverse("privacy:sar_new"),
        {
            "subject_type": "victim",
            "reference": people["victim"].reference,
            "received_on_day": later.day,
            "received_on_month": later.month,
            "received_on_year": later.year,
        },
    )
    assert response.status_code == 400
    assert not SubjectAccessRequest.objects.exists()


# --- Who may ---------------------------------------------------------------------------------------------------


def sar_urls(request: SubjectAccessRequest) -> list[tuple[str, str]]:
    item = request.items.exclude(exemption="").first()
    return [
        ("get", reverse("privacy:sar_list")),
        ("get", reverse("privacy:sar_new")),
        ("get", reverse("privacy:sar_detail", args=[request.pk])),
        ("get", reverse("privacy:sar_preview", args=[request.pk])),
        ("get", reverse("privacy:sar_export_pdf", args=[request.pk])),
        ("get", reverse("privacy:sar_export_json", args=[request.pk])),
        ("post", reverse("privacy:sar_regather", args=[request.pk])),
        ("post", reverse("privacy:sar_item_decide", args=[request.pk, item.pk])),
        ("post", reverse("privacy:sar_withhold_remaining", args=[request.pk])),
    ]


def decision_post(
    item: SarItem, decision: str = "disclose", reason: str = "Agreed", exemption: str = ""
) -> dict:
    return {
        f"item{item.pk}-decision": decision,
        f"item{item.pk}-reason": reason,
        f"item{item.pk}-exemption": exemption,
    }


def test_anonymous_users_are_sent_to_sign_in(client, perp_sar):
    for method, url in sar_urls(perp_sar):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/sign-in/" in response["Location"], url


def test_every_other_role_is_refused(world, client_for, perp_sar):
    decide_all(world, perp_sar)  # so a refused export could not be mistaken for "not ready yet"
    item = perp_sar.items.exclude(exemption="").first()
    for login in (
        "casemanager",
        "supervisor",
        "idva",
        "idvamanager",
        "coordinator",
        "chair",
        "police",
        "analyst",
    ):
        client = client_for(login, "north")
        for method, url in sar_urls(perp_sar):
            assert getattr(client, method)(url, decision_post(item, "withhold")).status_code == 403, (
                login,
                url,
            )
    admin = client_for("admin")
    for method, url in sar_urls(perp_sar):
        assert getattr(admin, method)(url, decision_post(item, "withhold")).status_code == 403, url
    assert not AuditEvent.objects.filter(action="export").exists()
    assert SarItem.objects.get(pk=item.pk).decision == "disclose"


def test_another_areas_dpo_gets_not_found(world, client_for, perp_sar):
    decide_all(world, perp_sar)
    client = client_for("dpo", "south")
    item = perp_sar.items.exclude(exemption="").first()
    for method, url in sar_urls(perp_sar)[2:]:
        assert getattr(client, method)(url, decision_post(item, "withhold")).status_code == 404, url
    assert client.get(reverse("privacy:sar_list")).status_code == 200
    assert perp_sar.reference not in client.get(reverse("privacy:sar_list")).content.decode()
    assert SarItem.objects.get(pk=item.pk).decision == "disclose"


def test_an_item_of_another_request_is_not_found(world, client_for, people, perp_sar):
    other = open_sar(world, "victim", people["victim"].reference)
    item = other.items.exclude(exemption="").first()
    url = reverse("privacy:sar_item_decide", args=[perp_sar.pk, item.pk])
    assert client_for("dpo", "north").post(url, decision_post(item)).status_code == 404
    assert SarItem.objects.get(pk=item.pk).decision == ""


def test_the_list_pins_its_query_count(world, client_for, people, django_assert_max_num_queries):
    for _ in range(3):
        open_sar(world, "victim", people["victim"].reference)
    client = client_for("dpo", "north")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("privacy:sar_list"))
    assert response.status_code == 200


def test_the_detail_page_pins_its_query_count(client_for, perp_sar, django_assert_max_num_queries):
    client = client_for("dpo", "north")
    with django_assert_max_num_queries(14):
        assert client.get(reverse("privacy:sar_detail", args=[perp_sar.pk])).status_code == 200


def test_the_preview_pins_its_query_count(world, client_for, perp_sar, django_assert_max_num_queries):
    client = client_for("dpo", "north")
    with django_assert_max_num_queries(14):
        assert client.get(reverse("privacy:sar_preview", args=[perp_sar.pk])).status_code == 200


# --- Exports -----------------------------------------------------------------------------------------------------


def test_every_export_is_audited(world, client_for, perp_sar):
    decide_all(world, perp_sar)
    client = client_for("dpo", "north")
    assert client.get(reverse("privacy:sar_export_json", args=[perp_sar.pk])).status_code == 200
    assert client.get(reverse("privacy:sar_export_pdf", args=[perp_sar.pk])).status_code == 200
    events = AuditEvent.objects.filter(
        action="export", object_type="accounts.subjectaccessrequest", object_id=str(perp_sar.pk)
    )
    assert sorted(e.purpose for e in events) == [
        "subject access request export (json)",
        "subject access request export (pdf)",
    ]
    assert all(e.user_email.startswith("dpo.north") for e in events)
    perp_sar.refresh_from_db()
    assert perp_sar.status == "exported" and perp_sar.last_exported_at is not None


def test_nothing_is_exported_while_an_item_waits_for_a_decision(client_for, perp_sar):
    client = client_for("dpo", "north")
    waiting = perp_sar.items.exclude(exemption="").filter(decision="").count()
    assert waiting
    for name in ("privacy:sar_export_json", "privacy:sar_export_pdf"):
        response = client.get(reverse(name, args=[perp_sar.pk]), follow=True)
        assert response.redirect_chain[0][0] == reverse("privacy:sar_detail", args=[perp_sar.pk])
        assert f"{waiting} items still need a decision" in response.content.decode()
    assert not AuditEvent.objects.filter(action="export").exists()
    perp_sar.refresh_from_db()
    assert perp_sar.status == "in_review"


def test_the_demo_seed_adds_a_due_review_and_a_request_and_is_idempotent(world):
    from privacy import demo as demo_privacy
    from privacy.models import RetentionReview

    demo_privacy.seed(world)
    demo_privacy.seed(world)
    assert SubjectAccessRequest.objects.count() == 1
    assert RetentionReview.objects.filter(record_type="case", status="pending").count() == 1


def test_the_dpo_reads_these_records_only_through_the_service(world, perp_sar):
    """A DPO opens no case through the ordinary policy: subject access is the only door."""
    from accounts import policy
    from casework.models import Case

    assert not policy.visible(world.user("dpo", "north"), Case).exists()
    assert sar.sars_visible_to(world.user("dpo", "north")).filter(pk=perp_sar.pk).exists()
