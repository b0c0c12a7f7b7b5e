import pytest

from casework import jobs
from casework.flags import rule_run
from casework.models import CustodyRecord, FlagAudience, FlagKind, RiskFlag
from tests.casework.flags.support import (
    TODAY,
    assert_no_victim_details,
    assert_no_victim_name,
    days,
    make_case,
    make_victim,
    received,
    received_text,
)

pytestmark = pytest.mark.django_db


def custody(case, *, release_in: int | None = None, released: int | None = None) -> CustodyRecord:
    return CustodyRecord.objects.create(
        case=case,
        perpetrator=case.perpetrator,
        sentence_date=days(-400),
        expected_release_on=days(release_in) if release_in is not None else None,
        released_on=days(released) if released is not None else None,
        created_by=case.case_manager,
    )


def scan(today):
    return jobs.scan_release(today=today) + rule_run("release_victims", today=today)


@pytest.mark.parametrize(
    ("release_in", "mark"), [(28, 28), (20, 28), (14, 14), (9, 14), (7, 7), (1, 1), (0, 0)]
)
def test_release_flag_is_raised_for_the_latest_mark_reached(world, release_in, mark):
    case = make_case(world)
    record = custody(case, release_in=release_in)
    jobs.scan_release(today=TODAY)
    flag = RiskFlag.objects.get(kind=FlagKind.RELEASE, case=case)
    assert flag.trigger_date == record.expected_release_on - __import__("datetime").timedelta(days=mark)
    assert flag.subject_key == f"custody:{record.pk}"


def test_no_release_flag_more_than_28_days_out(world):
    case = make_case(world)
    custody(case, release_in=29)
    assert jobs.scan_release(today=TODAY) == 0
    assert not RiskFlag.objects.exists()


def test_each_mark_raises_one_new_flag_and_a_missed_day_is_caught_up(world):
    case = make_case(world)
    record = custody(case, release_in=28)
    for offset in range(0, 29):  # every day up to release, scanning each day twice
        jobs.scan_release(today=days(offset))
        jobs.scan_release(today=days(offset))
    marks = sorted(RiskFlag.objects.filter(case=case).values_list("trigger_date", flat=True))
    assert [(record.expected_release_on - d).days for d in marks] == [28, 14, 7, 1, 0]


def test_a_scan_that_missed_the_mark_day_raises_that_mark_the_next_day(world):
    case = make_case(world)
    record = custody(case, release_in=14)
    jobs.scan_release(today=days(2))  # the 14-day mark fell on TODAY, which was missed
    assert RiskFlag.objects.get(case=case).trigger_date == record.expected_release_on - __import__(
        "datetime"
    ).timedelta(days=14)


def test_actual_release_raises_a_released_flag(world):
    case = make_case(world)
    custody(case, released=-1)
    jobs.scan_release(today=TODAY)
    flag = RiskFlag.objects.get(case=case)
    assert flag.trigger_date == days(-1)
    assert "released from custody" in flag.title


def test_release_goes_to_case_manager_supervisor_and_each_linked_victims_idva(world):
    case = make_case(world)
    make_victim(world, case)
    make_victim(world, case, idva=None, first="Bryony", last="Teller", label=3)
    custody(case, release_in=7)
    scan(TODAY)

    manager_flags = received(world.user("casemanager", "north"))
    assert [f.audience for f in manager_flags] == [FlagAudience.CASE]
    assert received(world.user("supervisor", "north")) == manager_flags
    manager_text = received_text(world.user("casemanager", "north"))
    assert "Ex-partner, victim 2" in manager_text and "Ex-partner, victim 3" in manager_text
    assert_no_victim_name(manager_text)
    assert_no_victim_details(manager_text)

    idva_text = received_text(world.user("idva", "north"))
    assert "Alana Wrenfield" in idva_text and "Darren Colbeck" in idva_text
    assert "Bryony" not in idva_text, "an IDVA got another victim's flag"
    assert_no_victim_details(idva_text)
    # The victim with no IDVA allocated: the IDVA team's supervisor is told.
    assert "Bryony Teller" in received_text(world.user("idvamanager", "north"))


def test_release_flags_reach_no_one_else(world):
    case = make_case(world)
    make_victim(world, case)
    custody(case, release_in=7)
    scan(TODAY)
    for login, area in [
        ("casemanager2", "north"),
        ("idva", "south"),
        ("casemanager", "south"),
        ("police", "north"),
        ("coordinator", "north"),
        ("analyst", "north"),
    ]:
        assert received(world.user(login, area)) == [], f"{login}.{area} received a release flag"
    assert received(world.users["admin"]) == []


def test_case_without_a_named_supervisor_goes_to_the_team_supervisors(world):
    case = make_case(world, supervisor=False)
    custody(case, release_in=7)
    jobs.scan_release(today=TODAY)
    assert len(received(world.user("supervisor", "north"))) == 1
