"""One case-management team's caseload of synthetic records (see bench.dataset)."""

from __future__ import annotations

import datetime
import random

from django.db import connection

from bench import names
from bench.pgcopy import allocate_ids
from bench.profiles import (
    ATTENDANCE,
    CASE_DAYS,
    CHILD_STATUS,
    CHILDREN_COUNT,
    CLOSURE_REASONS,
    DAY,
    ETHNICITIES,
    HOUSING,
    INCIDENT_COLUMNS,
    INCIDENT_TYPE_OF,
    INTERVENTIONS,
    NOTE_KINDS,
    OFFENCES,
    ORDER_DAYS,
    ORDER_KINDS,
    PATHWAYS,
    RISK_WEIGHTS,
    SESSION_COUNTS,
    SESSION_KINDS,
    SUPPORT_STATUS,
    AreaWorld,
    Size,
    TeamStaff,
    day_between,
    moment_on,
    weighted,
)
from casework.models import (
    BehaviourType,
    Case,
    CaseClosure,
    CaseNote,
    CaseSession,
    ClosureReason,
    CustodyEvent,
    CustodyRecord,
    Incident,
    IncidentSource,
    IncidentType,
    Order,
    OrderBreach,
    OrderCondition,
    OrderKind,
    OutcomeMeasure,
    Perpetrator,
    PerpetratorIdentifier,
    RiskLevel,
)
from referrals.models import Referral
from victims.models import (
    Child,
    DashAssessment,
    DashInstrument,
    Victim,
    VictimAddress,
    VictimContact,
    VictimLink,
    VictimSafeContact,
    dash_band,
)


