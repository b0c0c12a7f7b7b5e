"""Subject access requests: the DPO gathers, reviews, releases and exports; third parties'
data is withheld until released; every export is audited; everyone else is refused.

The one rule (DESIGN.md §3): a perpetrator's SAR never carries a victim's address or contact
details unless a reviewer released that item — checked in the page, the JSON and the PDF text.
"""

from __future__ import annotations

import datetime
import json
import subprocess

import pytest
from django.urls import reverse

from accounts import sar
from accounts.models import AuditEvent
from accounts.models_sar import SarItem, SubjectAccessRequest
from casework import services as casework_services
from casework.models import PerpetratorAddress, RiskLevel
from referrals.models import Referral, ReferralVictim, ReferralVictimDetails
from victims import services as victim_services
from victims.models import Child, SafetyPlan, VictimAddress, VictimContact, VictimLink

CANARY = "CANARYQX"  # in every victim-restricted field
VICTIM_NAME = "Zephyrine"
PERP_NAME = "Gideonax"
PERP_STREET = "Perpstreet"


@pytest.fixture
def people(world):
    manager = world.user("casemanager", "north")
    idva = world.user("idva", "north")
    perpetrator = casework_services.perpetrator_create(
        actor=manager,
        area=world.areas["north"],
        first_name=PERP_NAME,
        last_name="Marsh",
        date_of_birth=datetime.date(1984, 3, 2),
    )
    PerpetratorAddress.objects.create(
        perpetrator=perpetrator, line_1=f"3 {PERP_STREET}", town="Northtown", postcode="NT2 2BB"
    )
    case = casework_services.case_open(
        actor=manager,
        perpetrator=perpetrator,
        team=world.team("case_management", "north"),
        case_manager=manager,
        risk_level=RiskLevel.HIGH,
    )
    casework_services.case_note_add(
        case=case, actor=manager, kind="contact", text="Attended and talked about work"
    )
    victim = victim_services.victim_create(
        actor=idva,
        team=world.team("idva", "north"),
        first_name=VICTIM_NAME,
        last_name="Quill",
        perpetrator=perpetrator,
        relationship=VictimLink.Relationship.EX_PARTNER,
    )
    VictimAddress.objects.create(
        victim=victim, line_1=f"1 {CANARY} Street", town=f"{CANARY}ton", postcode="ZZ9 9ZZ"
    )
    VictimContact.objects.create(victim=victim, kind=VictimContact.Kind.values[0], value=f"07700{CANARY}")
    SafetyPlan.objects.create(victim=victim, plan=f"Refuge at {CANARY}", updated_by=idva)
    Child.objects.create(victim=victim, first_name="Childina", school=f"{CANARY} Primary")
    referral = Referral.objects.create(
        area=world.areas["north"],
        team=world.team("case_management", "north"),
        first_name=PERP_NAME,
        created_by=manager,
        case=case,
    )
    named = ReferralVictim.objects.create(
        referral=referral, first_name=VICTIM_NAME, relationship="ex_partner", picked_up_victim_id=victim.pk
    )
    ReferralVictimDetails.objects.create(
        referral_victim=named, address=f"2 {CANARY} Close", phone=f"0161{CANARY}"
    )
    return {"perpetrator": perpetrator, "case": case, "victim": victim}


def open_sar(world, kind: str, reference: str, area: str = "north") -> SubjectAccessRequest:
    return sar.sar_create(actor=world.user("dpo", area), subject_type=kind, reference=reference)


@pytest.fixture
def perp_sar(world, people):
    return open_sar(world, "perpetrator", people["case"].reference)


@pytest.fixture
def victim_sar(world, people):
    return open_sar(world, "victim", people["victim"].reference)


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "sar.pdf"
    path.write_bytes(content)
    return subprocess.run(  # noqa: S603
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607
        capture_output=True,
        check=True,
        text=True,
    ).stdout


# --- Opening and gathering -----------------------------------------------------------------------------------


