"""A small hand-built dataset for the reports, with every figure worked by hand in the tests.

All dates are relative to today and fall inside the "Last 12 months" period ("12m"), except
the records that exist to prove they are left out. The names are unusual on purpose: the leak
tests assert that none of them ever reaches a report.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Team
from casework import services_legal
from casework.models import (
    Attendance,
    BehaviourType,
    Case,
    CaseClosure,
    CaseSession,
    ClosureReason,
    FlagRecipient,
    NeedDomain,
    OutcomeMeasure,
    Perpetrator,
    RfgModel,
    RfgScore,
    RiskFlag,
    RiskLevel,
    SupportGoal,
)
from panels.models import AgendaItem, MaracReferral, Meeting, Panel
from referrals.models import Pathway, Referral, ReferralTargetRatio, ServiceTarget
from reports import demo as reports_demo
from victims.models import Child, Victim, VictimLink, VictimOutcome

NAMES = [
    "Quillon",
    "Brackenbury",
    "Ottoline",
    "Fennimore",
    "Zebulon",
    "Thistlewood",
    "Marigold",
    "Applethwaite",
    "Peregrine",
    "Wolstenholme",
    "Saffron",
    "Cattermole",
]


@dataclass
class Dataset:
    today: datetime.date
    cases: dict[str, Case] = field(default_factory=dict)
    victims: dict[str, Victim] = field(default_factory=dict)
    perpetrator_names: list[str] = field(default_factory=list)
    victim_names: list[str] = field(default_factory=list)


def days(today: datetime.date, n: int) -> datetime.date:
    return today + datetime.timedelta(days=n)


def years_ago(today: datetime.date, n: int) -> datetime.date:
    return today.replace(year=today.year - n, day=min(today.day, 28))


@pytest.fixture
def dataset(world) -> Dataset:
    today = timezone.localdate()
    data = Dataset(today=today)
    north, south = world.areas["north"], world.areas["south"]
    team = world.team("case_management", "north")
    idva_team = world.team("idva", "north")
    worker = world.user("casemanager", "north")  # Casey Manager (Northshire)
    worker2 = world.user("casemanager2", "north")  # Kit Colleague (Northshire)
    idva = world.user("idva", "north")
    reports_demo.seed_reference_data(world)

    counter = iter(range(1000))

    def perpetrator(ethnicity="white_british", area=north, dob=None, gender="male"):
        n = next(counter)
        first, last = f"Quillon{n}", f"Brackenbury{n}"
        data.perpetrator_names += [first, last]
        return Perpetrator.objects.create(
            first_name=first,
            last_name=last,
            area=area,
            ethnicity=ethnicity,
            gender=gender,
            date_of_birth=dob or years_ago(today, 30),
        )

    def case(key, *, closed=None, team=team, ethnicity="white_british", **kwargs):
        person = perpetrator(ethnicity=ethnicity, area=team.area)
        opened = kwargs.pop("opened_on", days(today, -300))
        phase = Case.Phase.CLOSED if closed else kwargs.pop("phase", Case.Phase.ACTIVE)
        made = Case.objects.create(
            perpetrator=person, team=team, opened_on=opened, closed_on=closed, phase=phase, **kwargs
        )
        data.cases[key] = made
        return made

    def outcome(case_, behaviour, intake, exit_):
        for point, frequency in (
            (OutcomeMeasure.TimePoint.INTAKE, intake),
            (OutcomeMeasure.TimePoint.EXIT, exit_),
        ):
            if frequency is not None:
                OutcomeMeasure.objects.create(
                    case=case_, behaviour=behaviour, time_point=point, frequency=frequency, recorded_by=worker
                )

    closed_on = days(today, -20)
    # Closed in the period: C1-C6. Ethnicity: C1-C4 White British, C5-C6 Asian Indian.
    for key, eth in (("C1", "white_british"), ("C2", "white_british"), ("C3", "white_british")):
        case(key, closed=closed_on, ethnicity=eth, case_manager=worker)
    case("C4", closed=closed_on, ethnicity="white_british", case_manager=worker)
    case("C5", closed=closed_on, ethnicity="asian_indian", case_manager=worker)
    case("C6", closed=closed_on, ethnicity="asian_indian", case_manager=worker)
    # Closed before the period (left out) and closed in the south (left out of north reports).
    case("C7", closed=days(today, -500), opened_on=days(today, -700), ethnicity="white_british")
    case("C8", closed=closed_on, team=world.team("case_management", "south"), ethnicity="white_british")
    # Open: O1-O4.
    case(
        "O1",
        case_manager=worker,
        risk_level=RiskLevel.HIGH,
        phase=Case.Phase.ACTIVE,
        next_review_date=days(today, -5),
        ethnicity="black_african",
    )
    case(
        "O2",
        case_manager=worker,
        risk_level=RiskLevel.MEDIUM,
        phase=Case.Phase.ASSESSMENT,
        next_review_date=days(today, 7),
        ethnicity="white_british",
    )
    case(
        "O3",
        case_manager=worker2,
        risk_level=RiskLevel.VERY_HIGH,
        phase=Case.Phase.ACTIVE,
        ethnicity="white_british",
    )
    case(
        "O4",
        risk_level=RiskLevel.STANDARD,
        phase=Case.Phase.REFERRAL,
        next_review_date=days(today, -1),
        ethnicity="prefer_not",
    )
    c = data.cases

    # Physical abuse: C1 3→0 stopped, C2 4→2 reduced, C3 2→2 same, C4 1→3 increased, C5 3→1 reduced,
    # C6 0→0 not happening at intake. Sexual abuse: C1 2→0 stopped. C7 and C8 4→0 (left out).
    outcome(c["C1"], BehaviourType.PHYSICAL, 3, 0)
    outcome(c["C2"], BehaviourType.PHYSICAL, 4, 2)
    outcome(c["C3"], BehaviourType.PHYSICAL, 2, 2)
    outcome(c["C4"], BehaviourType.PHYSICAL, 1, 3)
    outcome(c["C5"], BehaviourType.PHYSICAL, 3, 1)
    outcome(c["C6"], BehaviourType.PHYSICAL, 0, 0)
    outcome(c["C1"], BehaviourType.SEXUAL, 2, 0)
    outcome(c["C7"], BehaviourType.PHYSICAL, 4, 0)
    outcome(c["C8"], BehaviourType.PHYSICAL, 4, 0)
    # Jealous and controlling: C2 intake only (no exit): left out.
    outcome(c["C2"], BehaviourType.JEALOUS_CONTROLLING, 3, None)

    # RFG: C1 20→10, C2 30→35, C3 10→4; C4 entry only (left out).
    model = RfgModel.objects.create(version=901, name="Test model")
    for key, entry, exit_ in (("C1", 20, 10), ("C2", 30, 35), ("C3", 10, 4), ("C4", 25, None)):
        RfgScore.objects.create(
            case=c[key], model=model, kind="entry", score=Decimal(entry), explanation="-", as_of=today
        )
        if exit_ is not None:
            RfgScore.objects.create(
                case=c[key], model=model, kind="exit", score=Decimal(exit_), explanation="-", as_of=today
            )

    # Closures: C1-C3 completed, C4 disengaged, C5 custody (after an earlier approved "moved area"
    # closure that was reopened: the latest counts), C6 none recorded.
    now = timezone.now()
    for key, reason in (("C1", "completed"), ("C2", "completed"), ("C3", "completed"), ("C4", "disengaged")):
        CaseClosure.objects.create(
            case=c[key], reason=reason, summary="-", requested_by=worker, decision="approved", decided_at=now
        )
    CaseClosure.objects.create(
        case=c["C5"],
        reason=ClosureReason.MOVED_AREA,
        summary="-",
        requested_by=worker,
        decision="approved",
        decided_at=now - datetime.timedelta(days=60),
    )
    CaseClosure.objects.create(
        case=c["C5"],
        reason=ClosureReason.CUSTODY,
        summary="-",
        requested_by=worker,
        decision="approved",
        decided_at=now,
    )

    # Sessions: O1 3 attended + 1 DNA (+ 1 liaison, not offered); O2 1 attended, 1 cancelled by
    # the person, 1 cancelled by the service (not offered). One session before the period (left out).
    def session(case_, attendance, kind=CaseSession.Kind.ONE_TO_ONE, held=-10):
        CaseSession.objects.create(
            case=case_, kind=kind, held_on=days(today, held), attendance=attendance, recorded_by=worker
        )

    for _ in range(3):
        session(c["O1"], Attendance.ATTENDED)
    session(c["O1"], Attendance.DID_NOT_ATTEND)
    session(c["O1"], Attendance.ATTENDED, kind=CaseSession.Kind.LIAISON)
    session(c["O2"], Attendance.ATTENDED)
    session(c["O2"], Attendance.CANCELLED_BY_PERSON)
    session(c["O2"], Attendance.CANCELLED_BY_SERVICE)
    session(c["O2"], Attendance.ATTENDED, held=-600)

    # Needs: O1 housing + mental health + substance misuse (3); O2 housing twice + finance (2 distinct);
    # C1 housing. A deleted goal on O2 (employment) does not count.
    for key, need in (
        ("O1", NeedDomain.HOUSING),
        ("O1", NeedDomain.MENTAL_HEALTH),
        ("O1", NeedDomain.SUBSTANCE_MISUSE),
        ("O2", NeedDomain.HOUSING),
        ("O2", NeedDomain.HOUSING),
        ("O2", NeedDomain.FINANCE),
        ("C1", NeedDomain.HOUSING),
    ):
        SupportGoal.objects.create(case=c[key], need_domain=need, goal="-", created_by=worker)
    SupportGoal.objects.create(
        case=c["O2"], need_domain=NeedDomain.EMPLOYMENT, goal="-", created_by=worker, deleted_at=now
    )

    # Flags: one open on O1, one acknowledged on O2.
    open_flag = RiskFlag.objects.create(
        kind="incident", subject_key="t:1", trigger_date=today, case=c["O1"], title="-", why="-", todo="-"
    )
    FlagRecipient.objects.create(flag=open_flag, user=worker, team=team, reason="-")
    done = RiskFlag.objects.create(
        kind="missed_sessions",
        subject_key="t:2",
        trigger_date=today,
        case=c["O2"],
        title="-",
        why="-",
        todo="-",
    )
    FlagRecipient.objects.create(flag=done, user=worker, team=team, reason="-", acknowledged_at=now)

    # Referrals to the north team in the period.
    ServiceTarget.objects.update_or_create(team=team, defaults={"first_contact_working_days": 5})
    ReferralTargetRatio.objects.filter(team=team).delete()
    ReferralTargetRatio.objects.create(
        team=team, pathway=Pathway.CHILDRENS_SOCIAL_CARE, target_percent=Decimal("60")
    )
    ReferralTargetRatio.objects.create(team=team, pathway=Pathway.SELF_REFERRAL, target_percent=Decimal("40"))

    def referral(pathway, status, received, due, contact=None):
        n = next(counter)
        data.perpetrator_names.append(f"Ottoline{n}")
        return Referral.objects.create(
            team=team,
            area=north,
            pathway=pathway,
            status=status,
            received_on=days(today, received),
            first_contact_due_on=days(today, due) if due is not None else None,
            first_contact_on=days(today, contact) if contact is not None else None,
            first_name=f"Ottoline{n}",
            last_name="Fennimore",
            created_by=worker,
        )

    status = Referral.Status
    referral(Pathway.POLICE, status.ACCEPTED, -30, -25, -27)  # on time, 3 days
    referral(Pathway.POLICE, status.DECLINED, -25, -20)  # no contact, overdue
    referral(Pathway.SELF_REFERRAL, status.SIGNPOSTED, -30, -25, -22)  # late, 8 days
    referral(Pathway.CHILDRENS_SOCIAL_CARE, status.NEW, -2, 3)  # waiting, not yet due
    referral(Pathway.POLICE, status.DRAFT, -2, None)  # a draft: left out
    data.perpetrator_names.append("Fennimore")

    # Victims, linked to the closed cases' perpetrators. IDVA risk: V1 high→medium (fell),
    # V2 very high→standard (fell), V3 medium→medium (same), V4 standard→high (rose), V5 exit only.
    def victim(key, linked_case, **kwargs):
        n = next(counter)
        first, last = f"Marigold{n}", f"Applethwaite{n}"
        data.victim_names += [first, last]
        made = Victim.objects.create(
            team=idva_team, idva=idva, first_name=first, last_name=last, area=north, **kwargs
        )
        VictimLink.objects.create(
            victim=made, perpetrator=linked_case.perpetrator, relationship="ex_partner", label_number=1
        )
        data.victims[key] = made
        return made

    v1 = victim("V1", c["C1"], ethnicity="white_british", gender="female", disability="yes")
    v2 = victim("V2", c["C2"], ethnicity="asian_pakistani", gender="male", sexuality="bisexual")
    v3 = victim("V3", c["C3"], ethnicity="black_caribbean", gender="female", sexuality="gay_lesbian")
    v4 = victim("V4", c["C4"], ethnicity="white_british", gender="female")
    v5 = victim("V5", c["C5"], ethnicity="white_british", gender="female")

    def victim_outcome(v, stage, risk):
        VictimOutcome.objects.create(
            victim=v,
            stage=stage,
            physical_abuse="yes",
            sexual_abuse="no",
            harassment_stalking="no",
            jealous_controlling="yes",
            idva_risk=risk,
            space_for_action=3,
            recorded_by=idva,
            recorded_on=days(today, -15),
        )

    for v, intake, exit_ in (
        (v1, "high", "medium"),
        (v2, "very_high", "standard"),
        (v3, "medium", "medium"),
        (v4, "standard", "high"),
    ):
        victim_outcome(v, "intake", intake)
        victim_outcome(v, "exit", exit_)
    victim_outcome(v5, "exit", "standard")

    # Children: V1 two, V2 one.
    for v, count in ((v1, 2), (v2, 1)):
        for i in range(count):
            Child.objects.create(victim=v, first_name=f"Saffron{v.pk}{i}", last_name="Cattermole")
    data.victim_names += ["Saffron", "Cattermole"]

    # MARAC: one meeting held in the period (4 items), one in the future and one cancelled (left out).
    panel = Panel.objects.create(
        name="Test MARAC", kind=Panel.Kind.MARAC, area=north, coordinator_team=world.team("marac", "north")
    )
    held = Meeting.objects.create(panel=panel, scheduled_for=now - datetime.timedelta(days=15), status="held")
    future = Meeting.objects.create(panel=panel, scheduled_for=now + datetime.timedelta(days=10))
    cancelled = Meeting.objects.create(
        panel=panel, scheduled_for=now - datetime.timedelta(days=16), status=Meeting.Status.CANCELLED
    )
    young = perpetrator(dob=years_ago(today, 17))
    adult = c["C1"].perpetrator

    def item(meeting, order, reason, *, victim=None, case_=None):
        return AgendaItem.objects.create(
            meeting=meeting,
            order=order,
            reason=reason,
            victim=victim,
            case=case_,
            slot_start=datetime.time(9, 0),
        )

    i1 = item(held, 1, "new", victim=v1)
    i2 = item(held, 2, "repeat", victim=v2)
    item(held, 3, "repeat", victim=v3)
    item(held, 4, "new", case_=c["O1"])
    item(future, 1, "repeat", victim=v4)
    item(cancelled, 1, "repeat", victim=v4)
    MaracReferral.objects.create(
        panel=panel,
        victim=v1,
        perpetrator=adult,
        referred_on=days(today, -20),
        reason="dash_threshold",
        agenda_item=i1,
        referred_by=idva,
    )
    MaracReferral.objects.create(
        panel=panel,
        victim=v2,
        perpetrator=young,
        referred_on=days(today, -20),
        reason="professional_judgement",
        agenda_item=i2,
        referred_by=world.user("police", "north"),
    )
    # South: a perpetrator the north reports must never count.
    perpetrator(area=south)
    assert Team.objects.filter(pk=team.pk).exists()
    return data


@pytest.fixture
def demo_world(world):
    """The reports demo on the personas, with the MARAC panels and scoring model it builds on."""
    services_legal.rfg_model_seed_default(actor=world.users["admin"])
    for code in ("north", "south"):
        Panel.objects.create(
            name=f"{world.areas[code].name} MARAC",
            kind=Panel.Kind.MARAC,
            area=world.areas[code],
            coordinator_team=world.team("marac", code),
        )
    reports_demo.seed(world)
    return world
