"""Every record under a case is reached through its own case, under that case's policy.

One person, two north cases: O, open to the team, and R, restricted (allocated to casemanager2).
Casey (casemanager, north) may open O but not R. Every URL that names a case and a record, and
every API endpoint reached through a case, must refuse R's records to Casey, also when the URL
names O; O's tabs must not list them. Kit (casemanager2), named on R, still reaches them.
"""

from __future__ import annotations

import re

import pytest
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLPattern, URLResolver

from accounts.models import Organisation
from accounts.models_api import Scope
from casework import restriction, services, services_legal
from casework.models import AssessmentInstrument
from tests.api.conftest import make_token
from tests.casework.legal.conftest import _make_case, days_ago

# What R's records say, so a page that shows one is caught.
SECRETS = [
    "Restraining order",
    "Hidden Magistrates",
    "HMP Hiddenfield",
    "HID/77",
    "Hidden breach",
    "Hidden lever note",
]

# URL kwargs naming a record under a case → the record of R to put there, by URL name.
OBJECT_OF = {
    "order_detail": ("order_pk", "order"),
    "order_edit": ("order_pk", "order"),
    "breach_add": ("order_pk", "order"),
    "custody_edit": ("custody_pk", "custody"),
    "custody_event_add": ("custody_pk", "custody"),
    "incident_edit": ("incident_pk", "incident"),
    "incident_remove": ("incident_pk", "incident"),
    "goal_edit": ("item_pk", "goal"),
    "action_edit": ("item_pk", "action"),
    "assessment": ("assessment_pk", "assessment"),
    "note_delete": ("note_pk", "note"),
}
# Under a case URL but not a record of that case: the person's own names, references and
# addresses (one person record, shared by all their cases), and a user's reach of the case.
NOT_CASE_RECORDS = {"detail_remove", "case_reach_remove"}
API = ["orders", "custody-records", "disruption-actions"]


def case_record_patterns() -> dict[str, str]:
    """name → pattern of every casework URL naming a case and something else under it."""
    found = {}

    def walk(resolver, prefix=""):
        for entry in resolver.url_patterns:
            pattern = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry, pattern)
            elif (
                isinstance(entry, URLPattern)
                and pattern.startswith("cases/<int:pk>/")
                and len(re.findall(r"<(?:\w+:)?\w+>", pattern)) > 1
            ):
                found[entry.name] = pattern

    walk(get_resolver())
    return found


def test_every_url_naming_a_case_and_a_record_is_covered_here():
    assert set(case_record_patterns()) == set(OBJECT_OF) | NOT_CASE_RECORDS


@pytest.fixture
def two_cases(world):
    """O (open to the team, Casey's) and R (restricted, Kit's) about the same person, with
    one of every record on R."""
    supervisor = world.user("supervisor", "north")
    kit = world.user("casemanager2", "north")
    open_case = _make_case(world)
    restricted = services.case_open(
        actor=supervisor,
        perpetrator=open_case.perpetrator,
        team=world.team("case_management", "north"),
        case_manager=kit,
        supervisor=supervisor,
    )
    order = services_legal.order_create(
        actor=kit,
        case=restricted,
        kind="restraining",
        made_on=days_ago(30),
        court_or_issuer="Hidden Magistrates",
    )
    custody = services_legal.custody_record_create(
        actor=kit, case=restricted, sentence_date=days_ago(300), establishment="HMP Hiddenfield"
    )
    records = {
        "order": order,
        "breach": services_legal.order_breach_record(
            actor=kit, order=order, occurred_on=days_ago(3), description="Hidden breach"
        ),
        "custody": custody,
        "event": services_legal.custody_event_record(
            actor=kit, custody=custody, kind="parole_hearing", occurred_on=days_ago(10)
        ),
        "incident": services_legal.incident_create(
            actor=kit,
            perpetrator=restricted.perpetrator,
            case=restricted,
            police_reference="HID/77",
            occurred_on=days_ago(20),
            incident_type="crime",
            offence="harassment",
        ),
        "goal": services.support_goal_add(
            case=restricted, actor=kit, need_domain="housing", goal="Hidden goal", status="not_started"
        ),
        "action": services.disruption_action_add(
            case=restricted,
            actor=kit,
            agency=Organisation.objects.filter(kind="police").first(),
            lever="welfare_check",
            description="Hidden lever note",
            status="planned",
        ),
        "assessment": services.assessment_start(
            case=restricted, instrument=AssessmentInstrument.objects.filter(active=True).first(), actor=kit
        ),
        "note": services.case_note_add(case=restricted, actor=kit, kind="contact", text="Hidden note"),
    }
    restricted.refresh_from_db()
    restriction.case_restrict(
        case=restricted,
        actor=supervisor,
        reason="Works for a partner agency",
        expected_version=restricted.version,
    )
    return open_case, restricted, records


