import pytest
from django.urls import reverse

from casework import jobs
from casework.models import CustodyRecord, FlagKind, FlagRecipient
from tests.casework.flags.support import (
    TODAY,
    VICTIM_FIRST,
    VICTIM_LAST,
    VICTIM_POSTCODE,
    days,
    make_case,
    make_victim,
)
from victims import flag_rules  # noqa: F401  (registers the victim-side rules)

pytestmark = pytest.mark.django_db

INBOX = reverse("casework:flags")


@pytest.fixture
def release(world):
    case = make_case(world)
    make_victim(world, case)
    CustodyRecord.objects.create(
        case=case,
        perpetrator=case.perpetrator,
        sentence_date=days(-400),
        expected_release_on=days(7),
        created_by=case.case_manager,
    )
    jobs.scan_all(today=TODAY)
    return case


def copy_of(world, login, area="north", kind=FlagKind.RELEASE):
    return FlagRecipient.objects.get(user=world.user(login, area), flag__kind=kind)


def test_anonymous_is_sent_to_sign_in(client, release, world):
    for url in (INBOX, reverse("casework:flag_detail", args=[copy_of(world, "casemanager").pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_case_manager_sees_their_release_flag_without_victim_details(client_for, release, world):
    response = client_for("casemanager", "north").get(INBOX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "due for release from custody in 7 days" in body
    for secret in (VICTIM_FIRST, VICTIM_LAST, VICTIM_POSTCODE):
        assert secret not in body, f"{secret} leaked into the case manager's inbox"


def test_idva_sees_the_victim_side_flag_with_the_name_but_no_address(client_for, release):
    body = client_for("idva", "north").get(INBOX).content.decode()
    assert f"{VICTIM_FIRST} {VICTIM_LAST}" in body
    assert VICTIM_POSTCODE not in body


def test_another_areas_people_see_nothing(client_for, release, world):
    for login in ("idva", "casemanager", "supervisor"):
        body = client_for(login, "south").get(INBOX).content.decode()
        assert "No risk flags match." in body and "Colbeck" not in body


def test_someone_elses_flag_is_not_found(client_for, release, world):
    url = reverse("casework:flag_detail", args=[copy_of(world, "idva").pk])
    assert client_for("casemanager", "north").get(url).status_code == 404
    assert client_for("supervisor", "north").get(url).status_code == 404  # another team's supervisor
    assert client_for("idva", "south").get(url).status_code == 404


def test_supervisor_sees_the_teams_copy_but_cannot_acknowledge_it(client_for, release, world):
    supervisor = client_for("supervisor", "north")
    team_inbox = supervisor.get(INBOX, {"scope": "team", "status": "all"}).content.decode()
    assert "Casey Manager" in team_inbox
    url = reverse("casework:flag_detail", args=[copy_of(world, "casemanager").pk])
    assert supervisor.get(url).status_code == 200
    assert supervisor.post(url, {"note": "Seen"}).status_code == 403
    assert copy_of(world, "casemanager").acknowledged_at is None


def test_acknowledging_needs_a_note(client_for, release, world):
    url = reverse("casework:flag_detail", args=[copy_of(world, "casemanager").pk])
    response = client_for("casemanager", "north").post(url, {"note": "   "})
    assert response.status_code == 200
    assert "Enter what you have done about this flag" in response.content.decode()
    assert copy_of(world, "casemanager").acknowledged_at is None


def test_case_manager_acknowledges_with_a_note(client_for, release, world):
    client = client_for("casemanager", "north")
    url = reverse("casework:flag_detail", args=[copy_of(world, "casemanager").pk])
    response = client.post(url, {"note": "IDVA confirms victim told; approved premises away from her area."})
    assert response.status_code == 302 and response["Location"] == INBOX
    copy = copy_of(world, "casemanager")
    assert copy.acknowledged_at is not None and copy.acknowledged_note.startswith("IDVA confirms")
    assert "due for release" not in client.get(INBOX).content.decode()  # no longer open
    assert "due for release" in client.get(INBOX, {"status": "acknowledged"}).content.decode()
    # The supervisor's own copy stays open until they acknowledge it.
    assert copy_of(world, "supervisor").acknowledged_at is None


def test_inbox_query_count_stays_flat(client_for, world, django_assert_max_num_queries):
    client = client_for("casemanager", "north")
    for n in range(3):
        case = make_case(world)
        CustodyRecord.objects.create(
            case=case,
            perpetrator=case.perpetrator,
            sentence_date=days(-400),
            expected_release_on=days(7 + n),
            created_by=case.case_manager,
        )
    jobs.scan_release(today=TODAY)
    with django_assert_max_num_queries(12):
        assert client.get(INBOX).status_code == 200
    for n in range(10):
        case = make_case(world)
        CustodyRecord.objects.create(
            case=case,
            perpetrator=case.perpetrator,
            sentence_date=days(-400),
            expected_release_on=days(1 + n),
            created_by=case.case_manager,
        )
    jobs.scan_release(today=TODAY)
    with django_assert_max_num_queries(12):
        assert client.get(INBOX, {"kind": "release"}).status_code == 200


def test_case_page_shows_the_case_side_flag_but_never_the_victim_side_one(client_for, release):
    response = client_for("casemanager", "north").get(reverse("casework:case", args=[release.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Risk flags" in body and "due for release from custody in 7 days" in body
    assert VICTIM_FIRST not in body and VICTIM_POSTCODE not in body


def test_bad_filter_values_fall_back_to_open_flags(client_for, release):
    response = client_for("casemanager", "north").get(
        INBOX, {"status": "nonsense", "kind": "<script>", "page": "x"}
    )
    assert response.status_code == 200
    assert "due for release" in response.content.decode()
