"""Demo data for reports: population shares, cost assumptions, and a year of finished work.

The casework, victims, referrals and panels demos make a live caseload, but few closed cases,
so on their own the outcome measures an analyst sees would all be "<5". This adds, in each
area, twelve cases closed with outcomes (behaviour at intake and exit, RFG entry and exit
scores, needs, sessions), their victim-survivors' support closed with IDVA-assessed risk at
intake and exit, and two MARAC meetings in which six victims are heard again (repeats,
worked out by the panels service from the earlier referral, never typed in).

Everything goes through the same services the pages use. All people are invented.
Idempotent: reference data uses get_or_create (never overwriting an administrator's changes)
and an area whose finished cases exist is left alone.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from casework import services as casework_services
from casework import services_legal
from casework.models import Case, ClosureReason, NeedDomain, OutcomeMeasure, Perpetrator, RiskLevel
from panels import services as panel_services
from panels.models import AgendaItem, Attendance, Panel, PanelMembership
from reports.models import Characteristic, CostAssumption, PopulationShare
from victims import services as victim_services
from victims.models import Victim, VictimLink

DEMO_SOURCE = (
    "Illustrative demo figures in the shape of ONS Census 2021 tables "
    "(TS021 ethnic group, TS007A age, TS078 gender identity, TS038 disability, TS077 sexual orientation)"
)

# Shares of the adult population (16 and over) among those who answered; each characteristic sums to 100.
POPULATION = {
    "north": {
        Characteristic.ETHNICITY: {
            "white": "86.0",
            "asian": "7.2",
            "black": "2.6",
            "mixed": "2.6",
            "other": "1.6",
        },
        Characteristic.AGE_BAND: {
            "under_18": "3.0",
            "18_24": "10.4",
            "25_34": "15.8",
            "35_44": "15.2",
            "45_54": "16.1",
            "55_64": "16.0",
            "65_plus": "23.5",
        },
        Characteristic.GENDER: {"female": "51.2", "male": "48.6", "non_binary": "0.1", "other": "0.1"},
        Characteristic.DISABILITY: {"yes": "19.2", "no": "80.8"},
        Characteristic.SEXUALITY: {
            "heterosexual": "96.8",
            "gay_lesbian": "1.5",
            "bisexual": "1.3",
            "other": "0.4",
        },
    },
    "south": {
        Characteristic.ETHNICITY: {
            "white": "71.5",
            "asian": "14.6",
            "black": "7.8",
            "mixed": "3.6",
            "other": "2.5",
        },
        Characteristic.AGE_BAND: {
            "under_18": "3.1",
            "18_24": "11.9",
            "25_34": "19.6",
            "35_44": "17.0",
            "45_54": "15.5",
            "55_64": "13.9",
            "65_plus": "19.0",
        },
        Characteristic.GENDER: {"female": "51.0", "male": "48.8", "non_binary": "0.1", "other": "0.1"},
        Characteristic.DISABILITY: {"yes": "16.4", "no": "83.6"},
        Characteristic.SEXUALITY: {
            "heterosexual": "95.9",
            "gay_lesbian": "2.0",
            "bisexual": "1.6",
            "other": "0.5",
        },
    },
}

COSTS = [
    {
        "basis": CostAssumption.Basis.CASES_ABUSE_REDUCED,
        "name": "Cost of a MARAC case",
        "unit_cost": Decimal("63500.00"),
        "avoided_percent": Decimal("25.0"),
        "source": "£63,500 per MARAC case, including costs for both the victim-survivor and the perpetrator "
        "(police, other criminal justice, mental and physical health, substance use, children's services, "
        "housing): Appendix 8 of the University of Bristol's evaluation of the Drive Project (2019), as cited "
        "in Respect, 'Commissioning Guidance: Responding to perpetrators of domestic abuse' (May 2022).",
        "assumption": "Where physical abuse stopped or reduced between intake and exit, a quarter of the cost "
        "of one MARAC case is assumed to be avoided. This is a cautious local assumption, not a published "
        "figure: set it to your own.",
    },
    {
        "basis": CostAssumption.Basis.VICTIMS_RISK_REDUCED,
        "name": "Cost of domestic abuse for a single victim",
        "unit_cost": Decimal("34015.00"),
        "avoided_percent": Decimal("25.0"),
        "source": "£34,015 average cost for a single victim: Home Office, 'The economic and social costs of "
        "domestic abuse' (2019), as cited in Respect, 'Commissioning Guidance: Responding to perpetrators of "
        "domestic abuse' (May 2022).",
        "assumption": "Where a victim-survivor's IDVA-assessed risk fell between intake and exit, a quarter of "
        "the average cost for a single victim is assumed to be avoided. A cautious local assumption: set it to "
        "your own.",
    },
]


def seed(world) -> None:
    seed_reference_data(world)
    seed_finished_work(world)


def seed_reference_data(world) -> None:
    """Population shares for both demo areas and the cost assumptions (admin-editable)."""
    for area_code, characteristics in POPULATION.items():
        area = world.areas[area_code]
        for characteristic, categories in characteristics.items():
            for category, percent in categories.items():
                PopulationShare.objects.get_or_create(
                    area=area,
                    characteristic=characteristic,
                    category=category,
                    defaults={"percent": Decimal(percent), "source": DEMO_SOURCE},
                )
    for cost in COSTS:
        CostAssumption.objects.get_or_create(
            basis=cost["basis"], defaults={k: v for k, v in cost.items() if k != "basis"}
        )


# ---- A year of finished work ------------------------------------------------------------------

# (perpetrator first, last, ethnicity), (victim first, last, ethnicity) per area; index-driven
# patterns below give each person their outcomes so the figures vary but stay believable.
FINISHED = {
    "north": [
        (("Glen", "Farrow", "white_british"), ("Tessa", "Hartigan", "white_british")),
        (("Owen", "Pilling", "white_british"), ("Nadia", "Pilling", "asian_pakistani")),
        (("Barry", "Cotterill", "white_british"), ("Rachel", "Sowerby", "white_british")),
        (("Faisal", "Rahman", "asian_pakistani"), ("Daniel", "Kershaw", "white_british")),
        (("Terry", "Gaskell", "white_british"), ("Amina", "Yusuf", "black_african")),
        (("Delroy", "Grant", "black_caribbean"), ("Chantelle", "Grant", "black_caribbean")),
        (("Stuart", "Ingham", "white_british"), ("Kirsty", "Ingham", "white_british")),
        (("Piotr", "Nowak", "white_other"), ("Agata", "Nowak", "white_other")),
        (("Vikram", "Shah", "asian_indian"), ("Sunita", "Shah", "asian_indian")),
        (("Lewis", "Hebden", "white_british"), ("Marcus", "Holt", "white_british")),
        (("Jason", "Royle", "mixed_white_black_caribbean"), ("Kelly", "Royle", "white_british")),
        (("Adam", "Whitworth", "white_british"), ("Hannah", "Pickup", "white_british")),
    ],
    "south": [
        (("Keith", "Dunmore", "white_british"), ("Louise", "Dunmore", "white_british")),
        (("Samuel", "Adeyemi", "black_african"), ("Grace", "Adeyemi", "black_african")),
        (("Harvey", "Brook", "white_british"), ("Emma", "Colbourne", "white_british")),
        (("Tariq", "Mahmood", "asian_pakistani"), ("Oliver", "Penrose", "white_british")),
        (("Gavin", "Luscombe", "white_british"), ("Jasmine", "Luscombe", "mixed_white_asian")),
        (("Winston", "Clarke", "black_caribbean"), ("Marcia", "Clarke", "black_caribbean")),
        (("Dale", "Treloar", "white_british"), ("Becky", "Treloar", "white_british")),
        (("Ravi", "Patel", "asian_indian"), ("Priti", "Patel", "asian_indian")),
        (("Carl", "Hobbs", "white_british"), ("Leanne", "Hobbs", "white_british")),
        (("Ross", "Penhale", "white_british"), ("Stefan", "Moyle", "white_british")),
        (("Mehmet", "Yilmaz", "other"), ("Elif", "Yilmaz", "other")),
        (("Neville", "Trask", "white_british"), ("Donna", "Trask", "white_irish")),
    ],
}

# Behaviour frequency (0 none … 4 daily) at intake and exit by index: physical abuse stopped in
# six cases, reduced in three, stayed the same in two and rose in one. (With one each of "same"
# and "rose", suppression would have to hide the headline: 12 − 10 = 2 would pin both at 1.)
PHYSICAL_EXIT = [0, 0, 0, 0, 0, 0, 1, 1, 1, 3, 3, 4]
# IDVA-assessed victim risk (intake, exit): fell for eight, stayed the same for three, rose for one.
VICTIM_RISK = [
    (RiskLevel.VERY_HIGH, RiskLevel.HIGH),
    (RiskLevel.HIGH, RiskLevel.MEDIUM),
    (RiskLevel.HIGH, RiskLevel.STANDARD),
    (RiskLevel.MEDIUM, RiskLevel.STANDARD),
    (RiskLevel.VERY_HIGH, RiskLevel.MEDIUM),
    (RiskLevel.HIGH, RiskLevel.MEDIUM),
    (RiskLevel.MEDIUM, RiskLevel.STANDARD),
    (RiskLevel.HIGH, RiskLevel.STANDARD),
    (RiskLevel.MEDIUM, RiskLevel.MEDIUM),
    (RiskLevel.HIGH, RiskLevel.HIGH),
    (RiskLevel.STANDARD, RiskLevel.STANDARD),
    (RiskLevel.MEDIUM, RiskLevel.HIGH),
]
NEEDS = [NeedDomain.HOUSING, NeedDomain.SUBSTANCE_MISUSE, NeedDomain.MENTAL_HEALTH, NeedDomain.FINANCE]
INTERVENTIONS = [Case.InterventionType.INTENSIVE, Case.InterventionType.GROUP, Case.InterventionType.EARLY]
OFFENCES = ["common_assault", "coercive_control", "harassment", "criminal_damage", "abh", "stalking"]
REPEATED = 6  # victims 0-5 are heard at both MARAC meetings


@dataclass(frozen=True)
class Finished:
    case: Case
    victim: Victim


def _days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def _closure_reason(index: int) -> str:
    if index < 9:
        return ClosureReason.COMPLETED
    return ClosureReason.DISENGAGED if index < 11 else ClosureReason.CUSTODY


def _finished_case(world, area_code: str, index: int, person, partner) -> Finished:
    """One case from referral to approved closure, with its victim-survivor's support closed."""
    first, last, ethnicity = person
    v_first, v_last, v_ethnicity = partner
    area = world.areas[area_code]
    supervisor = world.user("supervisor", area_code)
    manager = world.user("casemanager" if index % 2 == 0 else "casemanager2", area_code)
    opened_days_ago = 330 - index * 12
    opened = _days_ago(opened_days_ago)
    perpetrator = casework_services.perpetrator_create(
        actor=supervisor,
        area=area,
        first_name=first,
        last_name=last,
        date_of_birth=datetime.date(1975 + index * 2, 1 + index, 10 + index),
        gender="male",
        ethnicity=ethnicity,
        first_language="English",
    )
    case = casework_services.case_open(
        actor=supervisor,
        perpetrator=perpetrator,
        team=world.team("case_management", area_code),
        intervention_type=INTERVENTIONS[index % 3],
        case_manager=manager,
        supervisor=supervisor,
    )
    Case.objects.filter(pk=case.pk).update(opened_on=opened)
    case.refresh_from_db()
    # Police-recorded incidents before the referral give the RFG entry score as it stood at
    # opening; the exit score (at closure) is lower as they age, unless a new incident came in.
    late = index >= 10
    for n, before in enumerate((40, 150)):
        _incident(manager, perpetrator, case, area_code, index, n, opened - datetime.timedelta(days=before))
    services_legal.rfg_refresh_case(case=case, actor=manager, as_of=opened)
    if late:
        _incident(manager, perpetrator, case, area_code, index, 2, _days_ago(25))
    casework_services.outcome_measures_record(
        case=case,
        actor=manager,
        time_point=OutcomeMeasure.TimePoint.INTAKE,
        ratings={
            "physical": 3,
            "sexual": 2 if index % 3 == 0 else 0,
            "harassment_stalking": 3,
            "jealous_controlling": 4,
        },
    )
    for domain in NEEDS[: 1 + index % 4]:
        casework_services.support_goal_add(
            case=case,
            actor=manager,
            need_domain=domain,
            goal="Agreed in the support plan.",
            status="achieved",
        )
    for n in range(6):
        casework_services.case_session_record(
            case=case,
            actor=manager,
            kind="one_to_one",
            held_on=_days_ago(max(opened_days_ago - 20 - n * 30, 5)),
            attendance="dna" if n == 2 and index % 3 == 0 else "attended",
            duration_minutes=60,
            notes="Session recorded for the demo.",
        )
    victim = _finished_support(world, area_code, index, perpetrator, v_first, v_last, v_ethnicity, opened)
    closure = casework_services.case_closure_request(
        case=case,
        actor=manager,
        reason=_closure_reason(index),
        summary="Work finished; outcomes recorded at exit.",
        exit_ratings={
            "physical": PHYSICAL_EXIT[index],
            "sexual": 0 if index < 9 else (2 if index % 3 == 0 else 0),
            "harassment_stalking": 1 if index < 7 else 3,
            "jealous_controlling": 0 if index < 5 else (2 if index < 10 else 4),
        },
    )
    casework_services.case_closure_decide(closure=closure, actor=supervisor, approve=True)
    case.refresh_from_db()
    return Finished(case=case, victim=victim)


