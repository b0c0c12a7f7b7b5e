"""Victim-side risk rules (found by casework.flags through autodiscover_modules("flag_rules")).

These flags go only to the victim's IDVA team (the allocated IDVA, or the team's supervisors
when no IDVA is allocated, or the team's other IDVAs when it has no supervisor) and are the
only flags that may name the victim. They never carry a victim's location or contact details:
the IDVA has those on the victim's own record. If nobody in the team can receive one, it goes
to the area's admins and coordinators without the victim's name (casework.flags.Fallback).
The new-partner flag is the exception in audience: it goes to the perpetrator's side, the IDVA
team and the police, and so names nobody but the perpetrator.

Release reaches the IDVA team of every linked victim, including those whose support has
closed (to re-contact them). An incident from the police that names no Tideline victim number
reaches the IDVA teams of all the perpetrator's current linked victims, saying the victim was
not identified by police.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from accounts.models import Organisation, Role
from casework.flags import (
    Fallback,
    FlagSpec,
    Recipient,
    Rule,
    area_agency_reps,
    case_recipients,
    flags_raise,
    long_date,
    register,
    safe_url,
    team_members,
)
from casework.jobs import (
    EVENT_LOOKBACK_DAYS,
    POLICE_SOURCES,
    RELEASE_WHY,
    case_fallback,
    release_candidates,
    release_date_note,
    release_mark,
    release_text,
)
from casework.models import CustodyRecord, FlagAudience, FlagKind, Incident, OrderBreach
from victims.models import DashAssessment, DashInstrument, NewPartnerNotice, Victim, VictimLink

IDVA_TEAM_ROLES = (Role.IDVA, Role.SUPERVISOR)


def dash_review_days() -> int:
    return settings.TIDELINE_FLAG_DASH_REVIEW_DAYS


def _since(today: datetime.date, days: int) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=days), datetime.time.min)
    )


def _closed(victim: Victim) -> bool:
    return victim.support_status == Victim.SupportStatus.CLOSED


def idva_recipients(victims) -> dict[int, list[Recipient]]:
    """The victim's IDVA; when none is allocated, or the allocated IDVA has left the team (or
    moved to other work), the IDVA team's supervisors. When neither can receive it,
    `idva_fallback` takes it to the team's other IDVAs."""
    victims = list(victims)
    teams = {v.team_id for v in victims}
    in_team = team_members(teams, IDVA_TEAM_ROLES)
    supervisors = team_members(teams, [Role.SUPERVISOR])
    result = {}
    for victim in victims:
        if victim.idva_id and victim.idva_id in in_team.get(victim.team_id, []):
            reason = (
                "Support is closed: you were this victim's IDVA"
                if _closed(victim)
                else "You are this victim's IDVA"
            )
            result[victim.pk] = [Recipient(victim.idva_id, reason, victim.team_id)]
            continue
        if _closed(victim):
            reason = "Support is closed: you supervise the IDVA team"
        elif victim.idva_id:
            reason = "The allocated IDVA is no longer in the team: you supervise the IDVA team"
        else:
            reason = "No IDVA is allocated: you supervise the IDVA team"
        result[victim.pk] = [
            Recipient(user_id, reason, victim.team_id) for user_id in supervisors.get(victim.team_id, [])
        ]
    return result


def idva_fallback(victim: Victim, kind: str) -> Fallback:
    """The team's other IDVAs; beyond the team, a text that gives the victim's reference only."""
    return Fallback(
        team_id=victim.team_id,
        roles=(Role.IDVA,),
        area_title=(
            f"{FlagKind(kind).label}: a flag for victim {victim.reference} has nobody in their IDVA team to receive it"
        ),
        area_todo=(
            "Nobody in the victim's IDVA team can receive this flag: no IDVA or supervisor is in post. "
            "Put someone in post in the team and ask them to open the victim's record and act on it."
        ),
    )


def _victim_flags(pairs) -> int:
    """`pairs` of (victim, FlagSpec): make each spec victim-side and address it to the IDVA team."""
    pairs = list(pairs)
    recipients = idva_recipients({victim.pk: victim for victim, _ in pairs}.values())
    specs = []
    for victim, spec in pairs:
        spec.audience = FlagAudience.VICTIM
        spec.victim_id = victim.pk
        spec.case_id = None
        spec.url = spec.url or safe_url("victims:detail", victim.pk)
        spec.recipients = recipients.get(victim.pk, [])
        spec.fallback = idva_fallback(victim, spec.kind)
        specs.append(spec)
    return flags_raise(specs)


