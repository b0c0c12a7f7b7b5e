"""The people and records the subject access tests share.

A perpetrator with a case full of records, and a victim-survivor linked to him with the canary
in every victim-restricted field (the pattern of tests/api/conftest.py `_restricted_victim_data`
and tests/victims/test_canary.py), plus her own support record, a child, a referral naming her
with its restricted details, a new partner notice, a MARAC listing about her and a victim-side
risk flag. The perpetrator's own records carry a second marker, which a victim-survivor's
request must never gather.
"""

from __future__ import annotations

import datetime
import json
import subprocess

from django.utils import timezone

from accounts import audit
from accounts.models import AuditEvent
from privacy import sar
from privacy.models import SarItem, SubjectAccessRequest

CANARY = "CANARYQX"  # in every victim-restricted field, and in the rest of her support record
PERP_CANARY = "PERPMARKZ"  # in the perpetrator's own records: never in a victim-survivor's request
VICTIM_NAME = "Zephyrine"
PERP_NAME = "Gideonax"
PERP_STREET = "Perpstreet"
CASE_NOTE = "Attended and talked about work"
DVDS_DISCLOSURE = "Right to Know disclosure to his new partner"
BREAK_GLASS_REASON = "Out of hours call from the custody suite about him"


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def build_people(world) -> dict:
    from casework import services as cw_services
    from casework import services_legal
    from casework.breakglass import break_glass_open
    from casework.models import (
        CaseNote,
        CaseSession,
        DisruptionAction,
        FlagKind,
        Offence,
        OrderKind,
        PerpetratorAddress,
        PerpetratorAlias,
        RiskFlag,
        RiskLevel,
    )
    from panels import services as panel_services
    from panels.models import MaracReferral, Panel, PanelMembership, Research
    from referrals.models import Referral, ReferralVictim, ReferralVictimDetails
    from victims import services as v_services
    from victims.models import ConsentDecision, DashInstrument, VictimLink

    north = world.areas["north"]
    manager = world.user("casemanager", "north")
    idva = world.user("idva", "north")
    police = world.team("police", "north").organisation
    perpetrator = cw_services.perpetrator_create(
        actor=manager,
        area=north,
        first_name=PERP_NAME,
        last_name="Marsh",
        date_of_birth=datetime.date(1984, 3, 2),
    )
    PerpetratorAddress.objects.create(
        perpetrator=perpetrator, line_1=f"3 {PERP_STREET}", town="Northtown", postcode="NT2 2BB"
    )
    PerpetratorAlias.objects.create(perpetrator=perpetrator, name=f"Gid {PERP_CANARY}")
    case = cw_services.case_open(
        actor=manager,
        perpetrator=perpetrator,
        team=world.team("case_management", "north"),
        case_manager=manager,
        risk_level=RiskLevel.HIGH,
    )
    cw_services.case_note_add(case=case, actor=manager, kind=CaseNote.Kind.CONTACT, text=CASE_NOTE)
    case.refresh_from_db()
    cw_services.case_risk_change(
        case=case,
        actor=manager,
        risk_level=RiskLevel.VERY_HIGH,
        reason="Threats reported by the police",
        expected_version=case.version,
    )
    cw_services.case_session_record(
        case=case,
        actor=manager,
        kind=CaseSession.Kind.ONE_TO_ONE,
        held_on=days_ago(3),
        attendance="attended",
        notes=f"Session notes {PERP_CANARY}",
    )
    cw_services.disruption_action_add(
        case=case,
        actor=manager,
        agency=police,
        lever=DisruptionAction.Lever.DVDS_DISCLOSURE,
        description=DVDS_DISCLOSURE,
        status=DisruptionAction.Status.PLANNED,
    )
    services_legal.order_create(
        actor=manager,
        case=case,
        kind=OrderKind.RESTRAINING,
        made_on=days_ago(30),
        expires_on=days_ago(-300),
        court_or_issuer="Northtown Magistrates",
    )
    services_legal.incident_create(
        actor=manager,
        perpetrator=perpetrator,
        case=case,
        occurred_on=days_ago(10),
        incident_type="crime",
        offence=Offence.HARASSMENT,
        summary=f"Police summary {PERP_CANARY}",
    )
    RiskFlag.objects.create(
        kind=FlagKind.MISSED_SESSIONS,
        subject_key=f"case:{case.pk}",
        trigger_date=days_ago(1),
        case=case,
        title="Two sessions missed in a row",
        why="Missed sessions can mean rising risk",
        todo="Contact him",
    )
    break_glass_open(reference=case.reference, reason=BREAK_GLASS_REASON, actor=world.user("police", "north"))
    audit.record(None, AuditEvent.Action.VIEW, case, user=world.user("supervisor", "north"))

    victim = v_services.victim_create(
        actor=idva,
        team=world.team("idva", "north"),
        first_name=VICTIM_NAME,
        last_name="Quill",
        known_as=f"Zeph {CANARY}",
        perpetrator=perpetrator,
        relationship=VictimLink.Relationship.EX_PARTNER,
    )
    link = victim.links.get()
    plant_restricted(victim, idva)
    instrument = DashInstrument.current()
    v_services.dash_complete(
        actor=idva,
        victim=victim,
        answers={
            str(q["number"]): {"answer": "yes", "comment": f"Comment {CANARY}"} for q in instrument.questions
        },
    )
    v_services.consent_decision_record(
        actor=idva,
        victim=victim,
        purpose=ConsentDecision.Purpose.MARAC,
        receiving_organisation=police,
        consent=ConsentDecision.Consent.REFUSED,
        legal_basis=ConsentDecision.LegalBasis.VITAL_INTERESTS,
        shared_without_consent=True,
        rationale=f"High risk {CANARY}",
    )
    v_services.consent_decision_record(  # she agreed to notes going to his case manager
        actor=idva,
        victim=victim,
        purpose=ConsentDecision.Purpose.PERPETRATOR_PROGRAMME,
        receiving_organisation=case.team.organisation,
        consent=ConsentDecision.Consent.GIVEN,
        legal_basis=ConsentDecision.LegalBasis.CONSENT,
    )
    v_services.shared_note_add(actor=idva, victim=victim, link=link, text="Please raise missed contact")
    notice = v_services.new_partner_notice_create(
        actor=manager, case=case, what_is_known=f"New partner lives at {CANARY} Gardens"
    )
    RiskFlag.objects.create(
        kind=FlagKind.RELEASE,
        audience="victim",
        subject_key=f"release:{case.pk}/victim:{victim.pk}",
        trigger_date=days_ago(1),
        case=case,
        victim=victim,
        title=f"Tell her before release {CANARY}",
        why="Release is near",
        todo="Call her",
    )

    referral = Referral.objects.create(
        area=north,
        team=world.team("case_management", "north"),
        first_name=PERP_NAME,
        created_by=manager,
        case=case,
        perpetrator=perpetrator,
        referrer_name="Rita Referrer",
        concerns=f"Referrer's worries {PERP_CANARY}",
    )
    named = ReferralVictim.objects.create(
        referral=referral,
        first_name=VICTIM_NAME,
        relationship="ex_partner",
        picked_up_victim_id=victim.pk,
    )
    ReferralVictimDetails.objects.create(
        referral_victim=named,
        address=f"2 {CANARY} Close",
        postcode=CANARY,
        phone=f"0161 {CANARY}",
        email=f"{CANARY.lower()}@example.test",
        safe_contact=f"Text {CANARY}",
        children_details=f"Two children {CANARY}",
        not_offered_note=f"Staying at {CANARY}",
    )

    coordinator = world.user("coordinator", "north")
    marac = Panel.objects.create(
        name="Northshire MARAC",
        kind=Panel.Kind.MARAC,
        area=north,
        coordinator_team=world.team("marac", "north"),
        chair=world.user("chair", "north"),
    )
    matac = Panel.objects.create(
        name="Northshire MATAC",
        kind=Panel.Kind.MATAC,
        area=north,
        coordinator_team=world.team("matac", "north"),
        chair=world.user("chair", "north"),
    )
    for panel in (marac, matac):
        PanelMembership.objects.create(panel=panel, organisation=police)
    when = timezone.now() + datetime.timedelta(days=7)
    marac_meeting = panel_services.meeting_schedule(
        panel=marac, scheduled_for=when, venue="Room 2", actor=coordinator
    )
    matac_meeting = panel_services.meeting_schedule(
        panel=matac, scheduled_for=when, venue="Room 3", actor=coordinator
    )
    victim_item = panel_services.agenda_item_add(
        meeting=marac_meeting, reason="new", actor=coordinator, victim=victim
    )
    type(victim_item).objects.filter(pk=victim_item.pk).update(
        discussion_summary=f"Discussed {CANARY}", decisions=f"Agreed {CANARY}"
    )
    Research.objects.create(
        agenda_item=victim_item,
        organisation=police,
        holds_information=True,
        summary=f"Housing research {CANARY}",
        submitted_by=world.user("police", "north"),
    )
    panel_services.action_add(
        item=victim_item,
        organisation=police,
        description=f"Flag {CANARY}",
        due_on=days_ago(-14),
        actor=coordinator,
    )
    case_item = panel_services.agenda_item_add(
        meeting=matac_meeting, reason="review", actor=coordinator, case=case
    )
    panel_services.action_add(
        item=case_item, organisation=police, description="Check bail", due_on=days_ago(-14), actor=coordinator
    )
    MaracReferral.objects.create(
        panel=marac,
        victim=victim,
        perpetrator=perpetrator,
        referred_on=days_ago(5),
        reason=MaracReferral.Reason.DASH_THRESHOLD,
        referred_by=idva,
    )
    return {"perpetrator": perpetrator, "case": case, "victim": victim, "link": link, "notice": notice}


