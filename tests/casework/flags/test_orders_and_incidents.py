import datetime

import pytest

from casework import flags, jobs
from casework.models import FlagAudience, FlagKind, Incident, Order, OrderBreach, OrderKind, RiskFlag
from panels.models import MaracReferral, Panel
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


def order(
    case, kind=OrderKind.NON_MOLESTATION, *, made=-100, expires=None, served=None, notified=None, protects=()
):
    made_order = Order.objects.create(
        case=case,
        perpetrator=case.perpetrator,
        kind=kind,
        made_on=days(made),
        expires_on=days(expires) if expires is not None else None,
        served_on=days(served) if served is not None else None,
        notified_on=days(notified) if notified is not None else None,
        created_by=case.case_manager,
    )
    made_order.protected_persons.set(protects)
    return made_order


def incident(case, links=(), *, on=0, created=None):
    made = Incident.objects.create(
        perpetrator=case.perpetrator,
        case=case,
        occurred_on=days(on),
        incident_type="crime",
        offence="common_assault",
        source="imported",
    )
    made.victim_links.set(links)
    if created is not None:
        Incident.objects.filter(pk=made.pk).update(created_at=created)
    return made


@pytest.mark.parametrize(
    ("expires", "kind", "trigger"),
    [
        (7, FlagKind.ORDER_EXPIRING, 0),
        (3, FlagKind.ORDER_EXPIRING, -4),
        (1, FlagKind.ORDER_EXPIRING, 0),
        (0, FlagKind.ORDER_EXPIRING, -1),
        (-1, FlagKind.ORDER_EXPIRED, 0),
    ],
)
def test_order_expiry_marks(world, expires, kind, trigger):
    case = make_case(world)
    made = order(case, expires=expires)
    jobs.rule_run("order_expiry", today=TODAY)
    flag = RiskFlag.objects.get(case=case)
    assert (flag.kind, flag.trigger_date, flag.subject_key) == (kind, days(trigger), f"order:{made.pk}")


def test_order_expiring_later_or_long_expired_is_not_flagged(world):
    case = make_case(world)
    order(case, expires=8)
    order(case, made=-200, expires=-30)
    assert jobs.rule_run("order_expiry", today=TODAY) == 0


def test_dvpn_raises_a_hearing_flag_for_48_hours(world):
    case = make_case(world)
    order(case, OrderKind.DVPN, made=-1, expires=1)
    jobs.rule_run("dvpn", today=TODAY)
    flag = RiskFlag.objects.get(kind=FlagKind.DVPN_HEARING)
    assert flag.trigger_date == days(-1) and "DVPO hearing due by" in flag.title
    assert jobs.rule_run("dvpn", today=days(3)) == 0


def test_dapo_notification_overdue_after_3_days_unless_notified(world):
    case = make_case(world)
    overdue = order(case, OrderKind.DAPO, made=-6, served=-5)
    order(case, OrderKind.DAPO, made=-6, served=-5, notified=-4)
    order(case, OrderKind.DAPO, made=-3)
    jobs.rule_run("dapo_notification", today=TODAY)
    flag = RiskFlag.objects.get(kind=FlagKind.DAPO_NOTIFICATION)
    assert flag.subject_key == f"order:{overdue.pk}" and flag.trigger_date == days(-1)


def test_breach_flags_case_side_and_each_protected_persons_idva(world):
    case = make_case(world)
    link = make_victim(world, case)
    protecting = order(case, protects=[link], expires=100)
    breach = OrderBreach.objects.create(
        order=protecting,
        occurred_on=days(-1),
        description=f"Went to {link.victim.first_name}'s house",
        created_by=case.case_manager,
    )
    flags.flags_after_breach(breach.pk, today=TODAY)
    manager_text = received_text(world.user("casemanager", "north"))
    assert "breach of Non-molestation order" in manager_text
    assert_no_victim_name(manager_text)
    assert "Went to" not in manager_text, "breach description copied into a flag"
    idva_flags = received(world.user("idva", "north"))
    assert [f.kind for f in idva_flags] == [FlagKind.ORDER_BREACH]
    assert idva_flags[0].audience == FlagAudience.VICTIM and "Alana Wrenfield" in idva_flags[0].title