def _links_of(perpetrator_ids) -> dict[int, list[VictimLink]]:
    """Every linked victim (past relationships and closed support included), not deleted."""
    links: dict[int, list[VictimLink]] = {}
    for link in VictimLink.objects.filter(
        perpetrator_id__in=set(perpetrator_ids), victim__deleted_at__isnull=True
    ).select_related("victim"):
        links.setdefault(link.perpetrator_id, []).append(link)
    return links


# --- Release: tell the IDVA of every linked victim ---------------------------------------------------


def release_victims_raise(ids: list[int], today: datetime.date) -> int:
    records = list(CustodyRecord.objects.filter(pk__in=ids).select_related("perpetrator"))
    links = _links_of(r.perpetrator_id for r in records)

    def pairs():
        for record in records:
            mark, trigger = release_mark(record, today)
            for link in links.get(record.perpetrator_id, []):
                victim = link.victim
                if _closed(victim):
                    name = f"{victim.full_name} (support closed)"
                    tell = (
                        f"Support for {victim.first_name} is closed, but they must still be told: re-contact "
                        f"{victim.first_name} safely about the release, offer support again, review their safety, and check "
                    )
                else:
                    name = victim.full_name
                    tell = f"Tell {victim.first_name} about the release, review the safety plan with them, and check "
                yield (
                    victim,
                    FlagSpec(
                        kind=FlagKind.RELEASE,
                        subject_key=f"custody:{record.pk}/victim:{victim.pk}",
                        trigger_date=trigger,
                        title=f"{name}: {record.perpetrator.full_name} is {release_text(mark, record, today)}",
                        why=RELEASE_WHY,
                        todo=(
                            tell
                            + "with the case manager that licence conditions and accommodation away from them are in place."
                            + (" The release date is not confirmed yet." if release_date_note(record) else "")
                        ),
                    ),
                )

    return _victim_flags(pairs())


register(
    Rule(
        "release_victims",
        release_candidates,
        release_victims_raise,
        event="custody",
        description="Release: linked victims",
    )
)


# --- Incidents: the victims involved, and escalation -------------------------------------------------


def incident_candidates(today: datetime.date):
    return (
        Incident.objects.filter(
            created_at__gte=_since(today, EVENT_LOOKBACK_DAYS),
            is_domestic_abuse=True,
            victim_links__isnull=False,
        )
        .values_list("pk", flat=True)
        .distinct()
    )


def incident_victims_candidates(today: datetime.date):
    """As incident_candidates, plus police incidents that name no victim (incident_victims_raise)."""
    return (
        Incident.objects.filter(created_at__gte=_since(today, EVENT_LOOKBACK_DAYS), is_domestic_abuse=True)
        .filter(Q(victim_links__isnull=False) | Q(source__in=POLICE_SOURCES))
        .values_list("pk", flat=True)
        .distinct()
    )


def _incidents(ids):
    return list(
        Incident.objects.filter(pk__in=ids, is_domestic_abuse=True)
        .select_related("perpetrator")
        .prefetch_related("victim_links__victim")
    )


def _current_links(perpetrator_ids) -> dict[int, list[VictimLink]]:
    """The perpetrator's current links (the relationship not ended), victims not deleted."""
    links: dict[int, list[VictimLink]] = {}
    for link in VictimLink.objects.filter(
        perpetrator_id__in=set(perpetrator_ids), is_current=True, victim__deleted_at__isnull=True
    ).select_related("victim"):
        links.setdefault(link.perpetrator_id, []).append(link)
    return links


def incident_victims_raise(ids: list[int], today: datetime.date) -> int:
    """The IDVA of each victim involved. When the police named no victim Tideline knows (no
    victim numbers), the incident may concern any current linked victim: each one's IDVA is
    told, and told that the police did not say who was involved."""
    incidents = _incidents(ids)
    unidentified = {
        i.pk: i.perpetrator_id for i in incidents if i.source in POLICE_SOURCES and not i.victim_links.all()
    }
    current = _current_links(unidentified.values()) if unidentified else {}

    def pairs():
        for incident in incidents:
            named = [link for link in incident.victim_links.all() if link.victim.deleted_at is None]
            guessed = current.get(incident.perpetrator_id, []) if incident.pk in unidentified else []
            for link in named + guessed:
                victim = link.victim
                what = (
                    f"new incident with {incident.perpetrator.full_name} on "
                    f"{long_date(incident.occurred_on)} ({incident.get_offence_display()})"
                )
                if link in named:
                    title = f"{victim.full_name}: {what}"
                    todo = f"Contact {victim.first_name} safely, review the DASH and the safety plan, and consider a MARAC referral."
                else:
                    title = f"{victim.full_name}: {what}; victim not identified by police"
                    todo = (
                        f"The police did not say which victim was involved: it may concern {victim.first_name}. "
                        f"Check with the police public protection unit and, if it does, contact {victim.first_name} "
                        "safely, review the DASH and the safety plan, and consider a MARAC referral."
                    )
                yield (
                    victim,
                    FlagSpec(
                        kind=FlagKind.INCIDENT,
                        subject_key=f"incident:{incident.pk}/victim:{victim.pk}",
                        trigger_date=incident.occurred_on,
                        title=title,
                        why="A new incident may mean risk has risen.",
                        todo=todo,
                    ),
                )

    return _victim_flags(pairs())


