"""Demo orders, custody, incidents and RFG scores (see casework/demo.py). All people are invented.

North: a serial perpetrator with three victims, incidents over three years, a DVPN and DVPO,
a DAPO with its notification, a restraining order about to expire (with a breach), and a second
person in custody due out in about three weeks. South: a smaller case with a DAPO whose
notification is overdue and a release followed by a recall.

Idempotent: each demo person is found by name and date of birth; if they exist, they are left
as they are.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from casework import services, services_legal
from casework.models import (
    Case,
    CustodyEvent,
    IncidentType,
    Offence,
    OrderCondition,
    OrderKind,
    Perpetrator,
    PerpetratorIdentifier,
    RiskLevel,
)


def _days(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def _in(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def _person(world, area: str, first: str, last: str, dob: datetime.date, **details):
    """(perpetrator, case, created): the demo person and their open case, made if missing."""
    existing = Perpetrator.objects.filter(first_name=first, last_name=last, date_of_birth=dob).first()
    if existing is not None:
        return existing, existing.cases.first(), False
    manager = world.user("casemanager", area)
    perpetrator = services.perpetrator_create(
        actor=manager, area=world.areas[area], first_name=first, last_name=last, date_of_birth=dob, **details
    )
    case = services.case_open(
        actor=manager,
        perpetrator=perpetrator,
        team=world.team("case_management", area),
        case_manager=manager,
        risk_level=RiskLevel.HIGH,
    )
    # The demo case has been open a while, so its entry score predates today's.
    Case.objects.filter(pk=case.pk).update(opened_on=_days(200), phase=Case.Phase.ACTIVE)
    case.refresh_from_db()
    return perpetrator, case, True


def _victims(world, area: str, perpetrator, people: list[tuple[str, str, str]]):
    from victims.services import victim_create

    idva = world.user("idva", area)
    for first, last, relationship in people:
        victim_create(
            actor=idva,
            team=world.team("idva", area),
            first_name=first,
            last_name=last,
            perpetrator=perpetrator,
            relationship=relationship,
        )
    return {link.label_number: link for link in perpetrator.victim_links.all()}


def _incidents(actor, perpetrator, case, rows):
    for (force, number), days_ago, kind, offence, victims, children in rows:
        occurred_on = _days(days_ago)
        services_legal.incident_create(
            actor=actor,
            perpetrator=perpetrator,
            case=case,
            police_reference=f"{force}/{occurred_on.year}/{number}",
            occurred_on=occurred_on,
            incident_type=kind,
            offence=offence,
            is_domestic_abuse=True,
            victim_links=victims,
            children_present=bool(children),
            children_count=children or None,
            refresh_scores=False,
        )


def _scores(case, actor) -> None:
    # Entry as it stood when the case opened, then today's current score.
    services_legal.rfg_refresh_case(case=case, actor=actor, as_of=case.opened_on)
    services_legal.rfg_refresh_case(case=case, actor=actor)


def _north(world) -> None:
    manager = world.user("casemanager", "north")
    perpetrator, case, created = _person(
        world, "north", "Darren", "Hollis", datetime.date(1984, 3, 12), known_as="Daz"
    )
    if not created:
        return
    services.perpetrator_identifier_add(
        perpetrator=perpetrator, actor=manager, kind=PerpetratorIdentifier.Kind.PNC, value="12/345678A"
    )
    links = _victims(
        world,
        "north",
        perpetrator,
        [("Karen", "Mills", "ex_partner"), ("Sophie", "Tran", "ex_partner"), ("Leah", "Morgan", "partner")],
    )
    crime, breach = IncidentType.CRIME, IncidentType.BREACH
    _incidents(
        manager,
        perpetrator,
        case,
        [
            (("NS", "04411"), 1030, crime, Offence.COMMON_ASSAULT, [links[1]], 0),
            (("NS", "09120"), 900, crime, Offence.CRIMINAL_DAMAGE, [links[1]], 1),
            (("NS", "02277"), 700, crime, Offence.HARASSMENT, [links[1]], 0),
            (("NS", "11830"), 420, crime, Offence.ABH, [links[2]], 2),
            (("NS", "03315"), 300, crime, Offence.COERCIVE_CONTROL, [links[2]], 0),
            (("NS", "08802"), 150, breach, Offence.BREACH_OF_ORDER, [links[1]], 0),
            (("NS", "10460"), 60, crime, Offence.STRANGULATION, [links[3]], 1),
            (("NS", "11791"), 23, crime, Offence.COMMON_ASSAULT, [links[3]], 0),
        ],
    )
    restraining = services_legal.order_create(
        actor=manager,
        case=case,
        kind=OrderKind.RESTRAINING,
        court_or_issuer="Northshire Magistrates' Court",
        made_on=_days(718),
        served_on=_days(718),
        expires_on=_in(12),
        conditions=[OrderCondition.NO_CONTACT, OrderCondition.EXCLUSION_ZONE],
        conditions_detail="Not to contact victim 1 directly or indirectly; not to enter the exclusion zone "
        "marked on the order.",
        protected_persons=[links[1]],
    )
    services_legal.order_breach_record(
        actor=manager,
        order=restraining,
        occurred_on=_days(150),
        description="Sent messages through a friend's social media account.",
        action_taken="Arrested and charged with breach; bailed with no-contact condition.",
    )
    services_legal.order_create(
        actor=manager,
        case=case,
        kind=OrderKind.DVPN,
        court_or_issuer="Northshire Police",
        made_on=_days(23),
        served_on=_days(23),
        expires_on=_days(21),
        conditions=[OrderCondition.NO_CONTACT],
        protected_persons=[links[3]],
    )
    services_legal.order_create(
        actor=manager,
        case=case,
        kind=OrderKind.DVPO,
        court_or_issuer="Northshire Magistrates' Court",
        made_on=_days(21),
        served_on=_days(21),
        expires_on=_in(7),
        conditions=[OrderCondition.NO_CONTACT, OrderCondition.EXCLUSION_ZONE],
        conditions_detail="Not to attend the street named on the order.",
        protected_persons=[links[3]],
    )
    services_legal.order_create(
        actor=manager,
        case=case,
        kind=OrderKind.DAPO,
        court_or_issuer="Northshire Family Court",
        made_on=_days(12),
        served_on=_days(11),
        until_further_order=True,
        notified_on=_days(9),
        conditions=[
            OrderCondition.NO_CONTACT,
            OrderCondition.ELECTRONIC_MONITORING,
            OrderCondition.PROGRAMME_ATTENDANCE,
        ],
        conditions_detail="Electronic monitoring for 6 months; attend the behaviour-change programme.",
        protected_persons=[links[2], links[3]],
    )
    _scores(case, manager)

    # A second person, in custody and due for release in about three weeks.
    person, custody_case, created = _person(world, "north", "Wayne", "Fletcher", datetime.date(1979, 11, 2))
    if not created:
        return
    link = _victims(world, "north", person, [("Amira", "Collins", "ex_partner")])[1]
    _incidents(
        manager,
        person,
        custody_case,
        [
            (("NS", "06672"), 520, crime, Offence.GBH, [link], 1),
            (("NS", "03110"), 610, crime, Offence.ABH, [link], 1),
        ],
    )
    services_legal.custody_record_create(
        actor=manager,
        case=custody_case,
        establishment="HMP Northshire",
        sentence_date=_days(430),
        sentence_length="3 years",
        expected_release_on=_in(21),
        parole_eligibility_on=_days(30),
        licence_ends_on=_in(21 + 545),
    )
    services_legal.order_create(
        actor=manager,
        case=custody_case,
        kind=OrderKind.LICENCE,
        court_or_issuer="HM Prison and Probation Service",
        made_on=_days(5),
        expires_on=_in(21 + 545),
        conditions=[
            OrderCondition.NO_CONTACT,
            OrderCondition.EXCLUSION_ZONE,
            OrderCondition.PROGRAMME_ATTENDANCE,
        ],
        conditions_detail="Licence conditions set ahead of release: reside at approved premises.",
        protected_persons=[link],
    )
    _scores(custody_case, manager)


def _south(world) -> None:
    manager = world.user("casemanager", "south")
    perpetrator, case, created = _person(world, "south", "Gary", "Pearce", datetime.date(1990, 6, 25))
    if not created:
        return
    links = _victims(world, "south", perpetrator, [("Jodie", "Simmons", "ex_partner")])
    crime = IncidentType.CRIME
    _incidents(
        manager,
        perpetrator,
        case,
        [
            (("SV", "00871"), 640, crime, Offence.HARASSMENT, [links[1]], 0),
            (("SV", "05512"), 200, crime, Offence.STALKING, [links[1]], 0),
            (("SV", "11020"), 20, crime, Offence.THREATS_TO_KILL, [links[1]], 2),
        ],
    )
    services_legal.order_create(
        actor=manager,
        case=case,
        kind=OrderKind.DAPO,
        court_or_issuer="Southvale Magistrates' Court",
        made_on=_days(6),
        served_on=_days(6),
        expires_on=_in(359),
        conditions=[OrderCondition.NO_CONTACT],
        protected_persons=[links[1]],
    )
    custody = services_legal.custody_record_create(
        actor=manager,
        case=case,
        establishment="HMP Southvale",
        sentence_date=_days(600),
        sentence_length="18 months",
        licence_ends_on=_in(120),
    )
    services_legal.custody_event_record(
        actor=manager,
        custody=custody,
        kind=CustodyEvent.Kind.RELEASE,
        occurred_on=_days(330),
        reason="Automatic release at halfway point.",
    )
    services_legal.custody_event_record(
        actor=manager,
        custody=custody,
        kind=CustodyEvent.Kind.RECALL,
        occurred_on=_days(190),
        reason="Breach of licence: contact with the victim.",
    )
    custody.refresh_from_db()
    custody.expected_release_month = _in(70).replace(day=1)
    custody.save(update_fields=["expected_release_month", "updated_at"])
    _scores(case, manager)


@transaction.atomic
def seed(world) -> None:
    services_legal.rfg_model_seed_default(actor=world.users["admin"])
    _north(world)
    _south(world)
