"""Panels demo: one MARAC and one MATAC per demo area, each with a held meeting (attendance,
observer, research, minutes approved, actions done / overdue / not possible) and an upcoming
meeting with a full, published agenda. Uses the casework and victims demo records; creates a
few synthetic ones only if those apps have none. Idempotent: a panel that exists is left alone.
"""

from __future__ import annotations

import datetime
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation
from casework import services as casework_services
from casework.models import Case, RiskLevel
from panels import services, sharing
from panels.models import Action, AgendaItem, Attendance, MaracReferral, Panel, PanelMembership
from victims import services as victim_services
from victims.consent import WithoutConsent
from victims.models import Victim, VictimLink

MARAC_AGENCIES = ["police", "probation", "socialcare", "housing", "health", "idva"]
MATAC_AGENCIES = ["police", "probation", "socialcare", "housing", "health", "case_management"]
REPS = {
    "police": "police",
    "probation": "probation",
    "socialcare": "socialcare",
    "housing": "housing",
    "health": "health",
}

# Synthetic people, used only when the casework and victims demos have made none.
FALLBACK_PEOPLE = [
    ("Darren", "Holt", "Leanne", "Holt"),
    ("Marcus", "Fenwick", "Jade", "Ainsley"),
    ("Wayne", "Corrigan", "Tasha", "Moore"),
]


