"""Orders, custody, incidents, RFG and import pages: who may and who may not, what they do,
what must never appear, and flat query counts."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent
from casework import services_legal
from casework.models import CustodyRecord, Incident, Order, OrderBreach, RfgScore
from tests.casework.legal.conftest import VICTIM_SECRETS, add_incident, days_ago

pytestmark = pytest.mark.django_db


def date_fields(name: str, value: datetime.date) -> dict:
    return {f"{name}_day": value.day, f"{name}_month": value.month, f"{name}_year": value.year}


@pytest.fixture
def records(world, legal_case, links):
    """One of everything on the legal case."""
    actor = world.user("casemanager", "north")
    order = services_legal.order_create(
        actor=actor, case=legal_case, kind="dapo", made_on=days_ago(10), protected_persons=[links[1]]
    )
    custody = services_legal.custody_record_create(actor=actor, case=legal_case, sentence_date=days_ago(300))
    incident = add_incident(legal_case, actor, days=20, victims=[links[1], links[2]], reference="NS/9")
    return {"order": order, "custody": custody, "incident": incident}


def pages(case, records) -> dict[str, str]:
    """Read pages (GET) and write pages (GET shows the form) of the legal tabs."""
    o, c, i = records["order"].pk, records["custody"].pk, records["incident"].pk
    return {
        "read": [
            reverse("casework:orders", args=[case.pk]),
            reverse("casework:order_detail", args=[case.pk, o]),
            reverse("casework:custody", args=[case.pk]),
            reverse("casework:incidents", args=[case.pk]),
            reverse("casework:rfg", args=[case.pk]),
        ],
        "write": [
            reverse("casework:order_add", args=[case.pk]),
            reverse("casework:order_edit", args=[case.pk, o]),
            reverse("casework:breach_add", args=[case.pk, o]),
            reverse("casework:custody_add", args=[case.pk]),
            reverse("casework:custody_edit", args=[case.pk, c]),
            reverse("casework:custody_event_add", args=[case.pk, c]),
            reverse("casework:incident_add", args=[case.pk]),
            reverse("casework:incident_edit", args=[case.pk, i]),
            reverse("casework:incident_remove", args=[case.pk, i]),
        ],
    }


# --- Who may and who may not ---------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(legal_case, records):
    client = Client()
    for url in [*pages(legal_case, records)["read"], *pages(legal_case, records)["write"]]:
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in/" in response["Location"], url
    assert client.post(reverse("casework:rfg_refresh", args=[legal_case.pk])).status_code == 302
    assert client.get(reverse("casework:incident_import")).status_code == 302


@pytest.mark.parametrize(
    ("login", "area"), [("casemanager", "south"), ("idva", "north"), ("police", "north")]
)
def test_people_outside_the_case_get_not_found(client_for, legal_case, records, login, area):
    client = client_for(login, area)
    for url in [*pages(legal_case, records)["read"], *pages(legal_case, records)["write"]]:
        assert client.get(url).status_code == 404, url


def test_team_colleague_may_read_but_not_change(client_for, legal_case, records):
    client = client_for("casemanager2", "north")
    for url in pages(legal_case, records)["read"]:
        assert client.get(url).status_code == 200, url
    for url in pages(legal_case, records)["write"]:
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("casework:rfg_refresh", args=[legal_case.pk])).status_code == 403


@pytest.mark.parametrize("login", ["casemanager", "supervisor"])
def test_case_manager_and_supervisor_may_read_and_change(client_for, legal_case, records, login):
    client = client_for(login, "north")
    for url in [*pages(legal_case, records)["read"], *pages(legal_case, records)["write"]]:
        assert client.get(url).status_code == 200, url


def test_record_of_another_person_is_not_found_through_this_case(
    client_for, world, legal_case, records, new_case
):
    other = new_case(first_name="Other", last_name="Person")
    client = client_for("casemanager", "north")
    order = records["order"]
    assert client.get(reverse("casework:order_detail", args=[other.pk, order.pk])).status_code == 404
    assert client.get(reverse("casework:order_edit", args=[other.pk, order.pk])).status_code == 404


def test_import_is_for_case_managers_and_supervisors_only(client_for):
    assert client_for("casemanager", "north").get(reverse("casework:incident_import")).status_code == 200
    assert client_for("supervisor", "south").get(reverse("casework:incident_import")).status_code == 200
    for login in ("police", "idva", "analyst"):
        assert client_for(login, "north").get(reverse("casework:incident_import")).status_code == 403


def test_reading_a_tab_is_audited(client_for, legal_case, records):
    client_for("casemanager", "north").get(reverse("casework:orders", args=[legal_case.pk]))
    assert AuditEvent.objects.filter(
        object_type="casework.case", object_id=str(legal_case.pk), action="view", purpose="orders register"
    ).exists()


# --- The one rule: nothing that names or locates a victim ---------------------------------------


@pytest.mark.parametrize("login", ["casemanager", "supervisor", "casemanager2"])
def test_no_victim_name_address_or_phone_on_any_legal_page(client_for, legal_case, records, login):
    client = client_for(login, "north")
    urls = [*pages(legal_case, records)["read"], reverse("casework:chronology", args=[legal_case.pk])]
    if login != "casemanager2":
        urls += pages(legal_case, records)["write"]
    for url in urls:
        content = client.get(url).content.decode()
        for secret in VICTIM_SECRETS:
            assert secret not in content, f"{secret!r} leaked on {url}"


def test_victims_are_shown_by_safe_label(client_for, legal_case, records):
    client = client_for("casemanager", "north")
    incidents = client.get(reverse("casework:incidents", args=[legal_case.pk])).content.decode()
    assert "Ex-partner, victim 1; Partner, victim 2" in incidents
    detail = client.get(
        reverse("casework:order_detail", args=[legal_case.pk, records["order"].pk])
    ).content.decode()
    assert "Ex-partner, victim 1" in detail


def test_import_report_never_echoes_victim_names(client_for, legal_case):
    text = (
        "police_reference,occurred_on,incident_type,offence,is_domestic_abuse,perpetrator_id,summary,victim_numbers\n"
        f"NS/1,{days_ago(2).isoformat()},crime,abh,yes,{legal_case.perpetrator.pk},x,Rosalind Quarrington\n"
    )
    response = client_for("casemanager", "north").post(
        reverse("casework:incident_import"), {"file": SimpleUploadedFile("extract.csv", text.encode())}
    )
    content = response.content.decode()
    assert "Nothing was imported" in content
    assert "Quarrington" not in content


# --- What the pages do ---------------------------------------------------------------------------


def test_case_manager_records_an_order(client_for, legal_case, links):
    client = client_for("casemanager", "north")
    data = {
        "kind": "dvpo",
        **date_fields("made_on", days_ago(2)),
        **date_fields("served_on", days_ago(2)),
        **date_fields("expires_on", days_ago(-26)),
        "conditions": ["no_contact", "exclusion_zone"],
        "protected_persons": [links[2].pk],
    }
    response = client.post(reverse("casework:order_add", args=[legal_case.pk]), data)
    assert response.status_code == 302
    order = Order.objects.get()
    assert order.conditions == ["no_contact", "exclusion_zone"]
    assert list(order.protected_persons.all()) == [links[2]]


def test_order_with_expiry_before_made_shows_an_error_and_saves_nothing(client_for, legal_case):
    data = {"kind": "dvpo", **date_fields("made_on", days_ago(2)), **date_fields("expires_on", days_ago(3))}
    response = client_for("casemanager", "north").post(
        reverse("casework:order_add", args=[legal_case.pk]), data
    )
    assert response.status_code == 200
    assert "The expiry date must be after the date the order was made" in response.content.decode()
    assert not Order.objects.exists()


def test_order_form_rejects_nonsense_dates_without_a_500(client_for, legal_case):
    data = {"kind": "dvpo", "made_on_day": "31", "made_on_month": "2", "made_on_year": "20x5"}
    response = client_for("casemanager", "north").post(
        reverse("casework:order_add", args=[legal_case.pk]), data
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_stale_order_edit_shows_the_conflict_and_changes_nothing(client_for, world, legal_case, records):
    order = records["order"]
    url = reverse("casework:order_edit", args=[legal_case.pk, order.pk])
    services_legal.order_update(
        actor=world.user("supervisor", "north"),
        order=order,
        expected_version=order.version,
        court_or_issuer="A",
    )
    data = {"kind": "dapo", **date_fields("made_on", days_ago(10)), "court_or_issuer": "B", "version": 1}
    response = client_for("casemanager", "north").post(url, data)
    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()
    assert Order.objects.get(pk=order.pk).court_or_issuer == "A"


def test_breach_is_recorded(client_for, legal_case, records):
    url = reverse("casework:breach_add", args=[legal_case.pk, records["order"].pk])
    data = {**date_fields("occurred_on", days_ago(1)), "description": "Turned up", "action_taken": "Arrested"}
    assert client_for("casemanager", "north").post(url, data).status_code == 302
    assert OrderBreach.objects.get().description == "Turned up"


def test_custody_with_release_month_and_a_recall(client_for, legal_case):
    client = client_for("casemanager", "north")
    data = {**date_fields("sentence_date", days_ago(200)), "release_month": "3", "release_year": "2031"}
    assert client.post(reverse("casework:custody_add", args=[legal_case.pk]), data).status_code == 302
    custody = CustodyRecord.objects.get()
    assert custody.expected_release_month == datetime.date(2031, 3, 1)
    both = {**data, **date_fields("expected_release_on", days_ago(-10)), "version": custody.version}
    response = client.post(reverse("casework:custody_edit", args=[legal_case.pk, custody.pk]), both)
    assert "not both" in response.content.decode()
    event = {"kind": "release", **date_fields("occurred_on", days_ago(3))}
    assert (
        client.post(
            reverse("casework:custody_event_add", args=[legal_case.pk, custody.pk]), event
        ).status_code
        == 302
    )
    custody.refresh_from_db()
    assert custody.released_on == days_ago(3)


def test_incident_recorded_and_rfg_tab_explains_the_score(client_for, legal_case, links, rfg_model):
    client = client_for("casemanager", "north")
    data = {
        **date_fields("occurred_on", days_ago(15)),
        "incident_type": "crime",
        "offence": "abh",
        "is_domestic_abuse": "yes",
        "victim_links": [links[1].pk, links[2].pk],
        "children_present": "on",
        "children_count": "2",
    }
    assert client.post(reverse("casework:incident_add", args=[legal_case.pk]), data).status_code == 302
    incident = Incident.objects.get()
    assert incident.children_count == 2 and incident.source == "manual"
    content = client.get(reverse("casework:rfg", args=[legal_case.pk])).content.decode()
    # (recency 5 + frequency 1 + ABH 4) × 2 victims 1.5 = 15
    assert "Today: 15" in content
    assert (
        "highest gravity: Assault occasioning actual bodily harm (ABH) (weight 4); 2 victims (×1.5)"
        in content
    )
    assert RfgScore.objects.filter(case=legal_case, kind="entry").exists()


def test_incident_removed_with_a_reason(client_for, legal_case, records):
    incident = records["incident"]
    url = reverse("casework:incident_remove", args=[legal_case.pk, incident.pk])
    client = client_for("casemanager", "north")
    assert client.post(url, {"reason": ""}).status_code == 200
    assert client.post(url, {"reason": "Wrong person"}).status_code == 302
    assert not Incident.objects.filter(pk=incident.pk).exists()
    assert Incident.all_objects.filter(pk=incident.pk).exists()


def test_upload_imports_and_reports(client_for, legal_case):
    text = (
        "police_reference,occurred_on,incident_type,offence,is_domestic_abuse,perpetrator_id\n"
        f"NS/77,{days_ago(2).isoformat()},crime,abh,yes,{legal_case.perpetrator.pk}\n"
    )
    client = client_for("casemanager", "north")
    url = reverse("casework:incident_import")
    response = client.post(url, {"file": SimpleUploadedFile("extract.csv", text.encode())})
    assert "1 incident imported; 0 already recorded" in response.content.decode()
    response = client.post(url, {"file": SimpleUploadedFile("extract.csv", text.encode())})
    assert "0 incidents imported; 1 already recorded" in response.content.decode()
    response = client.post(url, {"file": SimpleUploadedFile("extract.txt", text.encode())})
    assert "The selected file must be a CSV" in response.content.decode()
    assert Incident.objects.count() == 1


def test_chronology_shows_orders_custody_and_incidents(client_for, legal_case, records):
    content = (
        client_for("casemanager", "north").get(reverse("casework:chronology", args=[legal_case.pk])).content
    )
    content = content.decode()
    assert "Domestic abuse protection order (DAPO) made" in content
    assert "Sentenced" in content
    assert "Common assault (domestic abuse)" in content


# --- Query counts stay flat -----------------------------------------------------------------------


@pytest.mark.parametrize("tab", ["orders", "incidents", "custody", "rfg"])
def test_tab_query_count_is_flat(
    client_for, world, legal_case, links, rfg_model, django_assert_max_num_queries, tab
):
    actor = world.user("casemanager", "north")
    client = client_for("casemanager", "north")
    url = reverse(f"casework:{tab}", args=[legal_case.pk])

    def add(n, start):
        for k in range(start, start + n):
            services_legal.order_create(
                actor=actor,
                case=legal_case,
                kind="dvpo",
                made_on=days_ago(k + 1),
                protected_persons=[links[1]],
            )
            add_incident(legal_case, actor, days=k + 1, victims=[links[1], links[2]], reference=f"Q{k}")
            custody = services_legal.custody_record_create(
                actor=actor, case=legal_case, sentence_date=days_ago(k + 1)
            )
            services_legal.custody_event_record(
                actor=actor, custody=custody, kind="release", occurred_on=days_ago(k)
            )

    add(2, 0)
    client.get(url)  # warm caches (sessions, content types)
    with django_assert_max_num_queries(30) as few:
        assert client.get(url).status_code == 200
    add(12, 10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
