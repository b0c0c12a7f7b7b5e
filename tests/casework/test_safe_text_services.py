"""Every service that writes free text the perpetrator's side reads refuses a victim's location or
contact details itself (accounts.safe_text.refuse_contact_details), so the API, imports and jobs
are refused exactly as the forms are. Each is called directly with a street address (the kind
the old guard missed), refused with the field named, and nothing is written.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import AuditEvent, Organisation
from accounts.safe_text import ADDRESS, contact_details_message
from casework import flags, grants, services, services_legal
from casework.models import Assessment, AssessmentInstrument, CustodyRecord, FlagRecipient

pytestmark = pytest.mark.django_db

STREET = "Spoke to her at 14 Acacia Avenue"
MESSAGE = contact_details_message([ADDRESS])


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


@dataclass
class Ctx:
    world: Any
    case: Any

    @property
    def manager(self):
        return self.world.user("casemanager", "north")

    @property
    def supervisor(self):
        return self.world.user("supervisor", "north")


def _goal(c: Ctx):
    return services.support_goal_add(
        case=c.case, actor=c.manager, need_domain="housing", goal="Stable housing", status="in_progress"
    )


def _action(c: Ctx):
    return services.disruption_action_add(
        case=c.case,
        actor=c.manager,
        agency=Organisation.objects.get(name="Northshire Police"),
        lever="welfare_check",
        description="Welfare check",
        status="planned",
    )


def _order(c: Ctx):
    return services_legal.order_create(actor=c.manager, case=c.case, kind="dvpo", made_on=days_ago(5))


def _custody(c: Ctx):
    return CustodyRecord.objects.create(
        case=c.case, perpetrator=c.case.perpetrator, sentence_date=days_ago(400), created_by=c.manager
    )


def _incident(c: Ctx, **fields):
    return services_legal.incident_create(
        actor=c.manager,
        perpetrator=c.case.perpetrator,
        case=c.case,
        occurred_on=days_ago(3),
        incident_type="crime",
        offence="common_assault",
        is_domestic_abuse=True,
        **fields,
    )


def _closure(c: Ctx):
    return services.case_closure_request(
        case=c.case, actor=c.manager, reason="completed", summary="Work done.", exit_ratings={}
    )


def _flag_copy(c: Ctx):
    from casework.models import FlagKind, RiskFlag

    flag = RiskFlag.objects.create(
        kind=FlagKind.MISSED_SESSIONS,
        subject_key="test:1",
        trigger_date=timezone.localdate(),
        case=c.case,
        title="Missed sessions",
        why="Why",
        todo="Do",
    )
    return FlagRecipient.objects.create(flag=flag, user=c.manager, reason="You manage the case")


def _assessment(c: Ctx):
    from importlib import import_module

    from django.apps import apps

    import_module("casework.migrations.0003_assessment_instruments").install(apps, None)
    ace = AssessmentInstrument.objects.get(code="ace", version=1)
    return services.assessment_start(case=c.case, instrument=ace, actor=c.manager)


@dataclass
class Write:
    """`call(ctx, made)` writes STREET into `field`; `made = setup(ctx)` is what it needs first;
    `written(ctx)` reads what the call would add or change."""

    field: str
    call: Callable[[Ctx, Any], Any]
    written: Callable[[Ctx], Any]
    setup: Callable[[Ctx], Any] = lambda ctx: None


WRITES: dict[str, Write] = {
    "perpetrator_alias_add": Write(
        "note",
        lambda c, _: services.perpetrator_alias_add(
            perpetrator=c.case.perpetrator, actor=c.manager, name="Jay", note=STREET
        ),
        lambda c: c.case.perpetrator.aliases.count(),
    ),
    "case_risk_change": Write(
        "reason",
        lambda c, _: services.case_risk_change(
            case=c.case, actor=c.manager, risk_level="high", reason=STREET, expected_version=c.case.version
        ),
        lambda c: c.case.risk_changes.count(),
    ),
    "assessment_save": Write(
        "q_notes",
        lambda c, assessment: services.assessment_save(
            assessment=assessment, actor=c.manager, answers={"notes": STREET}, expected_version=1
        ),
        lambda c: [(a.answers, a.version) for a in Assessment.objects.all()],
        setup=_assessment,
    ),
    "support_goal_add": Write(
        "goal",
        lambda c, _: services.support_goal_add(
            case=c.case, actor=c.manager, need_domain="housing", goal=STREET, status="in_progress"
        ),
        lambda c: c.case.support_goals.count(),
    ),
    "disruption_action_add": Write(
        "description",
        lambda c, _: services.disruption_action_add(
            case=c.case,
            actor=c.manager,
            agency=Organisation.objects.get(name="Northshire Police"),
            lever="welfare_check",
            description=STREET,
            status="planned",
        ),
        lambda c: c.case.disruption_actions.count(),
    ),
    "plan_item_update (goal)": Write(
        "goal",
        lambda c, goal: services.plan_item_update(
            item=goal, actor=c.manager, expected_version=1, goal=STREET
        ),
        lambda c: list(c.case.support_goals.values_list("goal", "version")),
        setup=_goal,
    ),
    "plan_item_update (outcome)": Write(
        "outcome",
        lambda c, action: services.plan_item_update(
            item=action, actor=c.manager, expected_version=1, outcome=STREET
        ),
        lambda c: list(c.case.disruption_actions.values_list("outcome", "version")),
        setup=_action,
    ),
    "case_session_record": Write(
        "notes",
        lambda c, _: services.case_session_record(
            case=c.case,
            actor=c.manager,
            kind="one_to_one",
            held_on=days_ago(1),
            attendance="attended",
            notes=STREET,
        ),
        lambda c: c.case.sessions.count(),
    ),
    "case_note_add": Write(
        "text",
        lambda c, _: services.case_note_add(case=c.case, actor=c.manager, kind="contact", text=STREET),
        lambda c: c.case.notes.count(),
    ),
    "case_note_delete": Write(
        "reason",
        lambda c, note: services.case_note_delete(note=note, actor=c.manager, reason=STREET),
        lambda c: c.case.notes.count(),
        setup=lambda c: services.case_note_add(
            case=c.case, actor=c.manager, kind="contact", text="Called him."
        ),
    ),
    "case_closure_request": Write(
        "summary",
        lambda c, _: services.case_closure_request(
            case=c.case, actor=c.manager, reason="completed", summary=STREET, exit_ratings={}
        ),
        lambda c: c.case.closures.count(),
    ),
    "case_closure_decide": Write(
        "note",
        lambda c, closure: services.case_closure_decide(
            closure=closure, actor=c.supervisor, approve=False, note=STREET
        ),
        lambda c: list(c.case.closures.values_list("decision_note", "decided_at")),
        setup=_closure,
    ),
    "case_reopen": Write(
        "reason",
        lambda c, closed: services.case_reopen(case=closed, actor=c.supervisor, reason=STREET),
        lambda c: list(c.case.closures.values_list("reopen_reason", "reopened_at")),
        setup=lambda c: (
            services.case_closure_decide(closure=_closure(c), actor=c.supervisor, approve=True).case
        ),
    ),
    "order_create": Write(
        "conditions_detail",
        lambda c, _: services_legal.order_create(
            actor=c.manager, case=c.case, kind="dvpo", made_on=days_ago(5), conditions_detail=STREET
        ),
        lambda c: c.case.orders.count(),
    ),
    "order_update": Write(
        "conditions_detail",
        lambda c, order: services_legal.order_update(
            actor=c.manager, order=order, expected_version=1, conditions_detail=STREET
        ),
        lambda c: list(c.case.orders.values_list("conditions_detail", "version")),
        setup=_order,
    ),
    "order_breach_record": Write(
        "description",
        lambda c, order: services_legal.order_breach_record(
            actor=c.manager, order=order, occurred_on=days_ago(1), description=STREET
        ),
        lambda c: sum(order.breaches.count() for order in c.case.orders.all()),
        setup=_order,
    ),
    "custody_event_record": Write(
        "reason",
        lambda c, custody: services_legal.custody_event_record(
            actor=c.manager, custody=custody, kind="hearing", occurred_on=days_ago(1), reason=STREET
        ),
        lambda c: sum(custody.events.count() for custody in CustodyRecord.objects.all()),
        setup=_custody,
    ),
    "incident_create": Write(
        "summary", lambda c, _: _incident(c, summary=STREET), lambda c: c.case.incidents.count()
    ),
    "incident_update": Write(
        "summary",
        lambda c, incident: services_legal.incident_update(
            actor=c.manager, incident=incident, expected_version=1, summary=STREET
        ),
        lambda c: list(c.case.incidents.values_list("summary", "version")),
        setup=lambda c: _incident(c, summary="Attended"),
    ),
    "incident_delete": Write(
        "reason",
        lambda c, incident: services_legal.incident_delete(actor=c.manager, incident=incident, reason=STREET),
        lambda c: c.case.incidents.count(),
        setup=_incident,
    ),
    "case_access_grant": Write(
        "reason",
        lambda c, _: grants.case_access_grant(
            case=c.case,
            user=c.world.user("probation", "north"),
            level=grants.VIEW,
            reason=STREET,
            actor=c.supervisor,
        ),
        lambda c: AuditEvent.objects.filter(action=AuditEvent.Action.GRANT).count(),
    ),
    "flag_acknowledge": Write(
        "note",
        lambda c, copy: flags.flag_acknowledge(recipient=copy, note=STREET, actor=c.manager),
        lambda c: list(FlagRecipient.objects.values_list("acknowledged_at", "acknowledged_note")),
        setup=_flag_copy,
    ),
}


@pytest.mark.parametrize("name", list(WRITES))
def test_the_service_refuses_a_street_address_and_writes_nothing(world, case, name):
    write = WRITES[name]
    ctx = Ctx(world=world, case=case)
    made = write.setup(ctx)
    before = write.written(ctx)
    with pytest.raises(ValidationError) as error:
        write.call(ctx, made)
    assert error.value.message_dict == {write.field: [MESSAGE]}
    assert write.written(ctx) == before


def test_an_everyday_text_passes_every_service(world, case):
    """The same calls with ordinary casework text are written (so the refusals above mean something)."""
    ctx = Ctx(world=world, case=case)
    everyday = "Seen by PC 1234 at Leeds Magistrates' Court on 12/03/2026; 3 sessions missed."
    services.support_goal_add(
        case=case, actor=ctx.manager, need_domain="housing", goal=everyday, status="in_progress"
    )
    services.case_note_add(case=case, actor=ctx.manager, kind="contact", text=everyday)
    services_legal.order_create(
        actor=ctx.manager, case=case, kind="dvpo", made_on=days_ago(5), conditions_detail=everyday
    )
    _incident(ctx, summary=everyday)
    flags.flag_acknowledge(recipient=_flag_copy(ctx), note=everyday, actor=ctx.manager)
    assert case.notes.get().text == everyday
    assert FlagRecipient.objects.get().acknowledged_note == everyday


def test_a_referral_refuses_a_victims_school_in_its_concerns(world):
    from accounts.safe_text import SCHOOL
    from referrals.models import Referral
    from referrals.services import referral_save
    from tests.referrals.conftest import referral_fields

    with pytest.raises(ValidationError) as error:
        referral_save(
            actor=world.user("police", "north"),
            team=world.team("case_management", "north"),
            fields=referral_fields(concerns="Her son attends Moortown Primary; he waits outside."),
            victims=[],
            submit=False,
        )
    assert error.value.message_dict == {"concerns": [contact_details_message([SCHOOL])]}
    assert not Referral.objects.exists()