def _at(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _ensure_people(world, code: str) -> tuple[list[Case], list[Victim]]:
    area = world.areas[code]
    cases = list(
        Case.objects.filter(team__area=area, closed_on__isnull=True).select_related("perpetrator")[:15]
    )
    victims = list(Victim.objects.filter(area=area).exclude(support_status=Victim.SupportStatus.CLOSED)[:15])
    if cases and victims:
        return cases, victims
    manager = world.user("casemanager", code)
    idva = world.user("idva", code)
    for first, last, v_first, v_last in FALLBACK_PEOPLE:
        perpetrator = casework_services.perpetrator_create(
            actor=manager, area=area, first_name=first, last_name=f"{last} ({area.name})"
        )
        case = casework_services.case_open(
            actor=manager,
            perpetrator=perpetrator,
            team=world.team("case_management", code),
            case_manager=manager,
            risk_level=RiskLevel.HIGH,
        )
        cases.append(case)
        victims.append(
            victim_services.victim_create(
                actor=idva,
                team=world.team("idva", code),
                first_name=v_first,
                last_name=v_last,
                perpetrator=perpetrator,
                relationship=VictimLink.Relationship.EX_PARTNER,
            )
        )
    return cases, victims


def _panel(world, code: str, kind: str, agencies: list[str]) -> Panel | None:
    area = world.areas[code]
    name = f"{area.name} {'MARAC' if kind == Panel.Kind.MARAC else 'MATAC'}"
    if Panel.all_objects.filter(area=area, name=name).exists():
        return None
    panel = Panel.objects.create(
        name=name,
        kind=kind,
        area=area,
        coordinator_team=world.team("marac" if kind == Panel.Kind.MARAC else "matac", code),
        chair=world.user("chair", code),
        meeting_frequency=Panel.Frequency.MONTHLY
        if kind == Panel.Kind.MARAC
        else Panel.Frequency.FOUR_WEEKLY,
    )
    for key in agencies:
        organisation = world.team(key, code).organisation
        membership, _ = PanelMembership.objects.get_or_create(panel=panel, organisation=organisation)
        if key in REPS:
            membership.representatives.add(world.user(REPS[key], code))
    return panel


def _held_meeting(world, code: str, panel: Panel, subjects: list[dict]) -> None:
    coordinator = world.user("coordinator", code)
    chair = world.user("chair", code)
    police_org = world.team("police", code).organisation
    housing_org = world.team("housing", code).organisation
    meeting = services.meeting_schedule(
        panel=panel, scheduled_for=_at(-28, 9, 30), venue="Civic Centre, Committee Room 2", actor=coordinator
    )
    # Victims listed at MARAC are MARAC referrals: agenda_item_add records them (35 days ago here).
    referral = (
        {"referred_on": timezone.localdate() - timedelta(days=35), "referral_reason": "dash_threshold"}
        if panel.kind == Panel.Kind.MARAC
        else {}
    )
    items = [
        services.agenda_item_add(meeting=meeting, actor=coordinator, **subject, **referral)
        for subject in subjects[:3]
    ]
    services.agenda_publish(meeting=meeting, actor=coordinator)
    for item in items:
        services.research_submit(
            item=item,
            organisation=police_org,
            holds_information=True,
            summary="Two call-outs in the last six months; one arrest for criminal damage, no further action.",
            actor=world.user("police", code),
        )
    services.research_submit(
        item=items[0],
        organisation=housing_org,
        holds_information=False,
        summary="",
        actor=world.user("housing", code),
    )
    entries = {}
    for membership in PanelMembership.objects.filter(panel=panel).select_related("organisation"):
        status = Attendance.Status.PRESENT
        if membership.organisation.kind == Organisation.Kind.HEALTH:
            status = Attendance.Status.INFORMATION_SENT
        elif membership.organisation.kind == Organisation.Kind.HOUSING:
            status = Attendance.Status.APOLOGIES
        entries[membership.organisation_id] = (
            status,
            "" if status != Attendance.Status.PRESENT else "Representative",
        )
    services.attendance_record(meeting=meeting, entries=entries, actor=coordinator)
    services.observer_add(
        meeting=meeting,
        name="Priya Observer",
        role="Trainee social worker, Children's Services",
        signed_on=timezone.localdate() - timedelta(days=28),
        actor=coordinator,
    )
    for item in items:
        services.minutes_record(
            item=item,
            discussion_summary="Agencies shared information. Risk remains high because of recent escalation.",
            agreed_risk_level=RiskLevel.HIGH,
            decisions="Safety measures to be reviewed; agencies to complete actions before the next meeting.",
            expected_version=item.version,
            actor=coordinator,
        )
    probation_org = world.team("probation", code).organisation
    done = services.action_add(
        item=items[0],
        organisation=police_org,
        owner=world.user("police", code),
        description="Place a warning marker on the address held for the person causing harm.",
        due_on=timezone.localdate() - timedelta(days=20),
        actor=coordinator,
    )
    services.action_update(
        action=done,
        status=Action.Status.DONE,
        update_note="Marker added.",
        expected_version=done.version,
        actor=coordinator,
    )
    services.action_add(
        item=items[min(1, len(items) - 1)],
        organisation=probation_org,
        owner=world.user("probation", code),
        description="Review licence conditions with the offender manager and report back.",
        due_on=timezone.localdate() - timedelta(days=7),
        actor=coordinator,
    )
    impossible = services.action_add(
        item=items[-1],
        organisation=housing_org,
        description="Offer a housing options appointment to the person causing harm.",
        due_on=timezone.localdate() - timedelta(days=14),
        actor=coordinator,
    )
    services.action_update(
        action=impossible,
        status=Action.Status.NOT_POSSIBLE,
        update_note="The person moved out of the area before an appointment could be offered.",
        expected_version=impossible.version,
        actor=coordinator,
    )
    services.minutes_approve(meeting=meeting, actor=chair)


def _upcoming_meeting(world, code: str, panel: Panel, subjects: list[dict]) -> None:
    coordinator = world.user("coordinator", code)
    meeting = services.meeting_schedule(
        panel=panel, scheduled_for=_at(14, 9, 30), venue="Civic Centre, Committee Room 2", actor=coordinator
    )
    for subject in subjects[:15]:
        services.agenda_item_add(meeting=meeting, actor=coordinator, **subject)
    services.agenda_publish(meeting=meeting, actor=coordinator)
    first = meeting.items.order_by("order").first()
    services.research_submit(
        item=first,
        organisation=world.team("police", code).organisation,
        holds_information=True,
        summary="One further incident reported since the referral; officers attended.",
        actor=world.user("police", code),
    )


def _stale_referral(world, code: str, panel: Panel, victims: list[Victim]) -> None:
    """A referral more than 12 months old, so the "12 months since last MARAC" list has an entry."""
    if len(victims) < 2:
        return
    victim = victims[-1]
    link = VictimLink.objects.filter(victim=victim).order_by("-is_current", "pk").first()
    services.marac_referral_record(
        panel=panel,
        victim=victim,
        perpetrator=link.perpetrator if link else None,
        referred_on=timezone.localdate() - timedelta(days=400),
        reason=MaracReferral.Reason.PROFESSIONAL_JUDGEMENT,
        actor=world.user("coordinator", code),
    )


def _partner_nomination(world, code: str, panel: Panel, cases: list[Case]) -> None:
    """A probation nomination waiting for the coordinator, naming someone with a record."""
    if not cases:
        return
    person = cases[-1].perpetrator
    services.partner_nomination_submit(
        panel=panel,
        organisation=world.team("probation", code).organisation,
        first_name=person.first_name,
        last_name=person.last_name,
        date_of_birth=person.date_of_birth,
        reason="Released on licence last month; two reported breaches of his exclusion zone since, "
        "and a new partner disclosed at supervision.",
        actor=world.user("probation", code),
    )


def _consent_to_marac(world, code: str, panel: Panel, subjects: list[dict]) -> None:
    """Listing a victim at MARAC needs her consent or a basis for sharing without it (panels.sharing).
    Most demo victims consented; for the second, asking was unsafe, and the coordinator records
    the basis when listing her."""
    idva = world.user("idva", code)
    for index, subject in enumerate(subjects):
        victim = subject["victim"]
        if sharing.basis(panel, victim).allowed:
            continue
        if index == 1:
            subject["without_consent"] = WithoutConsent(
                consent="not_sought_unsafe",
                legal_basis="vital_interests",
                rationale="He monitors her phone and asking would have alerted him; the risk of serious "
                "harm is high and the agencies need to act before the next incident.",
            )
            continue
        victim_services.consent_decision_record(
            actor=idva,
            victim=victim,
            purpose="marac",
            receiving_organisation=panel.coordinator_team.organisation,
            consent="given",
            legal_basis="consent",
            decided_on=timezone.localdate() - timedelta(days=40),
        )


def _as_reviews(subjects: list[dict]) -> list[dict]:
    return [{**subject, "reason": AgendaItem.Reason.REVIEW} for subject in subjects]


@transaction.atomic
def seed(world) -> None:
    for code in world.areas:
        cases, victims = _ensure_people(world, code)
        marac = _panel(world, code, Panel.Kind.MARAC, MARAC_AGENCIES)
        if marac is not None:
            victim_subjects = [
                {"victim": v, "reason": AgendaItem.Reason.NEW, "risk_level": RiskLevel.HIGH} for v in victims
            ]
            _consent_to_marac(world, code, marac, victim_subjects)
            _held_meeting(world, code, marac, victim_subjects)
            # The last victim is left off the upcoming agenda: their only referral is over 12 months old.
            _upcoming_meeting(world, code, marac, victim_subjects[3:-1] + _as_reviews(victim_subjects[:3]))
            _stale_referral(world, code, marac, victims)
        matac = _panel(world, code, Panel.Kind.MATAC, MATAC_AGENCIES)
        if matac is not None:
            case_subjects = [{"case": c, "reason": AgendaItem.Reason.NOMINATION} for c in cases]
            _held_meeting(world, code, matac, case_subjects)
            _upcoming_meeting(world, code, matac, case_subjects[3:] + _as_reviews(case_subjects[:3]))
            _partner_nomination(world, code, matac, cases)
