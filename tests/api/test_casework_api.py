"""Cases, orders, custody records and disruption actions over the API: who may, who may not."""

from __future__ import annotations

import pytest

from accounts.models import AuditEvent
from casework import services as casework_services
from casework.models import Case, DisruptionAction

pytestmark = pytest.mark.django_db

# (list URL, attribute of api_data holding a record, a valid change)
ENDPOINTS = [
    ("/api/cases/", "case", {"phase": "active"}),
    ("/api/orders/", "order", {"court_or_issuer": "Northshire Magistrates"}),
    ("/api/custody-records/", "custody", {"establishment": "HMP Southvale"}),
    ("/api/disruption-actions/", "disruption", {"status": "in_progress", "outcome": "Visit booked"}),
]
IDS = [url.strip("/").split("/")[-1] for url, _, _ in ENDPOINTS]


@pytest.mark.parametrize("url,attr,change", ENDPOINTS, ids=IDS)
def test_case_team_lists_and_reads(api_data, token_client, url, attr, change):
    client = token_client("casemanager", "north")
    record = getattr(api_data, attr)
    listed = client.get(url)
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [record.pk]
    detail = client.get(f"{url}{record.pk}/")
    assert detail.status_code == 200 and detail.json()["id"] == record.pk


@pytest.mark.parametrize("url,attr,change", ENDPOINTS, ids=IDS)
def test_other_area_and_other_agencies_see_nothing(api_data, token_client, url, attr, change):
    record = getattr(api_data, attr)
    for login, area in [
        ("casemanager", "south"),
        ("police", "north"),
        ("idva", "north"),
        ("analyst", "north"),
    ]:
        client = token_client(login, area)
        listed = [row["id"] for row in client.get(url).json()["results"]]
        assert record.pk not in listed, f"{login}.{area} listed {url}"
        assert client.get(f"{url}{record.pk}/").status_code == 404, f"{login}.{area} read {url}"
        assert client.patch(f"{url}{record.pk}/", {"version": 1, **change}, format="json").status_code == 404


@pytest.mark.parametrize("url,attr,change", ENDPOINTS, ids=IDS)
def test_allocated_case_manager_updates(api_data, token_client, url, attr, change):
    record = getattr(api_data, attr)
    response = token_client("casemanager", "north").patch(
        f"{url}{record.pk}/", {"version": record.version, **change}, format="json"
    )
    assert response.status_code == 200, response.json()
    record.refresh_from_db()
    for name, value in change.items():
        assert getattr(record, name) == value
    assert record.version == 2
    assert AuditEvent.objects.filter(
        action="update", object_type=record._meta.label_lower, object_id=str(record.pk)
    ).exists()


@pytest.mark.parametrize("url,attr,change", ENDPOINTS, ids=IDS)
def test_team_colleague_sees_but_may_not_change(api_data, token_client, url, attr, change):
    record = getattr(api_data, attr)
    client = token_client("casemanager2", "north")
    assert client.get(f"{url}{record.pk}/").status_code == 200
    response = client.patch(f"{url}{record.pk}/", {"version": record.version, **change}, format="json")
    assert response.status_code == 403
    record.refresh_from_db()
    assert record.version == 1


@pytest.mark.parametrize("url,attr,change", ENDPOINTS, ids=IDS)
def test_stale_version_is_refused_with_409_and_changes_nothing(api_data, token_client, url, attr, change):
    record = getattr(api_data, attr)
    response = token_client("casemanager", "north").patch(
        f"{url}{record.pk}/", {"version": 7, **change}, format="json"
    )
    assert response.status_code == 409
    record.refresh_from_db()
    assert record.version == 1


