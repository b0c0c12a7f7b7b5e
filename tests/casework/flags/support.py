"""Building blocks for the risk-flag tests: a case, a linked victim with a restricted address,
and readers that gather what each person received. Dates are built from a fixed TODAY."""

from __future__ import annotations

import datetime

from casework.models import Case, FlagRecipient, Perpetrator, RiskFlag
from victims.models import Victim, VictimAddress, VictimLink

TODAY = datetime.date(2026, 3, 11)  # a Wednesday
VICTIM_FIRST, VICTIM_LAST = "Alana", "Wrenfield"
VICTIM_POSTCODE = "ZZ9 9ZZ"
VICTIM_STREET = "7 Hidden Lane"


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def make_case(world, area: str = "north", *, manager: str = "casemanager", supervisor: bool = True) -> Case:
    perpetrator = Perpetrator.objects.create(
        first_name="Darren",
        last_name="Colbeck",
        area=world.areas[area],
        date_of_birth=datetime.date(1980, 1, 2),
    )
    return Case.objects.create(
        perpetrator=perpetrator,
        team=world.team("case_management", area),
        case_manager=world.user(manager, area),
        supervisor=world.user("supervisor", area) if supervisor else None,
        phase=Case.Phase.ACTIVE,
        opened_on=days(-300),
    )


def make_victim(
    world,
    case: Case,
    area: str = "north",
    *,
    idva: str | None = "idva",
    first=VICTIM_FIRST,
    last=VICTIM_LAST,
    label=2,
) -> VictimLink:
    victim = Victim.objects.create(
        team=world.team("idva", area),
        idva=world.user(idva, area) if idva else None,
        first_name=first,
        last_name=last,
        area=world.areas[area],
        support_status=Victim.SupportStatus.ENGAGED,
    )
    VictimAddress.objects.create(
        victim=victim, line_1=VICTIM_STREET, town="Northtown", postcode=VICTIM_POSTCODE
    )
    return VictimLink.objects.create(
        victim=victim,
        perpetrator=case.perpetrator,
        relationship=VictimLink.Relationship.EX_PARTNER,
        label_number=label,
    )


def flag_text(flag: RiskFlag) -> str:
    return " ".join([flag.title, flag.why, flag.todo, flag.url, flag.subject_key])


def received(user) -> list[RiskFlag]:
    return [
        copy.flag for copy in FlagRecipient.objects.filter(user=user).select_related("flag").order_by("id")
    ]


def received_text(user) -> str:
    return "\n".join(flag_text(flag) for flag in received(user))


def assert_no_victim_details(text: str) -> None:
    assert VICTIM_POSTCODE not in text, "victim postcode leaked"
    assert VICTIM_STREET not in text, "victim address leaked"


def assert_no_victim_name(text: str) -> None:
    assert VICTIM_FIRST not in text and VICTIM_LAST not in text, (
        "victim name leaked to the perpetrator's side"
    )
