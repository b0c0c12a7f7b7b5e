"""factory_boy factories for the core records, made through the real services.

Every factory takes an `area` code ("north" or "south", the demo personas' areas: use the
`world` fixture first) and keeps what it builds in that area: a case's perpetrator, team and
case manager; a victim's IDVA team, IDVA and link to the case's perpetrator; an order's
protected people (victims linked to the same perpetrator); a panel's coordinating team and
chair. Records are created by the services the pages use (`_create`), so audit events, checks
and the same-worker rule apply exactly as in production.

    case = CaseFactory(area="south", risk_level="high")
    victim = VictimFactory(perpetrator=case.perpetrator)      # same area, linked, allocated
    order = OrderFactory(case=case, protected=[victim])
    meeting = MeetingFactory(area="south")
    referral = ReferralFactory(area="south")                   # accepted and allocated: .case
"""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from accounts.demo import TEAMS, demo_email
from accounts.models import Area, Team, User
from casework import services as casework_services
from casework import services_legal
from casework.models import Case, Order, Perpetrator
from panels import services as panel_services
from panels.models import Meeting, Panel
from referrals import services as referral_services
from referrals.models import Referral
from victims import services as victim_services
from victims.models import Victim


def persona(login: str, area: str) -> User:
    """The demo user for `login` in `area` (seeded by the `world` fixture)."""
    return User.objects.get(email=demo_email(login, area))


def area_of(code: str) -> Area:
    return Area.objects.get(code=code)


def team_of(key: str, code: str) -> Team:
    """The area's demo team `key` (accounts.demo.TEAMS: "case_management", "idva", "marac"...)."""
    area = area_of(code)
    return Team.objects.get(area=area, name=f"{area.name} {TEAMS[key][2]}")


class PerpetratorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Perpetrator

    area = "north"
    actor_login = "supervisor"

    first_name = "Darren"
    last_name = "Holt"

    @classmethod
    def _create(cls, model_class, *, area, actor_login, **fields):
        return casework_services.perpetrator_create(
            actor=persona(actor_login, area), area=area_of(area), **fields
        )


class CaseFactory(factory.django.DjangoModelFactory):
    """An open case of the area's case-management team; `manager=None` leaves it unallocated.
    Other model fields (risk_level, next_review_date...) are set after the case is opened."""

    class Meta:
        model = Case

    area = "north"
    opened_by = "supervisor"
    manager = "casemanager"
    supervised = True
    first_name = "Darren"
    last_name = "Holt"

    perpetrator = factory.SubFactory(
        PerpetratorFactory,
        area=factory.SelfAttribute("..area"),
        actor_login=factory.SelfAttribute("..opened_by"),
        first_name=factory.SelfAttribute("..first_name"),
        last_name=factory.SelfAttribute("..last_name"),
    )

    @classmethod
    def _create(
        cls,
        model_class,
        *,
        area,
        opened_by,
        manager,
        supervised,
        first_name,
        last_name,
        perpetrator,
        **fields,
    ):
        if perpetrator.area.code != area:
            raise ValueError(f"A case in {area} needs a perpetrator in {area}, not {perpetrator.area.code}.")
        case = casework_services.case_open(
            actor=persona(opened_by, area),
            perpetrator=perpetrator,
            team=team_of("case_management", area),
            case_manager=persona(manager, area) if manager else None,
            supervisor=persona("supervisor", area) if supervised else None,
        )
        if fields:
            Case.objects.filter(pk=case.pk).update(**fields)
            case.refresh_from_db()
        return case


class VictimFactory(factory.django.DjangoModelFactory):
    """A victim-survivor of the area's IDVA team, linked to `perpetrator` (a new case's
    perpetrator in the same area unless given; `perpetrator=None` for no link) and allocated to
    the area's IDVA (`allocated=False` leaves her unallocated)."""

    class Meta:
        model = Victim

    area = None  # the perpetrator's area when he is given, else "north"
    allocated = True
    relationship = "ex_partner"

    perpetrator = factory.LazyAttribute(lambda o: CaseFactory(area=o.area or "north").perpetrator)
    first_name = "Vicky"
    last_name = "Survivor"

    @classmethod
    def _create(cls, model_class, *, area, allocated, relationship, perpetrator, **fields):
        area = area or (perpetrator.area.code if perpetrator is not None else "north")
        if perpetrator is not None and perpetrator.area.code != area:
            raise ValueError(
                f"A victim in {area} cannot be linked to a perpetrator in {perpetrator.area.code}."
            )
        victim = victim_services.victim_create(
            actor=persona("idva", area),
            team=team_of("idva", area),
            perpetrator=perpetrator,
            relationship=relationship,
            **fields,
        )
        if allocated:
            victim_services.victim_allocate(
                actor=persona("idvamanager", area), victim=victim, idva=persona("idva", area)
            )
        return victim