@pytest.mark.parametrize(
    "url,attr,extra",
    [
        ("/api/cases/", "case", {"risk_level": "very_high"}),
        ("/api/cases/", "case", {"team": 999, "case_manager": 1}),
        ("/api/orders/", "order", {"case": 1, "kind": "dvpo"}),
        ("/api/custody-records/", "custody", {"released_on": "2026-01-01"}),
        ("/api/disruption-actions/", "disruption", {"agency": 1, "created_by": 1}),
    ],
)
def test_extra_fields_are_refused_by_name_and_never_applied(api_data, token_client, url, attr, extra):
    record = getattr(api_data, attr)
    response = token_client("casemanager", "north").patch(
        f"{url}{record.pk}/", {"version": record.version, **extra}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    for name in extra:
        assert name in body, f"{name} not named in {body}"
    record.refresh_from_db()
    assert record.version == 1


def test_bad_values_get_field_level_messages(api_data, token_client):
    client = token_client("casemanager", "north")
    response = client.patch(
        f"/api/cases/{api_data.case.pk}/",
        {"version": 1, "phase": "nonsense", "next_review_date": "31/31/2026"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"phase", "next_review_date"}


def test_service_rules_come_back_as_field_errors(api_data, token_client):
    response = token_client("casemanager", "north").patch(
        f"/api/cases/{api_data.case.pk}/", {"version": 1, "phase": Case.Phase.CLOSED}, format="json"
    )
    assert response.status_code == 400
    assert "request closure" in response.json()["phase"][0]


def test_order_rules_from_the_model_apply(api_data, token_client):
    response = token_client("casemanager", "north").patch(
        f"/api/orders/{api_data.order.pk}/",
        {"version": 1, "until_further_order": True},
        format="json",
    )
    assert response.status_code == 400
    assert "expires_on" in response.json()


def test_missing_version_is_a_field_error(api_data, token_client):
    response = token_client("casemanager", "north").patch(
        f"/api/cases/{api_data.case.pk}/", {"phase": "active"}, format="json"
    )
    assert response.status_code == 400 and "version" in response.json()


def test_put_and_delete_are_not_offered(api_data, token_client):
    client = token_client("casemanager", "north")
    assert client.put(f"/api/cases/{api_data.case.pk}/", {}, format="json").status_code == 405
    assert client.delete(f"/api/cases/{api_data.case.pk}/").status_code == 405


def test_filters_narrow_the_list(api_data, token_client):
    client = token_client("casemanager", "north")
    assert client.get("/api/cases/", {"phase": "closed"}).json()["results"] == []
    assert len(client.get("/api/cases/", {"open": "true"}).json()["results"]) == 1
    assert (
        client.get("/api/orders/", {"case": api_data.case.pk}).json()["results"][0]["id"] == api_data.order.pk
    )
    assert client.get("/api/orders/", {"case": api_data.other_area_case.pk}).json()["results"] == []
    assert client.get("/api/cases/", {"phase": "nonsense"}).status_code == 400


def test_order_shows_protected_persons_by_safe_label_only(api_data, token_client):
    body = token_client("casemanager", "north").get(f"/api/orders/{api_data.order.pk}/").json()
    assert body["protected_persons"] == [{"label": "Ex-partner, victim 1", "relationship": "Ex-partner"}]
    assert "Vera" not in str(body) and "Lane" not in str(body)


def test_detail_reads_are_audited(api_data, token_client):
    token_client("supervisor", "north").get(f"/api/custody-records/{api_data.custody.pk}/")
    assert AuditEvent.objects.filter(
        action="view", object_type="casework.custodyrecord", object_id=str(api_data.custody.pk)
    ).exists()


def _more_cases(world, api_data, count: int) -> None:
    cm = world.user("casemanager", "north")
    for number in range(count):
        person = casework_services.perpetrator_create(
            actor=cm, area=world.areas["north"], first_name=f"P{number}", last_name="Extra"
        )
        case = casework_services.case_open(
            actor=cm, perpetrator=person, team=world.team("case_management", "north"), case_manager=cm
        )
        casework_services.disruption_action_add(
            case=case,
            actor=cm,
            agency=world.team("police", "north").organisation,
            lever=DisruptionAction.Lever.MARKER,
            description="Marker",
            status=DisruptionAction.Status.PLANNED,
        )


# Token, memberships, the page, the audit insert (orders add their protected persons).
@pytest.mark.parametrize(
    "url, pinned",
    [("/api/cases/", 4), ("/api/orders/", 5), ("/api/custody-records/", 4), ("/api/disruption-actions/", 4)],
)
def test_list_query_counts_stay_flat(
    world, api_data, token_client, django_assert_max_num_queries, url, pinned
):
    client = token_client("casemanager", "north")
    client.get(url)  # warm: the token's last-used stamp is written once a minute
    with django_assert_max_num_queries(pinned):
        client.get(url)
    _more_cases(world, api_data, 6)
    with django_assert_max_num_queries(pinned):
        response = client.get(url)
    assert response.status_code == 200