register(
    Rule(
        "incident_victims",
        incident_victims_candidates,
        incident_victims_raise,
        event="incident",
        description="New incident: victims",
    )
)


def escalation_threshold() -> int:
    instrument = DashInstrument.current()
    return instrument.escalation_incidents if instrument else 3


def escalation_raise(ids: list[int], today: datetime.date) -> int:
    """Victims whose incidents in the 12 months to this one reach the potential-escalation count."""
    threshold = escalation_threshold()
    incidents = _incidents(ids)
    involved = {
        link.victim_id: link.victim
        for incident in incidents
        for link in incident.victim_links.all()
        if link.victim.deleted_at is None
    }
    if not involved:
        return 0
    earliest = min(i.occurred_on for i in incidents) - datetime.timedelta(days=365)
    dated: dict[int, set[tuple[int, datetime.date]]] = {}
    # One query for the whole batch: every incident of these victims in the widest window.
    for victim_id, pk, occurred_on in Incident.objects.filter(
        is_domestic_abuse=True, victim_links__victim_id__in=list(involved), occurred_on__gte=earliest
    ).values_list("victim_links__victim_id", "pk", "occurred_on"):
        dated.setdefault(victim_id, set()).add((pk, occurred_on))

    def pairs():
        for incident in incidents:
            window = (incident.occurred_on - datetime.timedelta(days=365), incident.occurred_on)
            for link in incident.victim_links.all():
                victim = involved.get(link.victim_id)
                if victim is None:
                    continue
                count = sum(1 for _, day in dated.get(victim.pk, ()) if window[0] <= day <= window[1])
                if count < threshold:
                    continue
                yield (
                    victim,
                    FlagSpec(
                        kind=FlagKind.ESCALATION,
                        subject_key=f"incident:{incident.pk}/victim:{victim.pk}",
                        trigger_date=incident.occurred_on,
                        title=f"{victim.full_name}: {count} incidents in 12 months (potential escalation)",
                        why=f"{threshold} or more incidents in 12 months meets the MARAC potential-escalation criterion.",
                        todo=f"Review the DASH with {victim.first_name} and refer to MARAC if the criterion is met.",
                    ),
                )

    return _victim_flags(pairs())


register(
    Rule(
        "escalation",
        incident_candidates,
        escalation_raise,
        event="incident",
        description="Potential escalation",
    )
)


# --- Breach: the IDVA of each protected person --------------------------------------------------------


def breach_candidates(today: datetime.date):
    return OrderBreach.objects.filter(created_at__gte=_since(today, EVENT_LOOKBACK_DAYS)).values_list(
        "pk", flat=True
    )


def breach_victims_raise(ids: list[int], today: datetime.date) -> int:
    breaches = list(
        OrderBreach.objects.filter(pk__in=ids)
        .select_related("order__perpetrator")
        .prefetch_related("order__protected_persons__victim")
    )

    def pairs():
        for breach in breaches:
            order = breach.order
            for link in order.protected_persons.all():
                victim = link.victim
                if victim.deleted_at is not None:
                    continue
                yield (
                    victim,
                    FlagSpec(
                        kind=FlagKind.ORDER_BREACH,
                        subject_key=f"breach:{breach.pk}/victim:{victim.pk}",
                        trigger_date=breach.occurred_on,
                        title=(
                            f"{victim.full_name}: {order.perpetrator.full_name} breached the "
                            f"{order.get_kind_display()} protecting them on {long_date(breach.occurred_on)}"
                        ),
                        why="A breach is a sign that risk is rising.",
                        todo=f"Contact {victim.first_name} safely, review the safety plan, and check police are acting on the breach.",
                    ),
                )

    return _victim_flags(pairs())


