"""Demo data for retention and subject access: an old closed case due for review, and a SAR.

`seed(world)` runs after the casework and victims demos (call it from seed_demo after them).
Idempotent: running it again changes nothing.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from casework import services as casework_services
from casework.models import Case, CaseNote, Perpetrator, RiskLevel
from privacy import retention, sar
from privacy.models import SubjectAccessRequest
from victims import services as victim_services
from victims.models import Victim, VictimLink

DEMO_FIRST, DEMO_LAST = "Owen", "Archer-Retention"


def _years_ago(years: int) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years, day=min(today.day, 28))


@transaction.atomic
def seed(world) -> None:
    area = world.areas["north"]
    team = world.team("case_management", "north")
    manager = world.user("casemanager", "north")
    perpetrator = Perpetrator.objects.filter(first_name=DEMO_FIRST, last_name=DEMO_LAST, area=area).first()
    if perpetrator is None:
        perpetrator = casework_services.perpetrator_create(
            actor=manager,
            area=area,
            first_name=DEMO_FIRST,
            last_name=DEMO_LAST,
            date_of_birth=datetime.date(1979, 6, 14),
            gender="male",
        )
        case = casework_services.case_open(
            actor=manager,
            perpetrator=perpetrator,
            team=team,
            case_manager=manager,
            risk_level=RiskLevel.MEDIUM,
        )
        CaseNote.objects.create(
            case=case, kind=CaseNote.Kind.values[0], text="Engaged well in the last sessions.", author=manager
        )
        # Closed seven years ago, so it is past the six-year retention period.
        Case.objects.filter(pk=case.pk).update(
            opened_on=_years_ago(8), closed_on=_years_ago(7), phase=Case.Phase.CLOSED
        )
        victim = victim_services.victim_create(
            actor=world.user("idva", "north"),
            team=world.team("idva", "north"),
            first_name="Rhian",
            last_name="Demo-Survivor",
            perpetrator=perpetrator,
            relationship=VictimLink.Relationship.EX_PARTNER,
        )
        victim_services.victim_address_add(
            actor=world.user("idva", "north"),
            victim=victim,
            line_1="12 Lantern Row",
            town="Northshire",
            postcode="NS1 4RR",
        )
        Victim.objects.filter(pk=victim.pk).update(support_status=Victim.SupportStatus.ENGAGED)
    retention.ensure_default_policies()
    retention.retention_scan()
    case = Case.all_objects.filter(perpetrator=perpetrator).first()
    if not SubjectAccessRequest.objects.filter(
        subject_type=SubjectAccessRequest.SubjectType.PERPETRATOR, subject_id=perpetrator.pk
    ).exists():
        sar.sar_create(
            actor=world.user("dpo", "north"),
            subject_type=SubjectAccessRequest.SubjectType.PERPETRATOR,
            reference=case.reference,
            notes="Demo request: identity checked with photo ID at the Drive Service office.",
        )