def urls_naming(case, records) -> list[str]:
    patterns = case_record_patterns()
    return [
        reverse(f"casework:{name}", kwargs={"pk": case.pk, kwarg: records[key].pk})
        for name, (kwarg, key) in OBJECT_OF.items()
        if name in patterns
    ]


def test_the_restricted_cases_records_are_not_found_through_any_case_url_or_api(live, world, two_cases):
    open_case, restricted, records = two_cases
    casey = world.user("casemanager", "north")
    http = live.signed_in(casey)
    assert http.get(reverse("casework:case", args=[open_case.pk])).status_code == 200
    for url in urls_naming(open_case, records) + urls_naming(restricted, records):
        assert http.get(url).status_code == 404, url
        # A page that only reads answers a POST 405 before looking anything up.
        assert http.post(url, {"reason": "x"}).status_code in (404, 405), url
    _, token = make_token(casey, scopes=[Scope.CASES_READ, Scope.CASES_WRITE, Scope.ACTIONS_WRITE])
    api = live.anonymous()
    for path, key in zip(API, ("order", "custody", "action"), strict=True):
        detail = f"/api/{path}/{records[key].pk}/"
        assert api.api("GET", detail, token=token).status_code == 404, detail
        assert api.api("PATCH", detail, token=token, json={"version": 1}).status_code == 404, detail
        for listing in (f"/api/{path}/", f"/api/{path}/?case={restricted.pk}"):
            response = api.api("GET", listing, token=token)
            assert response.status_code == 200, listing
            assert records[key].pk not in [row["id"] for row in response.json()["results"]], listing


def test_the_open_cases_tabs_do_not_list_the_restricted_cases_records(client_for, two_cases):
    open_case, _, _ = two_cases
    client = client_for("casemanager", "north")
    for name in ("orders", "custody", "incidents", "chronology", "plans", "notes", "assessments"):
        body = client.get(reverse(f"casework:{name}", args=[open_case.pk])).content.decode()
        for secret in SECRETS:
            assert secret not in body, (name, secret)


def test_someone_named_on_both_cases_reaches_each_record_through_its_own_case(client_for, two_cases):
    open_case, restricted, records = two_cases
    client = client_for("casemanager2", "north")
    orders = client.get(reverse("casework:orders", args=[open_case.pk])).content.decode()
    own_url = reverse("casework:order_detail", args=[restricted.pk, records["order"].pk])
    assert "Restraining order" in orders and own_url in orders
    assert "Hidden Magistrates" in client.get(own_url).content.decode()
    assert (
        client.get(reverse("casework:order_detail", args=[open_case.pk, records["order"].pk])).status_code
        == 404
    )
    custody = client.get(reverse("casework:custody", args=[open_case.pk])).content.decode()
    assert "HMP Hiddenfield" in custody
    assert reverse("casework:custody_edit", args=[open_case.pk, records["custody"].pk]) not in custody


def test_an_incident_on_no_case_is_the_persons_and_opens_through_any_of_their_cases(
    world, client_for, two_cases
):
    open_case, restricted, _ = two_cases
    incident = services_legal.incident_create(
        actor=world.user("casemanager", "north"),
        perpetrator=open_case.perpetrator,
        police_reference="POL/1",
        occurred_on=days_ago(4),
        incident_type="crime",
        offence="harassment",
    )
    casey = client_for("casemanager", "north")
    assert "POL/1" in casey.get(reverse("casework:incidents", args=[open_case.pk])).content.decode()
    assert casey.get(reverse("casework:incident_edit", args=[open_case.pk, incident.pk])).status_code == 200
    assert casey.get(reverse("casework:incident_edit", args=[restricted.pk, incident.pk])).status_code == 404