register(
    Rule(
        "breach_victims",
        breach_candidates,
        breach_victims_raise,
        event="breach",
        description="Breach: protected persons",
    )
)


# --- New partner: case manager, IDVA team and police -------------------------------------------------


def new_partner_candidates(today: datetime.date):
    return NewPartnerNotice.objects.filter(recorded_at__gte=_since(today, EVENT_LOOKBACK_DAYS)).values_list(
        "pk", flat=True
    )


def new_partner_raise(ids: list[int], today: datetime.date) -> int:
    """Names only the perpetrator: what the case manager wrote about the partner stays on the notice."""
    notices = list(
        NewPartnerNotice.objects.filter(pk__in=ids).select_related("case__perpetrator", "case__team")
    )
    cases = case_recipients(n.case for n in notices)
    idva_teams = team_members({n.idva_team_id for n in notices}, IDVA_TEAM_ROLES)
    police = area_agency_reps({n.case.team.area_id for n in notices}, Organisation.Kind.POLICE)
    specs = []
    for notice in notices:
        case = notice.case
        recipients = list(cases.get(case.pk, []))
        recipients += [
            Recipient(
                user_id, "Your IDVA team is asked to offer the new partner support", notice.idva_team_id
            )
            for user_id in idva_teams.get(notice.idva_team_id, [])
        ]
        recipients += [
            Recipient(user_id, "Police: consider a DVDS Right to Know disclosure", team_id)
            for user_id, team_id in police.get(case.team.area_id, [])
        ]
        recorded = timezone.localdate(notice.recorded_at)
        specs.append(
            FlagSpec(
                kind=FlagKind.NEW_PARTNER,
                subject_key=f"new_partner:{notice.pk}",
                trigger_date=recorded,
                title=f"{case.reference} {case.perpetrator.full_name}: new partner recorded on {long_date(recorded)}",
                why="A new partner of a person who causes harm may be at risk and may not know their history.",
                todo=(
                    "IDVA team: pick up the notice and offer the new partner support. Police: consider a DVDS "
                    "Right to Know disclosure. Case manager: discuss the relationship at the next session."
                ),
                case_id=case.pk,
                url=safe_url("victims:pick_up", notice.pk),
                recipients=recipients,
                fallback=case_fallback(case),
            )
        )
    return flags_raise(specs)


register(
    Rule(
        "new_partner",
        new_partner_candidates,
        new_partner_raise,
        event="new_partner",
        description="New partner",
    )
)


# --- DASH re-assessment due ---------------------------------------------------------------------------


def _dash_due(today: datetime.date):
    """Supported victims whose latest DASH was completed in the due window.

    Found from the assessments completed in the window (an index range) that have no later
    assessment, not from every victim's latest assessment: at national size the aggregate
    over every supported victim took seconds.
    """
    days = dash_review_days()
    later = DashAssessment.objects.filter(
        victim_id=OuterRef("victim_id"), completed_at__gt=OuterRef("completed_at")
    )
    latest_in_window = (
        DashAssessment.objects.filter(
            completed_at__gte=_since(today, days + 60), completed_at__lt=_since(today, days - 1)
        )
        .exclude(Exists(later))
        .values("victim_id")
    )
    return Victim.objects.filter(
        support_status__in=[Victim.SupportStatus.NEW, Victim.SupportStatus.ENGAGED], pk__in=latest_in_window
    )


def dash_due_candidates(today: datetime.date):
    """Supported victims whose latest DASH is more than N days old (within the last 60 days of due)."""
    return _dash_due(today).order_by().values_list("pk", flat=True)


def dash_due_raise(ids: list[int], today: datetime.date) -> int:
    days = dash_review_days()
    victims = list(
        _dash_due(today).filter(pk__in=ids).annotate(latest_dash=Max("dash_assessments__completed_at"))
    )

    def pairs():
        for victim in victims:
            done = timezone.localdate(victim.latest_dash)
            due = done + datetime.timedelta(days=days)
            yield (
                victim,
                FlagSpec(
                    kind=FlagKind.DASH_DUE,
                    subject_key=f"victim:{victim.pk}",
                    trigger_date=due,
                    title=f"{victim.full_name}: DASH re-assessment due (last completed {long_date(done)})",
                    why="Risk changes over time; a DASH more than a few months old may understate it.",
                    todo=f"Complete a new DASH with {victim.first_name}.",
                    url=safe_url("victims:dash", victim.pk),
                ),
            )

    return _victim_flags(pairs())


register(Rule("dash_due", dash_due_candidates, dash_due_raise, description="DASH re-assessment due"))
