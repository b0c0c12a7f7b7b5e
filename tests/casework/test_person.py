"""The perpetrator record: details, equality monitoring, aliases, identifiers, addresses, other cases."""

import pytest
from django.urls import reverse

from casework import services
from casework.models import PerpetratorAddress, PerpetratorAlias, PerpetratorIdentifier

pytestmark = pytest.mark.django_db


def url(name, case, *args):
    return reverse(f"casework:{name}", args=[case.pk, *args])


def test_person_page_access(client, client_for, case):
    assert client.get(url("person", case)).status_code == 302
    assert client_for("casemanager", "south").get(url("person", case)).status_code == 404
    assert client_for("casemanager", "north").get(url("person", case)).status_code == 200
    assert client_for("casemanager2", "north").get(url("person_edit", case)).status_code == 403


def test_case_manager_records_demographics_and_mappa(client_for, case):
    perpetrator = case.perpetrator
    response = client_for("casemanager", "north").post(
        url("person_edit", case),
        {
            "first_name": "Darren",
            "last_name": "Holt",
            "gender": "male",
            "ethnicity": "white_irish",
            "sexuality": "prefer_not",
            "disability": "",
            "religion": "none",
            "first_language": "English",
            "mappa_category": "2",
            "mappa_level": "1",
            "version": perpetrator.version,
        },
    )
    assert response.status_code == 302
    perpetrator.refresh_from_db()
    assert (perpetrator.ethnicity, perpetrator.sexuality, perpetrator.disability) == (
        "white_irish",
        "prefer_not",
        "",
    )
    assert (perpetrator.mappa_category, perpetrator.mappa_level) == (2, 1)
    body = client_for("casemanager", "north").get(url("person", case)).content.decode()
    assert "White: Irish" in body and "Category 2, Level 1" in body and "Prefer not to say" in body


def test_stale_person_edit_is_refused(client_for, case):
    data = {
        "first_name": "Darren",
        "last_name": "Holt",
        "gender": "male",
        "version": case.perpetrator.version,
    }
    client = client_for("casemanager", "north")
    assert client.post(url("person_edit", case), data).status_code == 302
    response = client.post(url("person_edit", case), {**data, "first_name": "Changed"})
    assert response.status_code == 200 and "Someone else changed this record" in response.content.decode()
    case.perpetrator.refresh_from_db()
    assert case.perpetrator.first_name == "Darren"


def test_date_of_birth_in_the_future_is_refused(client_for, case):
    response = client_for("casemanager", "north").post(
        url("person_edit", case),
        {
            "first_name": "Darren",
            "last_name": "Holt",
            "gender": "male",
            "date_of_birth_day": "1",
            "date_of_birth_month": "1",
            "date_of_birth_year": "2999",
            "version": case.perpetrator.version,
        },
    )
    assert "Date of birth must be in the past" in response.content.decode()


def test_aliases_identifiers_and_addresses_are_added_and_removed(client_for, case):
    client = client_for("casemanager", "north")
    assert client.post(url("alias_add", case), {"name": "Daz Holt", "note": "street name"}).status_code == 302
    assert client.post(url("identifier_add", case), {"kind": "pnc", "value": "12/345678a"}).status_code == 302
    response = client.post(
        url("address_add", case),
        {
            "line_1": "3 Mill Street",
            "town": "Northtown",
            "postcode": "nt1 2ab",
            "lived_from_day": "1",
            "lived_from_month": "2",
            "lived_from_year": "2022",
        },
    )
    assert response.status_code == 302
    body = client.get(url("person", case)).content.decode()
    assert "Daz Holt" in body and "12/345678A" in body and "NT1 2AB" in body
    alias = PerpetratorAlias.objects.get()
    assert client.post(url("detail_remove", case, "alias", alias.pk)).status_code == 302
    assert not PerpetratorAlias.objects.exists() and PerpetratorAlias.all_objects.count() == 1
    assert client.get(url("detail_remove", case, "alias", alias.pk)).status_code == 405


def test_an_identifier_belongs_to_one_person(client_for, make_case):
    first, second = make_case(), make_case(first_name="Other")
    services.perpetrator_identifier_add(
        perpetrator=first.perpetrator, actor=first.case_manager, kind="pnc", value="99/1A"
    )
    response = client_for("casemanager", "north").post(
        url("identifier_add", second), {"kind": "pnc", "value": "99/1a"}
    )
    assert response.status_code == 200
    assert "already recorded for another person" in response.content.decode()
    assert PerpetratorIdentifier.objects.count() == 1


def test_address_dates_must_be_in_order(client_for, case):
    response = client_for("casemanager", "north").post(
        url("address_add", case),
        {
            "line_1": "1 A Road",
            "town": "Northtown",
            "postcode": "NT1 1AA",
            "lived_from_day": "1",
            "lived_from_month": "1",
            "lived_from_year": "2023",
            "lived_to_day": "1",
            "lived_to_month": "1",
            "lived_to_year": "2020",
        },
    )
    assert response.status_code == 200 and "must be the same as or after" in response.content.decode()
    assert not PerpetratorAddress.objects.exists()


def test_removing_another_persons_detail_is_404(client_for, make_case):
    first, second = make_case(), make_case(first_name="Other")
    alias = services.perpetrator_alias_add(perpetrator=first.perpetrator, actor=first.case_manager, name="X")
    client = client_for("casemanager", "north")
    assert client.post(url("detail_remove", second, "alias", alias.pk)).status_code == 404
    assert client.post(url("detail_remove", second, "nonsense", alias.pk)).status_code == 404


def test_previous_cases_are_listed_on_the_person(client_for, case, world):
    closed = services.case_open(
        actor=world.user("supervisor", "north"), perpetrator=case.perpetrator, team=case.team
    )
    body = client_for("casemanager", "north").get(url("person", case)).content.decode()
    assert closed.reference in body
