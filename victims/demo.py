"""Demo victim-survivor records (run by `manage.py seed_demo` after casework's demo).

Victims for the demo perpetrators with cases in the north, some at high risk, the
serial perpetrator's victims (created by casework's demo) filled in, shared notes, a
consent ledger, children and a new partner waiting to be picked up. All people, places and
numbers are invented. Idempotent: a victim that already exists is left as it is.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from accounts.models import Organisation
from casework.models import Case, Perpetrator
from victims import consent, services
from victims.models import (
    DashAnswer,
    DashAssessment,
    DashInstrument,
    NewPartnerNotice,
    Victim,
    VictimLink,
    VictimSafeContact,
)


def _answers(instrument: DashInstrument, yes: int, dont_know: int = 0) -> dict:
    answers = {}
    for index, question in enumerate(instrument.questions):
        if index < yes:
            answer = DashAnswer.YES
        elif index < yes + dont_know:
            answer = DashAnswer.DONT_KNOW
        else:
            answer = DashAnswer.NO
        answers[str(question["number"])] = {"answer": answer, "comment": ""}
    return answers


def _dash(victim, actor, instrument, *, yes, days_ago, judgement="", rationale="", incidents=None):
    assessment = services.dash_complete(
        actor=actor,
        victim=victim,
        instrument=instrument,
        answers=_answers(instrument, yes),
        judgement_level=judgement,
        judgement_rationale=rationale,
        incidents_last_12_months=incidents,
    )
    DashAssessment.objects.filter(pk=assessment.pk).update(
        completed_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    return assessment


# (first, last, dob, relationship, DASH history as (yes, days ago), judgement, status, allocated)
PEOPLE = [
    (
        "Jade",
        "Whitfield",
        datetime.date(1994, 3, 12),
        VictimLink.Relationship.PARTNER,
        [(11, 120), (17, 6)],
        "",
        "engaged",
        True,
    ),
    (
        "Priya",
        "Nair",
        datetime.date(1988, 9, 2),
        VictimLink.Relationship.EX_PARTNER,
        [(12, 20)],
        "high",
        "engaged",
        True,
    ),
    (
        "Megan",
        "Doyle",
        datetime.date(2001, 1, 27),
        VictimLink.Relationship.EX_PARTNER,
        [(5, 40)],
        "",
        "new",
        False,
    ),
]


OWN_NAMES = {(p[0], p[1]) for p in PEOPLE} | {("Lauren", "Marsh")}


def _enrich(victim: Victim, actor, world, area: str, *, number: int, high_risk: bool) -> None:
    """Contact details, safety plan, notes, consent, children and outcomes for one demo victim."""
    today = timezone.localdate()
    refuge = high_risk
    services.victim_address_add(
        actor=actor,
        victim=victim,
        kind="home",
        line_1=f"{12 + number} Larkspur Terrace",
        town="Northby" if area == "north" else "Southmere",
        postcode=f"NB{number} 4QT",
        from_date=today - datetime.timedelta(days=900),
        is_current=True,
    )
    if refuge:
        services.victim_address_add(
            actor=actor,
            victim=victim,
            kind="refuge",
            line_1="Refuge address held by the refuge provider",
            line_2=f"Provider reference R-{4400 + number}",
            from_date=today - datetime.timedelta(days=5),
            is_current=True,
        )
    services.victim_contact_add(
        actor=actor,
        victim=victim,
        kind="mobile",
        value=f"07700 900{100 + number}",
        safe_to_use=True,
        note="Her own phone, kept on silent",
    )
    services.victim_contact_add(
        actor=actor,
        victim=victim,
        kind="email",
        value=f"{victim.first_name.lower()}.{number}@example.org",
        safe_to_use=False,
        note="He knows the password",
    )
    services.victim_safe_contact_save(
        actor=actor,
        victim=victim,
        safe_contact_method="Text first from the service number; call only if she replies 'OK'",
        safe_times="Weekdays 10am to 2pm while the children are at school",
        safe_to_leave_message="no",
        housing_situation="refuge" if refuge else "own_home",
        housing_notes="Refuge space for 12 weeks" if refuge else "",
    )
    services.safety_plan_save(
        actor=actor,
        victim=victim,
        plan="Code word with her sister agreed. Bag with documents and medication kept at her sister's. "
        "Police marker requested on the address. Knows to call 999 and press 55 if she cannot speak.",
        review_on=today + datetime.timedelta(days=28),
    )
    services.safety_note_add(
        actor=actor, victim=victim, text="Says he has been driving past the house most evenings."
    )
    link = victim.links.first()
    case_manager_org = consent.case_manager_organisations(link) if link is not None else []
    if case_manager_org:
        # The note to his case manager needs her consent, or, where asking was unsafe (the
        # high-risk victim in refuge), a recorded basis for sharing without it.
        without_consent = None
        if high_risk:
            without_consent = consent.WithoutConsent(
                consent="not_sought_unsafe",
                legal_basis="vital_interests",
                rationale="She is in refuge and contact is limited to planned calls; the case manager must "
                "know about the repeated messages to manage the risk in sessions.",
            )
        else:
            services.consent_decision_record(
                actor=actor,
                victim=victim,
                purpose="perpetrator_programme",
                receiving_organisation=Organisation.objects.get(pk=case_manager_org[0]),
                consent="given",
                legal_basis="consent",
                decided_on=today - datetime.timedelta(days=7),
            )
        services.shared_note_add(
            actor=actor,
            victim=victim,
            link=link,
            text="She reports he has been messaging her repeatedly after being told to stop. Please raise it in session.",
            without_consent=without_consent,
        )
    police = Organisation.objects.filter(area=victim.area, kind=Organisation.Kind.POLICE).first()
    social_care = Organisation.objects.filter(
        area=victim.area, kind=Organisation.Kind.CHILDRENS_SOCIAL_CARE
    ).first()
    if police:
        services.consent_decision_record(
            actor=actor,
            victim=victim,
            purpose="marac",
            receiving_organisation=police,
            consent="given",
            legal_basis="consent",
            decided_on=today - datetime.timedelta(days=6),
        )
    if social_care:
        services.consent_decision_record(
            actor=actor,
            victim=victim,
            purpose="safeguarding_children",
            receiving_organisation=social_care,
            consent="not_sought_unsafe",
            legal_basis="public_task",
            shared_without_consent=True,
            rationale="Children at risk of significant harm; asking would have alerted him while he was in the house.",
            decided_on=today - datetime.timedelta(days=5),
        )
    child = services.child_add(
        actor=actor,
        victim=victim,
        perpetrator_links=[link] if link else [],
        first_name="Ellie",
        last_name=victim.last_name,
        date_of_birth=datetime.date(2016, 5, 4),
        lives_with_victim=True,
        school="Hollins Green Primary School",
        status="child_in_need",
    )
    services.encompass_record(
        actor=actor,
        child=child,
        incident_on=today - datetime.timedelta(days=8),
        notified_on=today - datetime.timedelta(days=7),
        before_next_school_day=True,
    )
    services.outcome_record(
        actor=actor,
        victim=victim,
        stage="intake",
        physical_abuse="yes",
        sexual_abuse="not_said",
        harassment_stalking="yes",
        jealous_controlling="yes",
        idva_risk="high" if high_risk else "medium",
        space_for_action=2,
        recorded_on=today - datetime.timedelta(days=30),
    )


def _cases(world, area: str) -> list[Case]:
    return list(
        Case.objects.filter(team=world.team("case_management", area))
        .select_related("perpetrator")
        .order_by("pk")
    )


@transaction.atomic
def seed(world) -> None:
    instrument = DashInstrument.current()
    if instrument is None:
        return
    for area in ("north", "south"):
        idva = world.user("idva", area)
        team = world.team("idva", area)
        cases = _cases(world, area)
        people = PEOPLE if area == "north" else PEOPLE[:1]
        for number, (case, person) in enumerate(zip(cases, people, strict=False), start=1):
            first, last, dob, relationship, history, judgement, status, allocated = person
            if area == "south":
                first, last = "Lauren", "Marsh"
            if Victim.all_objects.filter(team=team, first_name=first, last_name=last).exists():
                continue
            victim = services.victim_create(
                actor=idva,
                team=team,
                first_name=first,
                last_name=last,
                date_of_birth=dob,
                gender="female",
                perpetrator=case.perpetrator,
                relationship=relationship,
                ethnicity="white_british" if number != 2 else "asian_indian",
                first_language="English",
                support_status=status,
            )
            VictimLink.objects.filter(victim=victim).update(started_on=dob.replace(year=2019))
            if allocated:
                services.victim_allocate(actor=world.user("idvamanager", area), victim=victim, idva=idva)
            for index, (yes, days_ago) in enumerate(history):
                last_one = index == len(history) - 1
                _dash(
                    victim,
                    idva,
                    instrument,
                    yes=yes,
                    days_ago=days_ago,
                    judgement=judgement if last_one else "",
                    rationale="Recent strangulation disclosed after the checklist; escalating stalking."
                    if judgement and last_one
                    else "",
                    incidents=3 if number == 1 and last_one else None,
                )
            if number <= 2:
                _enrich(victim, idva, world, area, number=number, high_risk=number == 1)
        if area == "north" and cases and not NewPartnerNotice.objects.filter(case=cases[0]).exists():
            services.new_partner_notice_create(
                actor=world.user("casemanager", "north"),
                case=cases[0],
                what_is_known="Mentioned a new girlfriend called 'Sam' in session; together about two months; she has a young son.",
            )
    _enrich_serial_victims(world)


def _enrich_serial_victims(world) -> None:
    """Casework's demo creates victims (the serial perpetrator's among them) with names only: fill them in."""
    serial_ids = set(
        Perpetrator.objects.annotate(n=Count("victim_links")).filter(n__gte=3).values_list("pk", flat=True)
    )
    instrument = DashInstrument.current()
    links = VictimLink.objects.filter(victim__safe_contact__isnull=True).select_related("victim__team__area")
    for number, link in enumerate(links.order_by("perpetrator_id", "label_number"), start=10):
        victim = link.victim
        area = victim.team.area.code
        if (victim.first_name, victim.last_name) in OWN_NAMES:
            continue  # ours: already as the demo wants them (one is deliberately waiting for allocation)
        if VictimSafeContact.objects.filter(victim=victim).exists() or f"idva.{area}" not in world.users:
            continue  # a victim linked twice is filled in once
        idva = world.user("idva", area)
        if victim.idva_id is None:
            try:
                services.victim_allocate(actor=world.user("idvamanager", area), victim=victim, idva=idva)
            except ValidationError:
                continue  # the same-worker rule refused: leave it for the supervisor
        serial = link.perpetrator_id in serial_ids
        if not victim.dash_assessments.exists():
            yes = 15 if serial and link.label_number == 1 else 6 + number % 5
            _dash(victim, idva, instrument, yes=yes, days_ago=14, incidents=2)
        _enrich(victim, idva, world, area, number=number, high_risk=serial)
        if serial and link.label_number == 1:
            _close_support(victim, idva)  # the longest-ended relationship: support has finished


def _close_support(victim: Victim, actor) -> None:
    """Support that has ended: the IDVA records the exit outcomes, then closes the record."""
    services.outcome_record(
        actor=actor,
        victim=victim,
        stage="exit",
        physical_abuse="no",
        sexual_abuse="not_said",
        harassment_stalking="yes",
        jealous_controlling="no",
        idva_risk="medium",
        space_for_action=4,
        recorded_on=timezone.localdate() - datetime.timedelta(days=2),
    )
    victim.refresh_from_db()
    services.victim_update(
        actor=actor,
        victim=victim,
        expected_version=victim.version,
        support_status=Victim.SupportStatus.CLOSED,
    )