class Caseload:
    """Builds one team's perpetrators, cases and everything hanging off them, then writes it."""

    def __init__(
        self, world: AreaWorld, staff: TeamStaff, idva: TeamStaff, size: Size, *, seed, today, write
    ):
        self.world, self.staff, self.idva, self.size = world, staff, idva, size
        self.today, self.write = today, write
        self.rng = random.Random(f"{seed}:{world.area.code}:{staff.team.name}")  # noqa: S311
        self.earliest = today - DAY * (365 * size.years)

    # People --------------------------------------------------------------------------------------

    def _person_name(self, female: bool) -> tuple[str, str]:
        rng = self.rng
        return rng.choice(names.FEMALE_FIRST if female else names.MALE_FIRST), rng.choice(names.SURNAMES)

    def _dob(self, min_age: int, max_age: int) -> datetime.date:
        return self.today - DAY * self.rng.randint(365 * min_age, 365 * max_age)

    def _case_periods(self) -> list[tuple[str, datetime.date, datetime.date | None]]:
        rng, today = self.rng, self.today
        periods = []
        opened = today - DAY * rng.randint(3, (today - self.earliest).days - 30)
        while True:
            intervention = weighted(rng, INTERVENTIONS)
            mean, spread = CASE_DAYS[intervention]
            closed = opened + DAY * max(14, int(rng.gauss(mean, spread)))
            if closed >= today:
                periods.append((intervention, opened, None))
                return periods
            periods.append((intervention, opened, closed))
            # Most people have one case; some come back after a gap.
            if rng.random() > 0.18:
                return periods
            opened = closed + DAY * rng.randint(60, 700)
            if opened >= today - DAY * 3:
                return periods

    def build(self, target_cases: int) -> None:
        rng, world = self.rng, self.world
        perpetrators: list[Perpetrator] = []
        plans = []  # (perpetrator, periods, victims_count)
        made = 0
        while made < target_cases:
            periods = self._case_periods()[: target_cases - made]
            made += len(periods)
            first, last = self._person_name(female=rng.random() < 0.08)
            perpetrator = Perpetrator(
                first_name=first,
                last_name=last,
                date_of_birth=self._dob(18, 60),
                gender="female" if first in names.FEMALE_FIRST else "male",
                area=world.area,
                ethnicity=weighted(rng, ETHNICITIES),
                disability=rng.choice(("no", "no", "no", "yes", "")),
                first_language="English"
                if rng.random() < 0.9
                else rng.choice(("Polish", "Urdu", "Romanian", "Punjabi")),
                created_at=moment_on(periods[0][1], rng),
            )
            serial = rng.random() < 0.22
            victims = rng.randint(2, 4) if serial else 1
            perpetrators.append(perpetrator)
            plans.append((perpetrator, periods, victims))
        self.write(Perpetrator, perpetrators)
        self.write(
            PerpetratorIdentifier,
            [
                PerpetratorIdentifier(
                    perpetrator=p,
                    kind=PerpetratorIdentifier.Kind.PNC,
                    value=f"{world.area.code.upper()}/{p.pk:08d}X",
                )
                for p in perpetrators
            ],
        )
        self._victims_and_links(plans)
        self._cases(plans)

    # Victims -------------------------------------------------------------------------------------

    def _victims_and_links(self, plans) -> None:
        rng, today = self.rng, self.today
        victims, links, self.links_of = [], [], {}
        for perpetrator, periods, count in plans:
            first_open = periods[0][1]
            still_open = periods[-1][2] is None
            starts = sorted(first_open - DAY * rng.randint(200, 3000) for _ in range(count))
            own = []
            for number, started in enumerate(starts, start=1):
                current = number == count
                female = rng.random() < 0.85
                first, last = self._person_name(female)
                idva = rng.choice(self.idva.workers) if rng.random() < 0.85 else None
                status = Victim.SupportStatus.CLOSED if not still_open else weighted(rng, SUPPORT_STATUS)
                victim = Victim(
                    team=self.idva.team,
                    idva=idva,
                    first_name=first,
                    last_name=last if rng.random() < 0.7 else perpetrator.last_name,
                    date_of_birth=self._dob(17, 65),
                    gender="female" if female else "male",
                    area=self.world.area,
                    ethnicity=weighted(rng, ETHNICITIES),
                    sexuality=rng.choice(
                        (
                            "heterosexual",
                            "heterosexual",
                            "heterosexual",
                            "gay_lesbian",
                            "bisexual",
                            "prefer_not",
                            "",
                        )
                    ),
                    disability=rng.choice(("no", "no", "yes", "")),
                    support_status=status,
                    created_at=moment_on(max(started, first_open - DAY * 30), rng),
                )
                ended = (
                    None
                    if current
                    else day_between(rng, started + DAY * 30, min(today, first_open + DAY * 200))
                )
                link = VictimLink(
                    victim=victim,
                    perpetrator=perpetrator,
                    relationship=VictimLink.Relationship.PARTNER
                    if current
                    else VictimLink.Relationship.EX_PARTNER,
                    started_on=started,
                    ended_on=ended,
                    is_current=current,
                    label_number=number,
                    created_at=victim.created_at,
                )
                victims.append(victim)
                own.append(link)
            links.extend(own)
            self.links_of[perpetrator.pk] = own
        self.write(Victim, victims)
        self.write(VictimLink, links)
        self._victim_details(links)

    def _victim_details(self, links: list[VictimLink]) -> None:
        rng = self.rng
        instrument = DashInstrument.current()
        addresses, contacts, safe, dash, children = [], [], [], [], []
        for link in links:
            victim = link.victim
            addresses.append(
                VictimAddress(
                    victim=victim,
                    kind=VictimAddress.Kind.HOME if rng.random() < 0.9 else VictimAddress.Kind.REFUGE,
                    line_1=f"{rng.randint(1, 180)} {rng.choice(names.STREETS)}",
                    town=self.world.area.name.replace(" (synthetic)", ""),
                    postcode=f"ZZ{rng.randint(1, 99)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
                    from_date=link.started_on,
                )
            )
            contacts.append(
                VictimContact(
                    victim=victim, kind=VictimContact.Kind.MOBILE, value=f"07700 900{rng.randint(0, 999):03d}"
                )
            )
            safe.append(
                VictimSafeContact(
                    victim=victim,
                    safe_contact_method="Text first; call only if she replies",
                    safe_times="Weekdays 10:00 to 14:00",
                    housing_situation=weighted(rng, HOUSING),
                )
            )
            if instrument is not None:
                risk = rng.random()
                p_yes = 0.25 if risk < 0.4 else 0.45 if risk < 0.8 else 0.65
                answers = {
                    str(q["number"]): {
                        "answer": "yes" if rng.random() < p_yes else rng.choice(("no", "no", "dont_know")),
                        "comment": "",
                    }
                    for q in instrument.questions
                }
                score = DashAssessment.count_yes(answers)
                dash.append(
                    DashAssessment(
                        victim=victim,
                        instrument=instrument,
                        answers=answers,
                        score=score,
                        band=dash_band(score),
                        completed_by=victim.idva or self.idva.supervisor,
                        completed_at=victim.created_at + DAY * rng.randint(1, 10),
                    )
                )
            for _ in range(weighted(rng, CHILDREN_COUNT)):
                first, _last = self._person_name(rng.random() < 0.5)
                children.append(
                    (
                        Child(
                            victim=victim,
                            first_name=first,
                            last_name=victim.last_name,
                            date_of_birth=self._dob(0, 16),
                            school=""
                            if rng.random() < 0.4
                            else f"{rng.choice(names.PLACE_STARTS)} Primary School",
                            status=weighted(rng, CHILD_STATUS),
                        ),
                        link,
                    )
                )
        self.write(VictimAddress, addresses)
        self.write(VictimContact, contacts)
        self.write(VictimSafeContact, safe)
        self.write(DashAssessment, dash)
        self.write(Child, [child for child, _ in children])
        through = Child.perpetrator_links.through
        self.write(
            through,
            [through(child_id=child.pk, victimlink_id=link.pk) for child, link in children],
            label="victims.Child_perpetrator_links",
        )
        self.dash_level = {d.victim_id: d.band for d in dash}

    # Cases and their records -----------------------------------------------------------------------

    def _cases(self, plans) -> None:
        rng, today, staff = self.rng, self.today, self.staff
        cases: list[tuple[Case, Perpetrator]] = []
        for perpetrator, periods, _ in plans:
            for intervention, opened, closed in periods:
                age = (today - opened).days
                if closed is not None:
                    phase = Case.Phase.CLOSED
                elif intervention == Case.InterventionType.DISRUPT_ONLY:
                    phase = Case.Phase.DISRUPT
                elif age < 14:
                    phase = Case.Phase.REFERRAL
                elif age < 45:
                    phase = Case.Phase.ASSESSMENT
                else:
                    phase = Case.Phase.CLOSING if rng.random() < 0.05 else Case.Phase.ACTIVE
                manager = (
                    rng.choice(staff.workers) if phase != Case.Phase.REFERRAL or rng.random() < 0.5 else None
                )
                cases.append(
                    (
                        Case(
                            perpetrator=perpetrator,
                            team=staff.team,
                            case_manager=manager,
                            supervisor=staff.supervisor,
                            intervention_type=intervention,
                            phase=phase,
                            risk_level=weighted(rng, RISK_WEIGHTS),
                            next_review_date=None if closed else today + DAY * rng.randint(-20, 75),
                            opened_on=opened,
                            closed_on=closed,
                            restricted=rng.random() < 0.005,
                            created_at=moment_on(opened, rng),
                        ),
                        perpetrator,
                    )
                )
        self.write(Case, [case for case, _ in cases])
        for case, _ in cases:
            self.world.cases.append((case.pk, case.opened_on, case.closed_on, case.risk_level))
        for perpetrator, _periods, _ in plans:
            for link in self.links_of[perpetrator.pk]:
                self.world.victims.append(
                    (
                        link.victim.pk,
                        perpetrator.pk,
                        link.pk,
                        link.started_on,
                        self.dash_level.get(link.victim.pk, RiskLevel.STANDARD),
                        link.victim.idva_id or 0,
                    )
                )
        self._referrals(cases)
        self._incidents(cases)
        self._orders_and_custody(cases)
        self._sessions_and_notes(cases)
        self._closures_and_outcomes(cases)

    def _referrals(self, cases) -> None:
        rng = self.rng
        rows = []
        for case, perpetrator in cases:
            received = case.opened_on - DAY * rng.randint(1, 20)
            referrer = (
                rng.choice(self.world.reps["police"])
                if self.world.reps.get("police")
                else self.staff.supervisor
            )
            rows.append(
                Referral(
                    team=case.team,
                    area=self.world.area,
                    status=Referral.Status.ACCEPTED,
                    created_by=referrer,
                    pathway=weighted(rng, PATHWAYS),
                    received_on=received,
                    submitted_at=moment_on(received, rng),
                    referrer_name=referrer.full_name,
                    referrer_organisation=self.world.orgs["police"].name,
                    first_name=perpetrator.first_name,
                    last_name=perpetrator.last_name,
                    date_of_birth=perpetrator.date_of_birth,
                    gender=perpetrator.gender,
                    concerns="Repeated incidents reported by the police; partner frightened.",
                    stated_risk_level=case.risk_level
                    if case.risk_level != RiskLevel.VERY_HIGH
                    else RiskLevel.HIGH,
                    intervention_type=case.intervention_type,
                    legal_basis="public_task",
                    consent=rng.choice(("given", "refused", "not_sought")),
                    person_decision=Referral.PersonDecision.NEW,
                    perpetrator=perpetrator,
                    first_contact_due_on=received + DAY * 7,
                    first_contact_on=received + DAY * rng.randint(1, 10),
                    decided_by=self.staff.supervisor,
                    decided_at=moment_on(case.opened_on, rng),
                    allocated_by=self.staff.supervisor,
                    allocated_at=moment_on(case.opened_on, rng),
                    case=case,
                    created_at=moment_on(received, rng),
                )
            )
        self.write(Referral, rows)

    def _incidents(self, cases) -> None:
        """Incidents and their victim links: the biggest tables, written with COPY (bench.pgcopy)."""
        rng, today, world = self.rng, self.today, self.world
        rows, victim_of = [], []
        code = world.area.code.upper().replace("-", "")
        for case, perpetrator in cases:
            links = self.links_of[perpetrator.pk]
            end = case.closed_on or today
            start = max(case.opened_on - DAY * 730, self.earliest - DAY * 365)
            for n in range(rng.randint(3, 17)):
                # Serial perpetrators: the first incidents go round the victims so each one appears.
                link = links[n % len(links)] if n < len(links) else rng.choice(links)
                occurred = day_between(rng, max(start, link.started_on), end)
                offence = weighted(rng, OFFENCES)
                children = rng.random() < 0.3
                world.incident_counter += 1
                stamp = moment_on(min(today, occurred + DAY * rng.randint(0, 3)), rng)
                rows.append(
                    [
                        perpetrator.pk,
                        case.pk if occurred >= case.opened_on else None,
                        world.area.pk,
                        occurred,
                        datetime.time(rng.randrange(24), rng.randrange(60)),
                        INCIDENT_TYPE_OF.get(offence, IncidentType.CRIME),
                        offence,
                        True,
                        children,
                        rng.randint(1, 3) if children else None,
                        IncidentSource.IMPORTED,
                        f"{code}/{world.incident_counter:09d}",
                        "",
                        None,
                        stamp,
                        stamp,
                        None,
                        1,
                    ]
                )
                victim_of.append(link.pk)
        ids = allocate_ids(Incident, len(rows)) if connection.vendor == "postgresql" else None
        if ids is None:  # another database: let bulk_create number them
            made = self.write(
                Incident, [Incident(**dict(zip(INCIDENT_COLUMNS, row, strict=True))) for row in rows]
            )
            ids = [incident.pk for incident in made]
        else:
            self.write.copy(
                Incident, ("id", *INCIDENT_COLUMNS), [(pk, *row) for pk, row in zip(ids, rows, strict=True)]
            )
        through = Incident.victim_links.through
        self.write.copy(
            through,
            ("incident_id", "victimlink_id"),
            list(zip(ids, victim_of, strict=True)),
            label="casework.Incident_victim_links",
        )

    def _orders_and_custody(self, cases) -> None:
        rng, today = self.rng, self.today
        orders: list[tuple[Order, VictimLink]] = []
        custody: list[CustodyRecord] = []
        for case, perpetrator in cases:
            end = case.closed_on or today
            manager = case.case_manager or self.staff.supervisor
            if rng.random() < 0.4:
                kind = weighted(rng, ORDER_KINDS)
                made = day_between(rng, case.opened_on, end)
                length = ORDER_DAYS[kind]
                until_further = length is None and rng.random() < 0.6
                expires = None if until_further else made + DAY * (rng.randint(*length) if length else 365)
                orders.append(
                    (
                        Order(
                            case=case,
                            perpetrator=perpetrator,
                            kind=kind,
                            made_on=made,
                            served_on=made + DAY * rng.randint(0, 1),
                            expires_on=expires,
                            until_further_order=until_further,
                            conditions=[OrderCondition.NO_CONTACT, OrderCondition.EXCLUSION_ZONE][
                                : rng.randint(1, 2)
                            ],
                            notified_on=(made + DAY * rng.randint(0, 3))
                            if kind == OrderKind.DAPO and rng.random() < 0.85
                            else None,
                            court_or_issuer=f"{self.world.area.name.replace(' (synthetic)', '')} {rng.choice(names.COURTS)}",
                            created_by=manager,
                            created_at=moment_on(made, rng),
                        ),
                        rng.choice(self.links_of[perpetrator.pk]),
                    )
                )
            if rng.random() < 0.08:
                sentenced = day_between(rng, case.opened_on, end)
                months = rng.randint(6, 48)
                expected = sentenced + DAY * (months * 15)
                if case.closed_on is None and rng.random() < 0.3:
                    expected = today + DAY * rng.randint(0, 40)  # release coming up: the rules' work
                expected = max(expected, sentenced)
                released = expected if expected < today and rng.random() < 0.9 else None
                custody.append(
                    CustodyRecord(
                        case=case,
                        perpetrator=perpetrator,
                        establishment=rng.choice(names.PRISONS),
                        sentence_date=sentenced,
                        sentence_length=f"{months // 12} years {months % 12} months"
                        if months >= 12
                        else f"{months} months",
                        expected_release_on=expected,
                        licence_ends_on=sentenced + DAY * (months * 30),
                        released_on=released,
                        created_by=manager,
                        created_at=moment_on(sentenced, rng),
                    )
                )
        self.write(Order, [order for order, _ in orders])
        through = Order.protected_persons.through
        self.write(
            through,
            [through(order_id=o.pk, victimlink_id=link.pk) for o, link in orders],
            label="casework.Order_protected_persons",
        )
        breaches = []
        for order, _ in orders:
            if rng.random() < 0.15:
                last = min(order.expires_on or today, today)
                occurred = day_between(rng, order.made_on, last)
                breaches.append(
                    OrderBreach(
                        order=order,
                        occurred_on=occurred,
                        created_at=moment_on(min(today, occurred + DAY), rng),
                        description="Contacted the protected person by phone against the conditions.",
                        action_taken=rng.choice(
                            ("Arrested and charged", "Warning given", "Referred to court")
                        ),
                        created_by=order.created_by,
                    )
                )
        self.write(OrderBreach, breaches)
        self.write(CustodyRecord, custody)
        self.write(
            CustodyEvent,
            [
                CustodyEvent(
                    custody=c,
                    kind=CustodyEvent.Kind.RELEASE,
                    occurred_on=c.released_on,
                    created_by=c.created_by,
                    created_at=moment_on(c.released_on, rng),
                )
                for c in custody
                if c.released_on
            ],
        )

    def _sessions_and_notes(self, cases) -> None:
        """Sessions and notes, many per case: written with COPY (bench.pgcopy)."""
        rng, today = self.rng, self.today
        sessions, notes = [], []
        for case, _ in cases:
            end = case.closed_on or today
            worker = (case.case_manager or self.staff.supervisor).pk
            low, high = SESSION_COUNTS[case.intervention_type]
            for _ in range(rng.randint(low, high)):
                held = day_between(rng, case.opened_on, end)
                stamp = moment_on(held, rng)
                sessions.append(
                    (
                        case.pk,
                        rng.choice(SESSION_KINDS),
                        held,
                        rng.choice((30, 45, 60, 90)),
                        weighted(rng, ATTENDANCE),
                        "Discussed the week, triggers and the safety of others; agreed next steps.",
                        worker,
                        stamp,
                        stamp,
                        None,
                        1,
                    )
                )
            for _ in range(rng.randint(1, 5)):
                stamp = moment_on(day_between(rng, case.opened_on, end), rng)
                notes.append(
                    (
                        case.pk,
                        rng.choice(NOTE_KINDS),
                        "sensitive" if rng.random() < 0.05 else "normal",
                        "Spoke with the police domestic abuse officer about recent contact and bail conditions.",
                        worker,
                        stamp,
                        stamp,
                        None,
                        1,
                    )
                )
        record = ("created_at", "updated_at", "deleted_at", "version")
        self.write.copy(
            CaseSession,
            (
                "case_id",
                "kind",
                "held_on",
                "duration_minutes",
                "attendance",
                "notes",
                "recorded_by_id",
                *record,
            ),
            sessions,
        )
        self.write.copy(CaseNote, ("case_id", "kind", "sensitivity", "text", "author_id", *record), notes)

    def _closures_and_outcomes(self, cases) -> None:
        rng = self.rng
        closures, outcomes = [], []
        for case, _ in cases:
            if case.closed_on is None:
                continue
            worker = case.case_manager or self.staff.supervisor
            reason = weighted(rng, CLOSURE_REASONS)
            closures.append(
                CaseClosure(
                    case=case,
                    reason=reason,
                    summary="Work completed as planned; partner agencies informed.",
                    requested_by=worker,
                    requested_at=moment_on(case.closed_on - DAY * 3, rng),
                    decision=CaseClosure.Decision.APPROVED,
                    decided_by=self.staff.supervisor,
                    decided_at=moment_on(case.closed_on, rng),
                )
            )
            if (
                case.intervention_type in (Case.InterventionType.INTENSIVE, Case.InterventionType.GROUP)
                and rng.random() < 0.3
            ):
                for behaviour in BehaviourType.values:
                    intake = rng.randint(1, 4)
                    exit_ = (
                        max(0, intake - rng.randint(0, 3)) if reason == ClosureReason.COMPLETED else intake
                    )
                    for point, value, day in (
                        ("intake", intake, case.opened_on),
                        ("exit", exit_, case.closed_on),
                    ):
                        outcomes.append(
                            OutcomeMeasure(
                                case=case,
                                behaviour=behaviour,
                                time_point=point,
                                frequency=value,
                                recorded_by=worker,
                                recorded_at=moment_on(day, rng),
                            )
                        )
        self.write(CaseClosure, closures)
        self.write(OutcomeMeasure, outcomes)