def _incident(actor, perpetrator, case, area_code, index, n, occurred_on) -> None:
    services_legal.incident_create(
        actor=actor,
        perpetrator=perpetrator,
        case=case,
        police_reference=f"RD{area_code[0].upper()}/{occurred_on.year}/{7000 + index * 10 + n}",
        occurred_on=occurred_on,
        incident_type="crime",
        offence=OFFENCES[(index + n) % len(OFFENCES)],
        is_domestic_abuse=True,
        refresh_scores=False,
        enqueue_flags=False,
    )


def _finished_support(world, area_code, index, perpetrator, first, last, ethnicity, opened) -> Victim:
    idva = world.user("idva", area_code)
    male = index in (3, 9)
    victim = victim_services.victim_create(
        actor=idva,
        team=world.team("idva", area_code),
        first_name=first,
        last_name=last,
        date_of_birth=datetime.date(1978 + index * 2, 12 - index, 3 + index),
        gender="male" if male else "female",
        perpetrator=perpetrator,
        relationship=VictimLink.Relationship.EX_PARTNER,
        ethnicity=ethnicity,
        disability="yes" if index % 4 == 0 else "no",
        sexuality="gay_lesbian" if male else ("bisexual" if index == 5 else "heterosexual"),
        first_language="English",
        support_status=Victim.SupportStatus.ENGAGED,
    )
    victim_services.victim_allocate(actor=world.user("idvamanager", area_code), victim=victim, idva=idva)
    for n in range(index % 3):
        victim_services.child_add(
            actor=idva,
            victim=victim,
            first_name=f"Child {n + 1}",
            last_name=last,
            date_of_birth=datetime.date(2012 + index % 6 + n, 6, 1),
        )
    intake_risk, exit_risk = VICTIM_RISK[index]
    reported = {
        "physical_abuse": "yes",
        "sexual_abuse": "not_said",
        "harassment_stalking": "yes",
        "jealous_controlling": "yes",
    }
    victim_services.outcome_record(
        actor=idva,
        victim=victim,
        stage="intake",
        idva_risk=intake_risk,
        space_for_action=2,
        recorded_on=opened + datetime.timedelta(days=7),
        **reported,
    )
    victim_services.outcome_record(
        actor=idva,
        victim=victim,
        stage="exit",
        idva_risk=exit_risk,
        space_for_action=4 if exit_risk != intake_risk else 3,
        recorded_on=_days_ago(3),
        **{**reported, "physical_abuse": "no" if PHYSICAL_EXIT[index] == 0 else "yes"},
    )
    victim.refresh_from_db()
    return victim_services.victim_update(
        actor=idva, victim=victim, expected_version=victim.version, support_status=Victim.SupportStatus.CLOSED
    )


