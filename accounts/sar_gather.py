"""Subject access: what is gathered for each kind of subject, and under which exemption.

The one rule (DESIGN.md §3) holds here, where records are read, not at review or export:

- A perpetrator's request never reads a victim's own record or anything restricted about her:
  no victim row, address, contact detail, safe contact arrangement, safety plan or note, child,
  DASH answer, restricted referral details, nor what is known about a new partner. A linked
  person appears only as the relationship and its dates; a named victim on a referral only as
  the relationship. What is not gathered cannot be released by any review decision.
- A victim-survivor's request never reads the perpetrator's own records (his details, equality
  data, addresses, case file, legal records). The relationship names him, withheld as
  information about another person.

Items of the kinds the Data Protection Act 2018 exempts start withheld under their named
exemption (`SarItem.exemption`) with a note for the reviewer; the DPO then decides each one.
Everything else that is the subject's own is disclosed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q

from accounts.models import AuditEvent, Role
from accounts.models_sar import Exemption, SarItem
from accounts.sar_present import Words, written_date, written_datetime

AUDIT_ROWS_LIMIT = 5000
CRIME = Exemption.CRIME_TAXATION
HARM = Exemption.SERIOUS_HARM
OTHERS = Exemption.THIRD_PARTY

LINK_FIELDS = ("relationship", "started_on", "ended_on", "is_current")
LINK_LABELS = {
    "started_on": "Relationship started",
    "ended_on": "Relationship ended",
    "is_current": "Current relationship",
}

# Audit actions in words, completed by the record ("Looked at your case").
ACTION_WORDS = {
    AuditEvent.Action.VIEW: "Looked at",
    AuditEvent.Action.CREATE: "Created",
    AuditEvent.Action.UPDATE: "Changed",
    AuditEvent.Action.DELETE: "Deleted",
    AuditEvent.Action.EXPORT: "Exported a copy of",
    AuditEvent.Action.PRINT: "Printed",
    AuditEvent.Action.SEARCH: "Searched for",
    AuditEvent.Action.BREAK_GLASS: "Used emergency (break-glass) access to open",
    AuditEvent.Action.GRANT: "Gave someone access to",
    AuditEvent.Action.REVOKE: "Removed someone's access to",
    AuditEvent.Action.DENIED: "Was refused access to",
}


@dataclass
class Gathered:
    items: list[SarItem] = field(default_factory=list)
    words: Words = field(default_factory=Words)

    def add(
        self,
        section: str,
        title: str,
        obj: models.Model | None,
        data: dict,
        *,
        exemption: str = "",
        note: str = "",
        part: str = "",
        source_type: str = "",
    ) -> None:
        source_id = str(obj.pk) if obj is not None else ""
        # [label, value] pairs: a JSON object's key order is not kept by PostgreSQL (jsonb).
        pairs = [[label, value] for label, value in data.items()]
        self.items.append(
            SarItem(
                order=len(self.items),
                section=section[:120],
                title=title[:200],
                source_type=obj._meta.label_lower if obj is not None else source_type,
                source_id=f"{source_id}:{part}" if part else source_id,
                data=pairs,
                exemption=exemption,
                exemption_note=note[:200],
            )
        )

    def each(
        self, section: str, objects, title, *, extra=None, exemption: str = "", note: str = "", **fields
    ):
        """One item per object: `title(obj)` in words, its fields, plus `extra(obj)` if given."""
        for obj in objects:
            data = self.words.fields(obj, **fields)
            if extra is not None:
                data.update(extra(obj))
            self.add(section, title(obj), obj, data, exemption=exemption, note=note)


def _all(model):
    """Soft-deleted rows too: they are still held."""
    return model._base_manager


# --- A perpetrator's request ------------------------------------------------------------------------------


def gather_perpetrator(perpetrator) -> Gathered:
    from casework import models as cw
    from casework.models.legal import OrderCondition
    from panels import models as pm
    from referrals.models import Referral, ReferralVictim
    from victims import models as vm

    g = Gathered()
    w = g.words
    pid = perpetrator.pk
    about = "About you"
    g.add(about, "Your personal details", perpetrator, w.fields(perpetrator))
    g.each(
        about, _all(cw.PerpetratorAlias).filter(perpetrator_id=pid), lambda a: "Another name you are known by"
    )
    g.each(
        about,
        _all(cw.PerpetratorIdentifier).filter(perpetrator_id=pid),
        lambda i: i.get_kind_display(),
        skip=("kind",),
        labels={"value": "Number"},
    )
    g.each(about, _all(cw.PerpetratorAddress).filter(perpetrator_id=pid), lambda a: "Your address")

    cases = list(_all(cw.Case).filter(perpetrator_id=pid).order_by("opened_on", "id"))
    case_ids = [c.pk for c in cases]
    for case in cases:
        section = f"Your case, opened {written_date(case.opened_on)}"
        g.add(section, "About the case", case, w.fields(case, labels={"intervention_type": "Type of work"}))
        on_case = {"case_id": case.pk}
        g.each(
            section,
            _all(cw.CaseSession).filter(**on_case).order_by("held_on", "id"),
            lambda s: f"{s.get_kind_display()} on {written_date(s.held_on)}",
        )
        g.each(
            section,
            _all(cw.CaseNote).filter(**on_case).order_by("created_at", "id"),
            lambda n: f"Case note, {written_date(n.created_at)}",
            skip=("sensitivity",),
            exemption=HARM,
            note="A practitioner's case note: it can hold judgements about risk and what others said",
        )
        g.each(
            section,
            _all(cw.SupportGoal).filter(**on_case),
            lambda s: f"Support goal: {s.get_need_domain_display()}",
        )
        g.each(
            section,
            _all(cw.DisruptionAction).filter(**on_case),
            lambda d: f"Disruption action: {d.get_lever_display()}",
            exemption=CRIME,
            note="Action by the police or partner agencies to disrupt offending, such as a Clare's Law disclosure",
        )
        g.each(
            section,
            _all(cw.Assessment).filter(**on_case).select_related("instrument"),
            lambda a: f"{a.instrument.name}, started {written_date(a.created_at)}",
            extra=lambda a: {
                "Answers": [f"{label}: {value or 'Not answered'}" for label, value in a.answer_rows()]
            },
        )
        g.each(
            section,
            cw.CaseClosure.objects.filter(**on_case),
            lambda c: f"Request to close the case, {written_date(c.requested_at)}",
        )
        g.each(
            section,
            cw.RiskLevelChange.objects.filter(**on_case).order_by("changed_at", "id"),
            lambda r: f"Change of risk level, {written_date(r.changed_at)}",
            exemption=HARM,
            note="A risk assessment: its reasons can describe the risk to other people",
        )
        g.each(
            section,
            cw.OutcomeMeasure.objects.filter(**on_case),
            lambda o: f"{o.get_behaviour_display()} at {o.get_time_point_display().lower()}",
        )
        g.each(
            section,
            cw.RfgScore.objects.filter(**on_case),
            lambda r: f"Priority score ({r.get_kind_display().lower()}), {written_date(r.as_of)}",
            exemption=CRIME,
            note="A police-data score used to choose people for multi-agency tasking (MATAC)",
        )
        g.each(
            section,
            _all(cw.Order).filter(**on_case),
            lambda o: f"{o.get_kind_display()}, made {written_date(o.made_on)}",
            skip=("conditions",),
            extra=lambda o: (
                {"Conditions": [str(OrderCondition(c).label) for c in o.conditions or []]}
                if o.conditions
                else {}
            ),
        )
        g.each(
            section,
            _all(cw.OrderBreach).filter(order__case_id=case.pk),
            lambda b: f"Breach of an order, {written_date(b.occurred_on)}",
        )
        g.each(
            section,
            _all(cw.CustodyRecord).filter(**on_case),
            lambda c: f"Custodial sentence, {written_date(c.sentence_date)}",
            skip=("expected_release_month",),
            extra=lambda c: (
                {"Expected release month": f"{c.expected_release_month:%B %Y}"}
                if c.expected_release_month
                else {}
            ),
        )
        g.each(
            section,
            _all(cw.CustodyEvent).filter(custody__case_id=case.pk),
            lambda e: f"{e.get_kind_display()}, {written_date(e.occurred_on)}",
        )
        g.each(
            section,
            _all(cw.Incident).filter(**on_case),
            lambda i: f"Police incident, {written_date(i.occurred_on)}",
            exemption=CRIME,
            note="A police-recorded incident",
        )
        g.each(
            section,
            cw.RiskFlag.objects.filter(case_id=case.pk, victim__isnull=True).order_by("trigger_date", "id"),
            lambda f: f"Risk alert: {f.get_kind_display()}, {written_date(f.trigger_date)}",
            exemption=CRIME,
            note="A risk alert for the staff managing the risk",
        )
        for notice in vm.NewPartnerNotice.objects.filter(case_id=case.pk):
            # Only that a notice exists: what is known about the new partner is never gathered.
            g.add(
                section,
                "Note about a new partner",
                notice,
                {"Recorded on": written_date(notice.recorded_at)},
                exemption=OTHERS,
                note="About a new partner of the subject (what is known about them is not gathered)",
            )
    g.each(
        "Police incidents",
        _all(cw.Incident).filter(perpetrator_id=pid, case__isnull=True),
        lambda i: f"Police incident, {written_date(i.occurred_on)}",
        exemption=CRIME,
        note="A police-recorded incident",
    )

    referrer = (
        "referrer_name",
        "referrer_organisation",
        "referrer_role",
        "referrer_phone",
        "referrer_email",
        "concerns",
        "stated_risk_level",
        "legal_basis",
        "consent",
        "consent_notes",
    )
    referrals = _all(Referral).filter(Q(perpetrator_id=pid) | Q(case_id__in=case_ids)).distinct()
    for referral in referrals.order_by("received_on", "id"):
        received = written_date(referral.received_on)
        section = "Referrals about you"
        g.add(section, f"Referral received {received}", referral, w.fields(referral, skip=referrer))
        g.add(
            section,
            f"What the referrer told us, referral received {received}",
            referral,
            w.fields(referral, only=referrer),
            exemption=OTHERS,
            note="Who referred the subject and what they said: it identifies the referrer and others",
            part="referrer",
        )
        for named in _all(ReferralVictim).filter(referral_id=referral.pk):
            g.add(
                section,
                f"A person named on the referral received {received}",
                named,
                {"Relationship to you": named.get_relationship_display()},
                exemption=OTHERS,
                note="A victim-survivor named on the referral (only the relationship is gathered)",
            )

    for link in _all(vm.VictimLink).filter(perpetrator_id=pid):
        section = "People linked to you"
        g.add(
            section,
            f"Your {link.get_relationship_display().lower()}",
            link,
            w.fields(link, only=LINK_FIELDS, labels=LINK_LABELS),
            exemption=OTHERS,
            note="About a victim-survivor (only the relationship and its dates are gathered)",
        )
        g.each(
            section,
            vm.SharedNote.objects.filter(link_id=link.pk),
            lambda n: f"Note shared by another service, {written_date(n.shared_at)}",
            only=("text", "shared_at"),
            exemption=OTHERS,
            note="Written by a victim-survivor's support service about them",
        )

    section = "Multi-agency meetings"
    items = _all(pm.AgendaItem).filter(case_id__in=case_ids).select_related("meeting__panel")
    for item in items.order_by("meeting__scheduled_for", "id"):
        meeting = f"{item.meeting.panel.name}, {written_date(item.meeting.scheduled_for)}"
        g.add(
            section,
            f"Discussed at {meeting}",
            item,
            w.fields(item),
            exemption=CRIME,
            note="A multi-agency (MATAC or MARAC) listing and its minutes",
        )
        g.each(
            section,
            _all(pm.Research).filter(agenda_item_id=item.pk).select_related("organisation"),
            lambda r, meeting=meeting: f"Information from {r.organisation.name} for {meeting}",
            exemption=CRIME,
            note="An agency's research for a multi-agency meeting",
        )
        g.each(
            section,
            _all(pm.Action).filter(agenda_item_id=item.pk).select_related("organisation"),
            lambda a: f"Action for {a.organisation.name}, due {written_date(a.due_on)}",
            exemption=CRIME,
            note="An action agreed at a multi-agency meeting",
        )
    g.each(
        section,
        _all(pm.PartnerNomination).filter(perpetrator_id=pid).select_related("organisation"),
        lambda n: f"Nomination by {n.organisation.name}, {written_date(n.created_at)}",
        exemption=CRIME,
        note="An agency's nomination for multi-agency tasking (MATAC)",
    )
    for referral in _all(pm.MaracReferral).filter(perpetrator_id=pid).select_related("panel"):
        g.add(
            section,
            "A referral to a multi-agency risk assessment conference (MARAC) that names you",
            referral,
            {"Meeting": referral.panel.name, "Referred on": written_date(referral.referred_on)},
            exemption=OTHERS,
            note="A victim-survivor's MARAC referral (only the panel and date are gathered)",
        )

    _audit_items(
        g,
        [("casework.perpetrator", [pid], "your personal details"), ("casework.case", case_ids, "your case")],
    )
    return g


# --- A victim-survivor's request ---------------------------------------------------------------------------


def gather_victim(victim) -> Gathered:
    from casework.models import RiskFlag
    from panels import models as pm
    from referrals.models import ReferralVictim, ReferralVictimDetails
    from victims import models as vm

    g = Gathered()
    w = g.words
    vid = victim.pk
    about = "About you"
    g.add(about, "Your personal details", victim, w.fields(victim))
    g.each(about, _all(vm.VictimAddress).filter(victim_id=vid), lambda a: f"{a.get_kind_display()} address")
    g.each(about, _all(vm.VictimContact).filter(victim_id=vid), lambda c: c.get_kind_display())

    safety = "Keeping you safe"
    g.each(
        safety,
        _all(vm.VictimSafeContact).filter(victim_id=vid),
        lambda s: "How and when to contact you safely",
    )
    g.each(safety, _all(vm.SafetyPlan).filter(victim_id=vid), lambda p: "Your safety plan")
    g.each(
        safety,
        _all(vm.SafetyNote).filter(victim_id=vid).order_by("created_at", "id"),
        lambda n: f"Safety note, {written_date(n.created_at)}",
    )

    support = "Your support"
    g.each(
        support,
        vm.DashAssessment.objects.filter(victim_id=vid).select_related("instrument"),
        lambda d: f"Risk checklist (DASH), {written_date(d.completed_at)}",
        skip=("answers",),
        extra=lambda d: {"Answers": [_dash_line(row) for row in d.rows()]},
    )
    g.each(
        support,
        vm.ConsentDecision.objects.filter(victim_id=vid),
        lambda c: f"Decision about sharing your information, {written_date(c.decided_on)}",
    )
    g.each(
        support,
        vm.VictimOutcome.objects.filter(victim_id=vid),
        lambda o: f"How things were at {o.get_stage_display().lower()}",
    )
    g.each(
        support,
        vm.SharedNote.objects.filter(victim_id=vid),
        lambda n: f"Note your adviser shared with another service, {written_date(n.shared_at)}",
        only=("text", "shared_by", "shared_at"),
    )

    children = "Your children"
    child_note = "About a child: the child's own information"
    for child in _all(vm.Child).filter(victim_id=vid):
        g.add(
            children, f"Child: {child.first_name}", child, w.fields(child), exemption=OTHERS, note=child_note
        )
        g.each(
            children,
            vm.EncompassNotification.objects.filter(child_id=child.pk),
            lambda e: f"School told about an incident (Operation Encompass), {written_date(e.notified_on)}",
            exemption=OTHERS,
            note=child_note,
        )

    for link in _all(vm.VictimLink).filter(victim_id=vid).select_related("perpetrator"):
        # His name and the relationship only: the perpetrator's own records are never gathered here.
        data = {"Name": link.perpetrator.full_name}
        data.update(w.fields(link, only=LINK_FIELDS, labels=LINK_LABELS))
        g.add(
            "The person who harmed you",
            "Relationship",
            link,
            data,
            exemption=OTHERS,
            note="About the person who harmed the subject (only their name and the relationship)",
        )
    for notice in vm.NewPartnerNotice.objects.filter(victim_id=vid):
        g.add(
            "Information from other services",
            f"Note about a new relationship, {written_date(notice.recorded_at)}",
            notice,
            w.fields(notice, only=("what_is_known", "recorded_at")),
            exemption=OTHERS,
            note="Recorded by the service working with the person who harmed the subject",
        )

    referred = "Referrals that named you"
    for named in _all(ReferralVictim).filter(picked_up_victim_id=vid).select_related("referral"):
        received = written_date(named.referral.received_on)
        g.add(referred, f"Named on a referral received {received}", named, w.fields(named))
        details = ReferralVictimDetails.objects.filter(referral_victim_id=named.pk).first()
        if details is not None:
            g.add(
                referred,
                f"Your details given on the referral received {received}",
                details,
                w.fields(details),
            )

    section = "Multi-agency meetings"
    for item in _all(pm.AgendaItem).filter(victim_id=vid).select_related("meeting__panel"):
        meeting = f"{item.meeting.panel.name}, {written_date(item.meeting.scheduled_for)}"
        g.add(
            section,
            f"Discussed at {meeting}",
            item,
            w.fields(item),
            exemption=CRIME,
            note="A multi-agency (MARAC) listing and its minutes",
        )
        g.each(
            section,
            _all(pm.Research).filter(agenda_item_id=item.pk).select_related("organisation"),
            lambda r, meeting=meeting: f"Information from {r.organisation.name} for {meeting}",
            exemption=CRIME,
            note="An agency's research for a multi-agency meeting",
        )
        g.each(
            section,
            _all(pm.Action).filter(agenda_item_id=item.pk).select_related("organisation"),
            lambda a: f"Action for {a.organisation.name}, due {written_date(a.due_on)}",
            exemption=CRIME,
            note="An action agreed at a multi-agency meeting",
        )
    g.each(
        section,
        _all(pm.MaracReferral).filter(victim_id=vid).select_related("panel"),
        lambda r: f"Referral to {r.panel.name}, {written_date(r.referred_on)}",
        extra=lambda r: {"Meeting": r.panel.name},
        exemption=CRIME,
        note="A MARAC referral",
    )
    g.each(
        "Alerts about changes in risk",
        RiskFlag.objects.filter(victim_id=vid).order_by("trigger_date", "id"),
        lambda f: f"Risk alert: {f.get_kind_display()}, {written_date(f.trigger_date)}",
        exemption=OTHERS,
        note="An alert for the subject's adviser: it is about the person who harmed them",
    )
    _audit_items(g, [("victims.victim", [vid], "your support record")])
    return g


def _dash_line(row: dict) -> str:
    line = f"{row['number']}. {row['text']} {row['answer']}"
    return f"{line}. {row['comment']}" if row["comment"] else line


# --- Who accessed the record ---------------------------------------------------------------------------------


def _audit_items(g: Gathered, targets: list[tuple[str, list, str]]) -> None:
    """Who looked at the records (by organisation and role) and, withheld, the reasons they gave.

    A reason (`purpose`) is free text written by staff, such as a break-glass reason, and can say
    things about other people: it is third-party information, withheld unless the DPO decides.
    """
    condition = Q(pk__in=[])
    record_words = {}
    for object_type, ids, words in targets:
        if ids:
            condition |= Q(object_type=object_type, object_id__in=[str(i) for i in ids])
            record_words[object_type] = words
    events = list(AuditEvent.objects.filter(condition).order_by("occurred_at", "id")[:AUDIT_ROWS_LIMIT])
    if not events:
        return
    section = "Who has looked at your records"

    def who(e) -> list[str]:
        role = Role(e.role).label if e.role in Role.values else ""
        return [written_datetime(e.occurred_at), e.organisation or "Not recorded", role or "Not recorded"]

    columns = ["Date", "Organisation", "Role"]
    log = {
        "columns": [*columns, "What was done"],
        "rows": [
            [*who(e), f"{ACTION_WORDS.get(e.action, e.get_action_display())} {record_words[e.object_type]}"]
            for e in events
        ],
    }
    g.add(
        section,
        "Who has looked at or changed your records",
        None,
        {"Access": log},
        source_type="accounts.auditevent",
        part="log",
    )
    reasons = [[*who(e), e.purpose] for e in events if e.purpose.strip()]
    if reasons:
        g.add(
            section,
            "Reasons staff recorded for that access",
            None,
            {"Reasons": {"columns": [*columns, "Reason given"], "rows": reasons}},
            exemption=OTHERS,
            note="Reasons staff wrote (a break-glass reason, for example) can be about other people",
            source_type="accounts.auditevent",
            part="reasons",
        )