def test_new_incident_flags_case_manager_and_linked_victims_idva(world):
    case = make_case(world)
    link = make_victim(world, case)
    made = incident(case, [link], on=-1)
    flags.flags_after_incident(made.pk, today=TODAY)
    manager_text = received_text(world.user("casemanager", "north"))
    assert "new incident" in manager_text and "Ex-partner, victim 2" in manager_text
    assert_no_victim_name(manager_text)
    assert_no_victim_details(manager_text)
    idva_text = received_text(world.user("idva", "north"))
    assert "Alana Wrenfield: new incident with Darren Colbeck" in idva_text
    assert_no_victim_details(idva_text)
    assert received(world.user("idva", "south")) == []
    assert received(world.user("coordinator", "north")) == []  # no MARAC referral: no repeat


def test_incident_scan_catches_an_incident_whose_job_was_lost(world):
    case = make_case(world)
    link = make_victim(world, case)
    incident(case, [link], on=-2)
    jobs.scan_incidents(today=datetime.date.today())
    assert RiskFlag.objects.filter(kind=FlagKind.INCIDENT).count() == 2  # case side and victim side


def test_incident_within_12_months_of_marac_referral_is_a_repeat_for_the_coordinator(world):
    case = make_case(world)
    link = make_victim(world, case)
    panel = Panel.objects.create(
        name="Northshire MARAC",
        kind=Panel.Kind.MARAC,
        area=world.areas["north"],
        coordinator_team=world.team("marac", "north"),
    )
    MaracReferral.objects.create(
        panel=panel,
        victim=link.victim,
        perpetrator=case.perpetrator,
        referred_on=days(-200),
        reason="dash_threshold",
        referred_by=world.user("idva", "north"),
    )
    recent = incident(case, [link], on=-1)
    flags.flags_after_incident(recent.pk, today=TODAY)
    coordinator = received(world.user("coordinator", "north"))
    assert [f.kind for f in coordinator] == [FlagKind.REPEAT_MARAC]
    assert link.victim.reference in coordinator[0].title
    assert_no_victim_name(received_text(world.user("coordinator", "north")))
    assert_no_victim_details(received_text(world.user("coordinator", "north")))
    assert received(world.user("coordinator", "south")) == []


def test_incident_more_than_12_months_after_marac_referral_is_not_a_repeat(world):
    case = make_case(world)
    link = make_victim(world, case)
    panel = Panel.objects.create(
        name="Northshire MARAC",
        kind=Panel.Kind.MARAC,
        area=world.areas["north"],
        coordinator_team=world.team("marac", "north"),
    )
    MaracReferral.objects.create(
        panel=panel,
        victim=link.victim,
        referred_on=days(-400),
        reason="dash_threshold",
        referred_by=world.user("idva", "north"),
    )
    flags.flags_after_incident(incident(case, [link], on=-1).pk, today=TODAY)
    assert not RiskFlag.objects.filter(kind=FlagKind.REPEAT_MARAC).exists()


def test_third_incident_in_12_months_raises_escalation_to_the_idva(world):
    case = make_case(world)
    link = make_victim(world, case)
    incident(case, [link], on=-300)
    second = incident(case, [link], on=-100)
    flags.flags_after_incident(second.pk, today=TODAY)
    assert not RiskFlag.objects.filter(kind=FlagKind.ESCALATION).exists()
    third = incident(case, [link], on=-1)
    flags.flags_after_incident(third.pk, today=TODAY)
    escalation = RiskFlag.objects.get(kind=FlagKind.ESCALATION)
    assert escalation.audience == FlagAudience.VICTIM and "3 incidents in 12 months" in escalation.title
    assert [c.user for c in escalation.recipients.all()] == [world.user("idva", "north")]
