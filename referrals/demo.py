"""Referral demo data: reference data for both areas and referrals in every state.

All people are invented; phone numbers are from Ofcom's drama ranges. Idempotent: reference
data is get-or-create, and an area's demo referrals are made only if its team has none yet.
Referrals are made through the services, so they carry audit events like real ones.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from casework.models import Case
from referrals import services
from referrals.models import (
    Pathway,
    Referral,
    ReferralTargetRatio,
    ScreeningCriterion,
    ServiceTarget,
    SignpostService,
)
from referrals.services import NamedVictimEntry, Outcome

CRITERIA = [
    # (kind, intervention type or "", question)
    ("eligibility", "", "Aged 18 or over"),
    ("eligibility", "", "Lives in, or is being released to, the service's area"),
    ("eligibility", "", "The abuse is towards a partner, ex-partner or family member"),
    ("eligibility", "intensive", "Assessed as high risk or high harm, or a serial perpetrator"),
    ("exclusion", "", "Already working with another perpetrator programme"),
    ("exclusion", "", "In custody with no release expected within 3 months"),
    ("exclusion", "group", "Mental health needs that would prevent taking part in a group"),
]

SIGNPOSTS = [
    (
        "{area} Men's Advice Line",
        "Confidential advice for men worried about their behaviour.",
        "0808 157 0101",
    ),
    ("{area} Drug and Alcohol Service", "Assessment and treatment for substance misuse.", "01632 960 410"),
    (
        "{area} Early Help Parenting",
        "Parenting support for families with children under 12.",
        "01632 960 520",
    ),
]

TARGETS = {
    "north": (5, {Pathway.CHILDRENS_SOCIAL_CARE: Decimal("60"), Pathway.SELF_REFERRAL: Decimal("40")}),
    "south": (
        3,
        {
            Pathway.POLICE: Decimal("50"),
            Pathway.PROBATION: Decimal("30"),
            Pathway.SELF_REFERRAL: Decimal("20"),
        },
    ),
}


def _reference_data(world, code: str) -> None:
    team = world.team("case_management", code)
    area = world.areas[code]
    days, ratios = TARGETS[code]
    ServiceTarget.objects.get_or_create(team=team, defaults={"first_contact_working_days": days})
    for pathway, percent in ratios.items():
        ReferralTargetRatio.objects.get_or_create(
            team=team, pathway=pathway, defaults={"target_percent": percent}
        )
    for order, (kind, intervention, question) in enumerate(CRITERIA, start=1):
        ScreeningCriterion.objects.get_or_create(
            team=team,
            question=question,
            intervention_type=intervention,
            defaults={"kind": kind, "order": order},
        )
    for name, description, contact in SIGNPOSTS:
        SignpostService.objects.get_or_create(
            area=area,
            name=name.format(area=area.name),
            defaults={"description": description, "contact": contact},
        )


def _fields(**overrides) -> dict:
    base = {
        "pathway": Pathway.POLICE,
        "received_on": timezone.localdate(),
        "referrer_name": "DC Morgan Hale",
        "referrer_organisation": "Police public protection unit",
        "referrer_role": "Detective constable",
        "referrer_phone": "01632 960 118",
        "referrer_email": "morgan.hale@police.example",
        "first_name": "",
        "last_name": "",
        "other_names": "",
        "date_of_birth": None,
        "gender": "male",
        "ethnicity": "",
        "first_language": "English",
        "interpreter_needed": False,
        "disability": "",
        "disability_details": "",
        "address_line_1": "",
        "address_line_2": "",
        "town": "",
        "postcode": "",
        "police_reference": "",
        "pnc_number": "",
        "prison_number": "",
        "concerns": "",
        "stated_risk_level": "medium",
        "intervention_type": Case.InterventionType.INTENSIVE,
        "legal_basis": "public_task",
        "consent": "not_sought",
        "consent_notes": "Asking him would raise the risk to his partner.",
    }
    return base | overrides


def _victim(
    first: str,
    last: str,
    relationship: str,
    children: int,
    *,
    address: str,
    phone: str,
    kids: str = "",
    born: datetime.date | None = None,
):
    return NamedVictimEntry(
        safe={
            "first_name": first,
            "last_name": last,
            "relationship": relationship,
            "children_count": children,
        },
        restricted={
            "date_of_birth": born,
            "address": address,
            "postcode": "ZZ99 3CZ",
            "phone": phone,
            "email": "",
            "safe_contact": "Weekday mornings only; do not leave voicemail",
            "children_details": kids,
        },
    )


def _working_days_ago(days: int) -> datetime.date:
    date = timezone.localdate()
    while days > 0:
        date -= datetime.timedelta(days=1)
        if date.weekday() < 5:
            days -= 1
    return date


def _criteria_answers(referral: Referral, *, failing: bool = False) -> dict[int, str]:
    from referrals.selectors import criteria_for

    answers = {}
    for criterion in criteria_for(referral):
        good = "yes" if criterion.kind == "eligibility" else "no"
        answers[criterion.pk] = good
    if failing:
        first_exclusion = next(c for c in criteria_for(referral) if c.kind == "exclusion")
        answers[first_exclusion.pk] = "yes"
    return answers


def _referrals(world, code: str) -> None:
    team = world.team("case_management", code)
    area = world.areas[code]
    if Referral.all_objects.filter(team=team).exists():
        return
    casemanager = world.user("casemanager", code)
    supervisor = world.user("supervisor", code)
    police = world.user("police", code)
    social = world.user("socialcare", code)
    coordinator = world.user("coordinator", code)
    north = code == "north"
    surname = "Whitfield" if north else "Okonkwo"

    def save(actor, submit=True, victims=(), **fields):
        return services.referral_save(
            actor=actor, team=team, fields=_fields(**fields), victims=list(victims), submit=submit
        )

    # Draft: the police representative has started but not finished.
    save(
        police,
        submit=False,
        first_name="Ryan",
        last_name="Castell" if north else "Maddox",
        concerns="Second call-out this month; notes to follow.",
    )

    # Accepted and allocated into a new case: its named victim waits in the area IDVA team's
    # "To pick up" queue (victims app), with the referral-stage details only that team can read.
    accepted = save(
        police,
        pathway=Pathway.POLICE,
        received_on=_working_days_ago(8),
        first_name="Daniel" if north else "Chidi",
        last_name=surname,
        other_names="Danny White" if north else "CJ",
        date_of_birth=datetime.date(1988, 4, 7) if north else datetime.date(1979, 11, 2),
        address_line_1="14 Larch Close",
        town=area.name + " Town",
        postcode="ZZ99 1AB",
        pnc_number="2009/0456123X" if north else "2001/0987654Z",
        police_reference=f"{code.upper()}-DA-2026-0311",
        concerns="Repeated controlling behaviour and a recent assault on his partner; two children in the home.",
        stated_risk_level="high",
        victims=[
            _victim(
                "Leah" if north else "Grace",
                "Marsh" if north else "Adeyemi",
                "partner",
                2,
                address="Flat 2, 9 Quay Street",
                phone="07700 900 311",
                kids="Two children aged 4 and 7",
                born=datetime.date(1991, 8, 23) if north else datetime.date(1983, 5, 9),
            )
        ],
    )
    services.referral_first_contact_record(referral=accepted, actor=casemanager, date=_working_days_ago(6))
    services.referral_person_decide(referral=accepted, actor=casemanager, perpetrator=None)
    services.referral_screen(
        referral=accepted, actor=casemanager, answers=_criteria_answers(accepted), outcome=Outcome.ACCEPT
    )
    services.referral_allocate(
        referral=accepted,
        actor=supervisor,
        case_manager=casemanager,
        intervention_type=Case.InterventionType.INTENSIVE,
    )

    # A duplicate: the same man again, name misspelt and day and month swapped.
    save(
        social,
        pathway=Pathway.CHILDRENS_SOCIAL_CARE,
        received_on=_working_days_ago(1),
        referrer_name="Sasha Social",
        referrer_organisation=f"{area.name} Children's Services",
        referrer_role="Social worker",
        referrer_email="sasha.social@childrens.example",
        first_name="Danny" if north else "Chidi",
        last_name="Whitfeld" if north else "Okonkwo",
        date_of_birth=datetime.date(1988, 7, 4) if north else datetime.date(1979, 2, 11),
        pnc_number="2009/0456123X" if north else "2001/0987654Z",
        concerns="Child protection conference raised concerns about coercive control at home.",
        stated_risk_level="high",
        victims=[
            _victim(
                "Leah" if north else "Grace",
                "Marsh" if north else "Adeyemi",
                "partner",
                2,
                address="Flat 2, 9 Quay Street",
                phone="07700 900 311",
            )
        ],
    )

    # New, just in.
    save(
        social,
        pathway=Pathway.CHILDRENS_SOCIAL_CARE,
        referrer_name="Sasha Social",
        referrer_organisation=f"{area.name} Children's Services",
        referrer_role="Social worker",
        referrer_email="sasha.social@childrens.example",
        first_name="Tomasz",
        last_name="Nowak" if north else "Kowalski",
        date_of_birth=datetime.date(1991, 3, 22),
        first_language="Polish",
        interpreter_needed=True,
        concerns="Mother disclosed threats and monitoring of her phone at a child in need meeting.",
        stated_risk_level="medium",
        consent="given",
        consent_notes="",
        victims=[_victim("Ania", "Nowak", "partner", 1, address="3 Birch Row", phone="07700 900 412")],
    )

    # Overdue: received well past the target with no first contact.
    save(
        coordinator,
        pathway=Pathway.MARAC,
        received_on=_working_days_ago(9),
        referrer_name="Corin Coordinator",
        referrer_organisation=f"{area.name} MARAC",
        referrer_role="MARAC coordinator",
        referrer_email="marac@csp.example",
        first_name="Gary",
        last_name="Pennock" if north else "Fairley",
        date_of_birth=datetime.date(1975, 9, 30),
        concerns="Heard at MARAC: third repeat incident in 12 months; victim supported by IDVA.",
        stated_risk_level="very_high",
        victims=[
            _victim(
                "Sharon",
                "Pennock" if north else "Fairley",
                "ex_partner",
                0,
                address="21 Ashgrove",
                phone="07700 900 533",
            )
        ],
    )

    # Screening under way: first contact made, answers saved, no decision yet.
    screening = save(
        police,
        pathway=Pathway.SELF_REFERRAL if north else Pathway.PROBATION,
        received_on=_working_days_ago(2),
        referrer_name="Mark Ellis" if north else "Robin Probation",
        referrer_organisation="Self" if north else f"{area.name} Probation Service",
        referrer_role="Self-referral" if north else "Probation officer",
        referrer_email="",
        first_name="Mark" if north else "Stuart",
        last_name="Ellis" if north else "Briggs",
        date_of_birth=datetime.date(1984, 12, 1),
        concerns="Called the helpline worried about his anger towards his partner; wants help.",
        stated_risk_level="standard",
        intervention_type=Case.InterventionType.GROUP,
        consent="given",
        consent_notes="",
        victims=[
            _victim(
                "Jo",
                "Ellis" if north else "Briggs",
                "partner",
                1,
                address="7 Mill Lane",
                phone="07700 900 644",
            )
        ],
    )
    services.referral_first_contact_record(referral=screening, actor=casemanager, date=_working_days_ago(1))
    services.referral_screen(
        referral=screening,
        actor=casemanager,
        answers=dict(list(_criteria_answers(screening).items())[:3]),
        outcome=Outcome.SAVE,
    )

    # Accepted at screening, waiting for the supervisor to allocate.
    waiting = save(
        police,
        pathway=Pathway.POLICE,
        received_on=_working_days_ago(3),
        first_name="Kyle",
        last_name="Dennison" if north else "Rourke",
        date_of_birth=datetime.date(1996, 6, 15),
        police_reference=f"{code.upper()}-DA-2026-0402",
        concerns="Breach of a non-molestation order; turned up at the victim's workplace.",
        stated_risk_level="high",
        victims=[
            _victim("Amy", "Fletcher", "ex_partner", 0, address="44 Orchard Way", phone="07700 900 755")
        ],
    )
    services.referral_first_contact_record(referral=waiting, actor=casemanager, date=_working_days_ago(2))
    services.referral_person_decide(referral=waiting, actor=casemanager, perpetrator=None)
    services.referral_screen(
        referral=waiting, actor=casemanager, answers=_criteria_answers(waiting), outcome=Outcome.ACCEPT
    )

    # Declined, with the reason kept.
    declined = save(
        police,
        pathway=Pathway.PROBATION,
        received_on=_working_days_ago(12),
        first_name="Neil",
        last_name="Carver" if north else "Pryce",
        date_of_birth=datetime.date(1969, 1, 18),
        prison_number="A1234BC" if north else "B7654DE",
        concerns="Serving a long sentence for offences against his ex-partner.",
        stated_risk_level="high",
        victims=[
            _victim(
                "Denise",
                "Carver" if north else "Pryce",
                "ex_partner",
                0,
                address="8 Harbour View",
                phone="07700 900 866",
            )
        ],
    )
    services.referral_first_contact_record(referral=declined, actor=casemanager, date=_working_days_ago(10))
    services.referral_screen(
        referral=declined,
        actor=casemanager,
        answers=_criteria_answers(declined, failing=True),
        outcome=Outcome.DECLINE,
        reason="In custody until 2028: refer again three months before release.",
    )

    # Signposted to another service.
    signposted = save(
        social,
        pathway=Pathway.SUBSTANCE_MISUSE,
        received_on=_working_days_ago(5),
        referrer_name="Hari Health",
        referrer_organisation=f"{area.name} NHS Trust",
        referrer_role="Safeguarding nurse",
        referrer_email="hari.health@nhs.example",
        first_name="Owen",
        last_name="Tate" if north else "Mercer",
        date_of_birth=datetime.date(1990, 10, 10),
        concerns="Verbal abuse when drinking; partner says no physical violence; alcohol the main need.",
        stated_risk_level="standard",
        intervention_type=Case.InterventionType.EARLY,
        victims=[
            _victim(
                "Kim",
                "Tate" if north else "Mercer",
                "partner",
                0,
                address="2 Pine Court",
                phone="07700 900 977",
            )
        ],
    )
    services.referral_first_contact_record(referral=signposted, actor=casemanager, date=_working_days_ago(4))
    services.referral_screen(
        referral=signposted,
        actor=casemanager,
        answers=_criteria_answers(signposted),
        outcome=Outcome.SIGNPOST,
        reason="Alcohol treatment first; re-refer if the abuse continues.",
        signpost_service=SignpostService.objects.get(area=area, name=f"{area.name} Drug and Alcohol Service"),
    )


@transaction.atomic
def seed(world) -> None:
    for code in world.areas:
        _reference_data(world, code)
        _referrals(world, code)