class OrderFactory(factory.django.DjangoModelFactory):
    """An order on `case`, protecting `protected` victims (each linked to the case's
    perpetrator: the service refuses anyone else). By default one new victim linked to him."""

    class Meta:
        model = Order

    protected = factory.LazyAttribute(lambda o: [VictimFactory(perpetrator=o.case.perpetrator)])

    case = factory.SubFactory(CaseFactory)
    kind = "restraining"
    made_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=335))

    @classmethod
    def _create(cls, model_class, *, case, protected, **fields):
        # Each victim's link to this perpetrator; failing that her first link, which the service
        # refuses (protected people must be linked to the order's perpetrator).
        links = [
            victim.links.filter(perpetrator=case.perpetrator).first() or victim.links.first()
            for victim in protected
        ]
        return services_legal.order_create(
            actor=case.case_manager or persona("supervisor", case.team.area.code),
            case=case,
            protected_persons=links,
            **fields,
        )


class PanelFactory(factory.django.DjangoModelFactory):
    """A panel of the area, run by its MARAC coordinating team and chaired by its chair."""

    class Meta:
        model = Panel

    class Params:
        area_code = "north"

    kind = Panel.Kind.MARAC
    name = factory.Sequence(lambda n: f"Test panel {n}")
    area = factory.LazyAttribute(lambda o: area_of(o.area_code))
    coordinator_team = factory.LazyAttribute(lambda o: team_of("marac", o.area_code))
    chair = factory.LazyAttribute(lambda o: persona("chair", o.area_code))


class MeetingFactory(factory.django.DjangoModelFactory):
    """A meeting of a panel in the area, a week ahead, scheduled by its coordinator."""

    class Meta:
        model = Meeting

    area = "north"

    panel = factory.SubFactory(PanelFactory, area_code=factory.SelfAttribute("..area"))
    scheduled_for = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    venue = ""

    @classmethod
    def _create(cls, model_class, *, area, panel, **fields):
        if panel.area.code != area:
            raise ValueError(f"A meeting in {area} needs a panel in {area}.")
        return panel_services.meeting_schedule(panel=panel, actor=persona("coordinator", area), **fields)


class ReferralFactory(factory.django.DjangoModelFactory):
    """A referral to the area's case-management team, submitted, accepted and allocated by the
    referral services: `referral.case` is the perpetrator's case in the same team and area.
    `victims`: the named victims (referrals.services.NamedVictimEntry); by default one, with
    no restricted details."""

    class Meta:
        model = Referral

    area = "north"
    victims = factory.LazyFunction(
        lambda: [
            referral_services.NamedVictimEntry(
                safe={"first_name": "Leah", "last_name": "Marsh", "relationship": "partner"}
            )
        ]
    )
    perpetrator = None
    case_manager = "casemanager"  # a persona's login, or a user
    fields = factory.LazyFunction(dict)  # overrides of tests.referrals.conftest.referral_fields

    @classmethod
    def _create(cls, model_class, *, area, victims, perpetrator, case_manager, fields):
        from tests.referrals.conftest import referral_fields

        manager = persona("casemanager", area)
        referral = referral_services.referral_save(
            actor=manager,
            team=team_of("case_management", area),
            fields=referral_fields(**fields),
            victims=victims,
            submit=True,
        )
        referral_services.referral_person_decide(referral=referral, actor=manager, perpetrator=perpetrator)
        referral_services.referral_screen(
            referral=referral, actor=manager, answers={}, outcome=referral_services.Outcome.ACCEPT
        )
        referral_services.referral_allocate(
            referral=referral,
            actor=persona("supervisor", area),
            case_manager=persona(case_manager, area) if isinstance(case_manager, str) else case_manager,
            intervention_type="intensive",
        )
        referral.refresh_from_db()
        return referral