def test_the_dpo_opens_a_request_from_the_form_and_sees_the_items(client_for, people):
    client = client_for("dpo", "north")
    assert client.get(reverse("accounts:sar_new")).status_code == 200
    today = datetime.date.today()
    response = client.post(
        reverse("accounts:sar_new"),
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
    assert "Attended and talked about work" in body
    assert "Third party: withheld" in body
    assert AuditEvent.objects.filter(action="view", object_type="casework.perpetrator").exists()
    assert AuditEvent.objects.filter(action="create", object_type="accounts.subjectaccessrequest").exists()


def test_a_perpetrators_request_marks_every_victim_item_as_third_party(perp_sar):
    items = list(perp_sar.items.all())
    for item in items:
        text = json.dumps(item.data)
        if CANARY in text or VICTIM_NAME in text:
            assert item.third_party and not item.released, item.title
    assert any(i.source_type == "victims.victimaddress" for i in items)
    assert any(i.source_type == "referrals.referralvictimdetails" for i in items)
    # Restricted data the perpetrator's request has no business gathering at all.
    assert not any(i.source_type in ("victims.safetyplan", "victims.child") for i in items)


def test_a_victims_request_includes_their_own_address_and_withholds_the_perpetrator(victim_sar):
    own = [i for i in victim_sar.items.all() if not i.third_party]
    assert any(CANARY in json.dumps(i.data) for i in own)  # their own address, contacts, safety plan
    for item in victim_sar.items.all():
        if PERP_NAME in json.dumps(item.data):
            assert item.third_party, item.title
    assert victim_sar.items.filter(source_type="victims.child", third_party=True).exists()


def test_a_reference_outside_the_dpos_area_is_not_found_and_nothing_is_created(world, client_for, people):
    client = client_for("dpo", "south")
    today = datetime.date.today()
    response = client.post(
        reverse("accounts:sar_new"),
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
def test_bad_input_gets_a_clear_error_and_changes_nothing(client_for, people, data):
    response = client_for("dpo", "north").post(reverse("accounts:sar_new"), data)
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert "<script>x</script>" not in response.content.decode()
    assert not SubjectAccessRequest.objects.exists()


def test_a_future_received_date_is_refused(client_for, people):
    later = datetime.date.today() + datetime.timedelta(days=3)
    response = client_for("dpo", "north").post(
        reverse("accounts:sar_new"),
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
    item = request.items.filter(third_party=True).first()
    return [
        ("get", reverse("accounts:sar_list")),
        ("get", reverse("accounts:sar_new")),
        ("get", reverse("accounts:sar_detail", args=[request.pk])),
        ("get", reverse("accounts:sar_export_pdf", args=[request.pk])),
        ("get", reverse("accounts:sar_export_json", args=[request.pk])),
        ("post", reverse("accounts:sar_regather", args=[request.pk])),
        ("post", reverse("accounts:sar_item_release", args=[request.pk, item.pk])),
        ("post", reverse("accounts:sar_item_withhold", args=[request.pk, item.pk])),
    ]


def test_anonymous_users_are_sent_to_sign_in(client, perp_sar):
    for method, url in sar_urls(perp_sar):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/sign-in/" in response["Location"], url


@pytest.mark.parametrize(
    "login",
    [
        "casemanager",
        "supervisor",
        "idva",
        "idvamanager",
        "coordinator",
        "chair",
        "police",
        "analyst",
        "admin",
    ],
)
def test_every_other_role_is_refused(client_for, perp_sar, login):
    client = client_for(login, None if login == "admin" else "north")
    for method, url in sar_urls(perp_sar):
        assert getattr(client, method)(url, {f"item{1}-reason": "x"}).status_code == 403, url
    assert not AuditEvent.objects.filter(action="export").exists()


def test_another_areas_dpo_gets_not_found(client_for, perp_sar):
    client = client_for("dpo", "south")
    for method, url in sar_urls(perp_sar)[2:]:
        assert getattr(client, method)(url).status_code == 404, url
    assert client.get(reverse("accounts:sar_list")).status_code == 200
    assert perp_sar.reference not in client.get(reverse("accounts:sar_list")).content.decode()


def test_the_list_pins_its_query_count(world, client_for, people, django_assert_max_num_queries):
    for _ in range(3):
        open_sar(world, "victim", people["victim"].reference)
    client = client_for("dpo", "north")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("accounts:sar_list"))
    assert response.status_code == 200


def test_the_detail_page_pins_its_query_count(client_for, perp_sar, django_assert_max_num_queries):
    client = client_for("dpo", "north")
    with django_assert_max_num_queries(14):
        assert client.get(reverse("accounts:sar_detail", args=[perp_sar.pk])).status_code == 200


# --- The one rule in every export ------------------------------------------------------------------------------


def test_a_perpetrators_json_export_never_holds_the_victims_details_unless_released(client_for, perp_sar):
    client = client_for("dpo", "north")
    response = client.get(reverse("accounts:sar_export_json", args=[perp_sar.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    body = response.content.decode()
    assert CANARY not in body, "victim address or contact leaked into a perpetrator's SAR"
    assert VICTIM_NAME not in body, "victim's name leaked into a perpetrator's SAR"
    assert PERP_STREET in body
    document = json.loads(body)
    assert (
        sum(s["withheld_items"] for s in document["sections"])
        == perp_sar.items.filter(third_party=True).count()
    )


def test_a_perpetrators_pdf_export_never_holds_the_victims_details_unless_released(
    client_for, perp_sar, tmp_path
):
    client = client_for("dpo", "north")
    response = client.get(reverse("accounts:sar_export_pdf", args=[perp_sar.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert CANARY not in text and VICTIM_NAME not in text
    assert PERP_STREET in text
    assert "OFFICIAL-SENSITIVE" in text and "Page 1 of" in text and perp_sar.reference in text


def test_a_released_item_appears_in_the_exports_and_only_that_item(client_for, perp_sar, tmp_path):
    client = client_for("dpo", "north")
    address = perp_sar.items.get(source_type="victims.victimaddress")
    url = reverse("accounts:sar_item_release", args=[perp_sar.pk, address.pk])
    refused = client.post(url, {f"item{address.pk}-reason": "   "})
    assert refused.status_code == 400
    assert not SarItem.objects.get(pk=address.pk).released
    response = client.post(url, {f"item{address.pk}-reason": "Court-ordered disclosure"})
    assert response.status_code == 302
    released = SarItem.objects.get(pk=address.pk)
    assert released.released and released.release_reason == "Court-ordered disclosure"
    body = client.get(reverse("accounts:sar_export_json", args=[perp_sar.pk])).content.decode()
    assert f"1 {CANARY} Street" in body
    assert f"07700{CANARY}" not in body  # the contact item was not released
    text = pdf_text(client.get(reverse("accounts:sar_export_pdf", args=[perp_sar.pk])).content, tmp_path)
    assert f"1 {CANARY} Street" in text and f"07700{CANARY}" not in text
    # And it can be withheld again before the final export.
    client.post(reverse("accounts:sar_item_withhold", args=[perp_sar.pk, address.pk]))
    assert CANARY not in client.get(reverse("accounts:sar_export_json", args=[perp_sar.pk])).content.decode()


def test_the_subjects_own_items_cannot_be_released_or_withheld(world, perp_sar):
    own = perp_sar.items.filter(third_party=False).first()
    with pytest.raises(Exception):  # noqa: B017,PT011 (ValidationError)
        sar.sar_item_release(item=own, actor=world.user("dpo", "north"), reason="x")


def test_releases_survive_gathering_again(client_for, perp_sar):
    client = client_for("dpo", "north")
    address = perp_sar.items.get(source_type="victims.victimaddress")
    client.post(
        reverse("accounts:sar_item_release", args=[perp_sar.pk, address.pk]),
        {f"item{address.pk}-reason": "Agreed"},
    )
    assert client.post(reverse("accounts:sar_regather", args=[perp_sar.pk])).status_code == 302
    assert perp_sar.items.get(source_type="victims.victimaddress").released


def test_every_export_is_audited(client_for, perp_sar):
    client = client_for("dpo", "north")
    client.get(reverse("accounts:sar_export_json", args=[perp_sar.pk]))
    client.get(reverse("accounts:sar_export_pdf", args=[perp_sar.pk]))
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


def test_the_demo_seed_adds_a_due_review_and_a_request_and_is_idempotent(world):
    from accounts import demo_privacy
    from accounts.models_retention import RetentionReview

    demo_privacy.seed(world)
    demo_privacy.seed(world)
    assert SubjectAccessRequest.objects.count() == 1
    assert RetentionReview.objects.filter(record_type="case", status="pending").count() == 1