def plant_restricted(victim, idva) -> None:
    """The canary in every victim-restricted field (as tests/api/conftest.py does, and more)."""
    from victims import services as v_services

    v_services.victim_address_add(
        actor=idva,
        victim=victim,
        kind="refuge",
        line_1=f"1 {CANARY} Street",
        line_2=f"Flat {CANARY}",
        town=f"{CANARY}ton",
        postcode=CANARY,
    )
    v_services.victim_contact_add(
        actor=idva, victim=victim, kind="mobile", value=f"07700 {CANARY}", note=CANARY
    )
    v_services.victim_contact_add(actor=idva, victim=victim, kind="email", value=f"{CANARY}@example.test")
    v_services.victim_safe_contact_save(
        actor=idva,
        victim=victim,
        safe_contact_method=f"Text {CANARY}",
        safe_times=f"Mornings {CANARY}",
        housing_situation="refuge",
        housing_notes=f"Refuge {CANARY}",
    )
    v_services.safety_plan_save(actor=idva, victim=victim, plan=f"Plan {CANARY}")
    v_services.safety_note_add(actor=idva, victim=victim, text=f"Note {CANARY}")
    child = v_services.child_add(
        actor=idva,
        victim=victim,
        first_name=f"Kid{CANARY}",
        school=f"{CANARY} Primary",
        address=f"{CANARY} Road",
    )
    v_services.encompass_record(
        actor=idva,
        child=child,
        incident_on=days_ago(4),
        notified_on=days_ago(3),
        before_next_school_day=True,
    )


def open_sar(world, kind: str, reference: str, area: str = "north") -> SubjectAccessRequest:
    return sar.sar_create(actor=world.user("dpo", area), subject_type=kind, reference=reference)


def item_text(item: SarItem) -> str:
    """Everything an item holds, as one string."""
    return " ".join(
        [item.section, item.title, item.exemption_note, json.dumps(item.data, ensure_ascii=False)]
    )


def decide_all(world, request: SubjectAccessRequest, decision: str = "disclose") -> None:
    """Decide every item waiting for a decision, as the DPO."""
    dpo = world.user("dpo", "north")
    for item in request.items.exclude(exemption="").filter(decision=""):
        sar.sar_item_decide(item=item, actor=dpo, decision=decision, reason="Reviewed for the test")


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "sar.pdf"
    path.write_bytes(content)
    return subprocess.run(  # noqa: S603
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607
        capture_output=True,
        check=True,
        text=True,
    ).stdout