def _marac_meetings(world, area_code: str, finished: list[Finished]) -> None:
    """An earlier MARAC meeting, then a recent one where six of the same victims are heard again."""
    panel = Panel.objects.filter(area=world.areas[area_code], kind=Panel.Kind.MARAC).order_by("pk").first()
    if panel is None:
        return
    coordinator = world.user("coordinator", area_code)
    idva = world.user("idva", area_code)
    for victim in {f.victim.pk: f.victim for f in finished}.values():
        # Each consented to sharing at MARAC when referred (panels.sharing reads the ledger).
        victim_services.consent_decision_record(
            actor=idva,
            victim=victim,
            purpose="marac",
            receiving_organisation=panel.coordinator_team.organisation,
            consent="given",
            legal_basis="consent",
            decided_on=_days_ago(220),
        )
    earlier = [f.victim for f in finished[:8]]
    recent = [f.victim for f in finished[:REPEATED]] + [f.victim for f in finished[8:]]
    for days_ago, victims in ((210, earlier), (42, recent)):
        when = timezone.make_aware(datetime.datetime.combine(_days_ago(days_ago), datetime.time(9, 30)))
        meeting = panel_services.meeting_schedule(
            panel=panel, scheduled_for=when, venue="Civic Centre", actor=coordinator
        )
        for victim in victims:
            panel_services.agenda_item_add(
                meeting=meeting,
                actor=coordinator,
                victim=victim,
                reason=AgendaItem.Reason.NEW,  # the service makes it "repeat" when it is one
                risk_level=RiskLevel.HIGH,
                referred_on=_days_ago(days_ago + 6),
            )
        panel_services.agenda_publish(meeting=meeting, actor=coordinator)
        present = {
            organisation_id: (Attendance.Status.PRESENT, "Representative")
            for organisation_id in PanelMembership.objects.filter(panel=panel).values_list(
                "organisation_id", flat=True
            )
        }
        if present:
            panel_services.attendance_record(meeting=meeting, entries=present, actor=coordinator)


def seed_finished_work(world) -> None:
    for area_code, people in FINISHED.items():
        if f"supervisor.{area_code}" not in world.users:
            continue
        first, last, _ = people[0][0]
        if Perpetrator.all_objects.filter(
            area=world.areas[area_code], first_name=first, last_name=last
        ).exists():
            continue
        with transaction.atomic():
            finished = [
                _finished_case(world, area_code, index, person, partner)
                for index, (person, partner) in enumerate(people)
            ]
            _marac_meetings(world, area_code, finished)
