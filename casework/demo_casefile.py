"""Demo case files (see casework/demo.py): a realistic caseload for each demo case manager.

Synthetic people only. Each case is made through the same services the pages use, so the
audit trail and histories look as they would in use. Idempotent: a person who already has a
case is left alone, so running seed_demo again changes nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation
from casework import services
from casework.models import (
    AssessmentInstrument,
    Case,
    NeedDomain,
    OutcomeMeasure,
    Perpetrator,
    RiskLevel,
)


@dataclass(frozen=True)
class DemoCase:
    first_name: str
    last_name: str
    born: tuple[int, int, int]
    intervention: str
    phase: str
    risk: str
    opened_days_ago: int
    review_in_days: int | None
    missed_run: int = 0  # how many of the latest sessions were missed
    ethnicity: str = ""


ICM, GRP, EI, DO = (
    Case.InterventionType.INTENSIVE,
    Case.InterventionType.GROUP,
    Case.InterventionType.EARLY,
    Case.InterventionType.DISRUPT_ONLY,
)
P = Case.Phase

CASELOADS: dict[tuple[str, str], list[DemoCase]] = {
    ("casemanager", "north"): [
        DemoCase(
            "Darren",
            "Holloway",
            (1986, 4, 12),
            ICM,
            P.ACTIVE,
            RiskLevel.VERY_HIGH,
            190,
            -3,
            3,
            "white_british",
        ),
        DemoCase("Lee", "Brannigan", (1979, 9, 2), ICM, P.ACTIVE, RiskLevel.HIGH, 240, 6, 0, "white_irish"),
        DemoCase(
            "Marcus", "Okafor", (1990, 1, 23), GRP, P.ACTIVE, RiskLevel.MEDIUM, 120, 20, 0, "black_african"
        ),
        DemoCase(
            "Gary",
            "Pennington",
            (1972, 11, 30),
            DO,
            P.DISRUPT,
            RiskLevel.VERY_HIGH,
            300,
            2,
            4,
            "white_british",
        ),
        DemoCase("Tomasz", "Wrobel", (1988, 6, 5), EI, P.ASSESSMENT, RiskLevel.STANDARD, 14, 10),
        DemoCase(
            "Kieran", "Doyle", (1995, 3, 17), ICM, P.ASSESSMENT, RiskLevel.HIGH, 21, -1, 0, "white_other"
        ),
        DemoCase(
            "Imran", "Siddiqui", (1984, 8, 9), GRP, P.ACTIVE, RiskLevel.MEDIUM, 90, 30, 2, "asian_pakistani"
        ),
        DemoCase("Craig", "Latham", (1981, 12, 1), ICM, P.CLOSING, RiskLevel.MEDIUM, 320, 7),
        DemoCase("Shane", "Moffat", (1977, 2, 14), ICM, P.CLOSED, RiskLevel.STANDARD, 400, None),
        DemoCase("Jordan", "Fairweather", (1999, 7, 21), EI, P.REFERRAL, RiskLevel.STANDARD, 3, None),
    ],
    ("casemanager2", "north"): [
        DemoCase("Paul", "Ritchie", (1983, 5, 28), ICM, P.ACTIVE, RiskLevel.HIGH, 150, 4, 0, "white_british"),
        DemoCase(
            "Andre", "Campbell", (1991, 10, 3), GRP, P.ACTIVE, RiskLevel.MEDIUM, 80, -5, 2, "black_caribbean"
        ),
        DemoCase("Steven", "Marsh", (1975, 1, 9), DO, P.DISRUPT, RiskLevel.VERY_HIGH, 210, 1),
        DemoCase("Ryan", "Tiernan", (1993, 4, 4), EI, P.ASSESSMENT, RiskLevel.STANDARD, 10, 12),
        DemoCase("Neil", "Ashworth", (1969, 8, 19), ICM, P.ACTIVE, RiskLevel.HIGH, 260, 9),
        DemoCase("Dean", "Crowther", (1987, 12, 24), GRP, P.ACTIVE, RiskLevel.MEDIUM, 60, 25),
        DemoCase("Wayne", "Pollard", (1980, 6, 30), ICM, P.CLOSED, RiskLevel.MEDIUM, 380, None),
        DemoCase("Callum", "Reid", (1997, 2, 2), EI, P.ASSESSMENT, RiskLevel.STANDARD, 7, 14),
    ],
    ("casemanager", "south"): [
        DemoCase("Anthony", "Kearns", (1985, 3, 3), ICM, P.ACTIVE, RiskLevel.VERY_HIGH, 170, -2, 3),
        DemoCase(
            "Rajesh", "Mehta", (1982, 7, 15), GRP, P.ACTIVE, RiskLevel.MEDIUM, 100, 15, 0, "asian_indian"
        ),
        DemoCase("Liam", "Garside", (1994, 9, 29), EI, P.ASSESSMENT, RiskLevel.STANDARD, 12, 8),
        DemoCase("Mark", "Haddon", (1976, 11, 11), DO, P.DISRUPT, RiskLevel.HIGH, 280, 3),
        DemoCase("Connor", "Walsh", (1989, 1, 31), ICM, P.ACTIVE, RiskLevel.HIGH, 200, 5, 2, "white_irish"),
        DemoCase("Sean", "Ellery", (1992, 5, 6), GRP, P.ACTIVE, RiskLevel.MEDIUM, 75, 21),
        DemoCase("Graham", "Tully", (1970, 10, 10), ICM, P.CLOSING, RiskLevel.MEDIUM, 310, 4),
        DemoCase(
            "Declan",
            "Oduya",
            (1998, 12, 12),
            ICM,
            P.CLOSED,
            RiskLevel.STANDARD,
            420,
            None,
            0,
            "mixed_white_black_african",
        ),
    ],
    ("casemanager2", "south"): [
        DemoCase("Robert", "Lindqvist", (1984, 2, 20), ICM, P.ACTIVE, RiskLevel.HIGH, 140, 7),
        DemoCase(
            "Jamal", "Hussain", (1990, 8, 8), GRP, P.ACTIVE, RiskLevel.MEDIUM, 95, -4, 2, "asian_bangladeshi"
        ),
        DemoCase("Peter", "Voss", (1973, 4, 27), DO, P.DISRUPT, RiskLevel.VERY_HIGH, 230, 2),
        DemoCase("Aaron", "Bexley", (1996, 6, 16), EI, P.ASSESSMENT, RiskLevel.STANDARD, 9, 11),
        DemoCase("Martin", "Crane", (1978, 3, 13), ICM, P.ACTIVE, RiskLevel.HIGH, 180, 13),
        DemoCase("Nathan", "Pryce", (1988, 9, 1), GRP, P.ACTIVE, RiskLevel.MEDIUM, 50, 28),
        DemoCase(
            "Kevin", "Osei", (1982, 1, 19), ICM, P.CLOSED, RiskLevel.MEDIUM, 390, None, 0, "black_african"
        ),
        DemoCase("Ewan", "McBride", (1994, 11, 5), EI, P.REFERRAL, RiskLevel.STANDARD, 2, None),
    ],
}

NOTES = [
    ("contact", "Phoned to confirm next week's appointment; engaged and polite on the call."),
    ("liaison", "Spoke to the police public protection unit: no new call-outs since the last review."),
    ("supervision", "Discussed in supervision: keep the focus on jealous and controlling behaviour."),
    ("management", "Case reviewed at the team meeting; plan agreed."),
]
GOALS = [
    (
        NeedDomain.HOUSING,
        "Move into settled accommodation away from the former shared address.",
        "in_progress",
    ),
    (NeedDomain.SUBSTANCE_MISUSE, "Attend the community alcohol service weekly.", "in_progress"),
    (NeedDomain.EMPLOYMENT, "Enrol on the construction skills course.", "not_started"),
    (NeedDomain.MENTAL_HEALTH, "Register with a GP and ask for a mental health referral.", "achieved"),
]
ACTIONS = [
    (
        "Police",
        "dvds_disclosure",
        "Consider a Right to Know disclosure to the new partner.",
        "in_progress",
        7,
    ),
    ("Probation", "licence_conditions", "Add a non-contact condition at the licence review.", "planned", 21),
    (
        "Housing",
        "housing_action",
        "Flag the address so no tenancy is offered near the former partner.",
        "done",
        -10,
    ),
    ("Police", "marker", "Place a vehicle marker on the registered car.", "planned", -3),
]


def _organisation(area, kind_word: str) -> Organisation:
    return Organisation.objects.filter(area=area, name__icontains=kind_word).order_by("name").first()


def _backdate(obj, field: str, *, days_ago: int) -> None:
    """Spread demo events over the life of the case, so the chronology reads like real work."""
    when = timezone.now() - datetime.timedelta(days=max(days_ago, 0))
    type(obj).all_objects.filter(pk=obj.pk).update(**{field: when})


def _spread(case: Case, opened_days_ago: int) -> None:
    offsets = {"risk_changes": ("changed_at", 12), "support_goals": ("created_at", 25)}
    for relation, (field, after_opening) in offsets.items():
        for n, item in enumerate(getattr(case, relation).all()):
            item_days_ago = opened_days_ago - after_opening - n * 3
            getattr(case, relation).filter(pk=item.pk).update(
                **{field: timezone.now() - datetime.timedelta(days=max(item_days_ago, 1))}
            )
    for n, action in enumerate(case.disruption_actions.all()):
        _backdate(action, "created_at", days_ago=opened_days_ago - 30 - n * 5)
    for n, assessment in enumerate(case.assessments.filter(status="completed")):
        when = timezone.now() - datetime.timedelta(days=max(opened_days_ago - 10 - n * 4, 1))
        case.assessments.filter(pk=assessment.pk).update(created_at=when, completed_at=when)


def _assess(case: Case, actor, code: str, answers: dict, *, complete: bool) -> None:
    instrument = AssessmentInstrument.objects.filter(code=code, active=True).order_by("-version").first()
    if instrument is None:
        return
    assessment = services.assessment_start(case=case, instrument=instrument, actor=actor)
    services.assessment_save(
        assessment=assessment,
        actor=actor,
        answers=answers,
        expected_version=assessment.version,
        complete=complete,
    )


def _build(spec: DemoCase, *, world, login: str, area_code: str, index: int) -> None:
    area = world.areas[area_code]
    team = world.team("case_management", area_code)
    manager = world.user(login, area_code)
    supervisor = world.user("supervisor", area_code)
    today = timezone.localdate()
    perpetrator = services.perpetrator_create(
        actor=supervisor,
        area=area,
        first_name=spec.first_name,
        last_name=spec.last_name,
        date_of_birth=datetime.date(*spec.born),
        gender="male",
        ethnicity=spec.ethnicity,
        first_language="English",
        mappa_category=2 if spec.risk == RiskLevel.VERY_HIGH else None,
        mappa_level=2 if spec.risk == RiskLevel.VERY_HIGH else None,
    )
    services.perpetrator_identifier_add(
        perpetrator=perpetrator, actor=supervisor, kind="pnc", value=f"{90 + index % 9}/{area.pk}{index:05d}X"
    )
    services.perpetrator_address_add(
        perpetrator=perpetrator,
        actor=supervisor,
        line_1=f"{10 + index} Foundry Row",
        town="Northtown" if area_code == "north" else "Southport Vale",
        postcode=f"{'NT' if area_code == 'north' else 'SV'}{index % 9 + 1} {index % 7 + 1}AB",
        lived_from=today - datetime.timedelta(days=900 + index * 10),
    )
    if index % 3 == 0:
        services.perpetrator_alias_add(
            perpetrator=perpetrator,
            actor=supervisor,
            name=f"{spec.first_name[:3]} {spec.last_name}",
            note="street name",
        )
    referral = spec.phase == P.REFERRAL
    case = services.case_open(
        actor=supervisor,
        perpetrator=perpetrator,
        team=team,
        intervention_type=spec.intervention,
        case_manager=None if referral else manager,
        supervisor=supervisor,
    )
    opened = today - datetime.timedelta(days=spec.opened_days_ago)
    Case.objects.filter(pk=case.pk).update(
        opened_on=opened,
        next_review_date=today + datetime.timedelta(days=spec.review_in_days)
        if spec.review_in_days is not None
        else None,
    )
    case.refresh_from_db()
    if referral:
        return
    if spec.risk != RiskLevel.STANDARD:
        services.case_risk_change(
            case=case,
            actor=manager,
            risk_level=spec.risk,
            reason="Assessment found escalating coercive control and a recent separation.",
            expected_version=case.version,
        )
        case.refresh_from_db()
    _assess(
        case,
        manager,
        "needs",
        {
            "housing": "high",
            "substance_misuse": "medium",
            "mental_health": "low",
            "children_family": "medium",
            "finance": "medium",
            "employment": "high",
            "physical_health": "none",
            "other": "none",
            "housing_notes": "Sofa-surfing with a relative.",
        },
        complete=spec.opened_days_ago > 20,
    )
    if spec.opened_days_ago > 20:
        _assess(
            case,
            manager,
            "ace",
            {"ace_count": 3 + index % 5, "notes": "Disclosed in session two."},
            complete=True,
        )
        _assess(
            case, manager, "motivation", {"stage": "contemplation", "motivation": "medium"}, complete=False
        )
        services.outcome_measures_record(
            case=case,
            actor=manager,
            time_point=OutcomeMeasure.TimePoint.INTAKE,
            ratings={"physical": 3, "sexual": 1, "harassment_stalking": 3, "jealous_controlling": 4},
        )
    for n, (domain, goal, status) in enumerate(GOALS[: 2 + index % 3]):
        services.support_goal_add(
            case=case,
            actor=manager,
            need_domain=domain,
            goal=goal,
            status=status,
            review_date=today + datetime.timedelta(days=14 + n * 7),
        )
    for word, lever, description, status, due in ACTIONS[: 1 + index % 4]:
        agency = _organisation(area, word)
        if agency is not None:
            services.disruption_action_add(
                case=case,
                actor=manager,
                agency=agency,
                lever=lever,
                description=description,
                due_date=today + datetime.timedelta(days=due),
                status=status,
                outcome="Completed by the agency." if status == "done" else "",
            )
    session_count = min(8, max(2, spec.opened_days_ago // 21))
    for n in range(session_count):
        missed = n < spec.missed_run
        services.case_session_record(
            case=case,
            actor=manager,
            kind="one_to_one" if n % 3 else ("phone" if n % 2 else "home_visit"),
            held_on=today - datetime.timedelta(days=3 + n * 10),
            attendance="dna" if missed else "attended",
            duration_minutes=None if missed else 60,
            notes="Did not attend; letter sent."
            if missed
            else "Worked on the impact of his behaviour on the children.",
        )
    for n, (kind, text) in enumerate(NOTES[: 2 + index % 3]):
        note = services.case_note_add(case=case, actor=manager, kind=kind, text=text)
        _backdate(note, "created_at", days_ago=2 + n * 9)
    if index % 4 == 1:
        services.case_note_add(
            case=case,
            actor=supervisor,
            kind="supervision",
            sensitivity="sensitive",
            text="Discussed the worker's own wellbeing after a difficult session.",
        )
    _spread(case, spec.opened_days_ago)
    if spec.phase in (P.ACTIVE, P.DISRUPT):
        Case.objects.filter(pk=case.pk).update(phase=spec.phase)
    if spec.phase in (P.CLOSING, P.CLOSED):
        services.case_closure_request(
            case=case,
            actor=manager,
            reason="completed",
            summary="Completed the intervention. Uses time-outs; no police call-outs in the last four months.",
            exit_ratings={"physical": 0, "sexual": 0, "harassment_stalking": 1, "jealous_controlling": 1},
        )
        if spec.phase == P.CLOSED:
            closure = case.closures.get()
            services.case_closure_decide(closure=closure, actor=supervisor, approve=True, note="Good work.")


@transaction.atomic
def seed(world) -> None:
    for (login, area_code), specs in CASELOADS.items():
        for index, spec in enumerate(specs):
            existing = Perpetrator.objects.filter(
                area=world.areas[area_code], first_name=spec.first_name, last_name=spec.last_name
            )
            if existing.filter(cases__isnull=False).exists():
                continue
            _build(
                spec,
                world=world,
                login=login,
                area_code=area_code,
                index=index + (0 if login == "casemanager" else 20),
            )
