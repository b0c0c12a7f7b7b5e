"""Reads of victim-survivor records, always through the access policy.

Restricted data (DESIGN.md §3) is read only here, and only for a user who can see the
victim under the Victim rule (their IDVA team, the allocated IDVA or a direct grant).
Other apps use the public functions at the bottom: `current_risk`, `marac_candidates`,
`linked_victim_idva_ids` and the safe view in victims.safe_view.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from accounts import audit, policy
from accounts.models import Role
from casework.models import RiskLevel
from victims.models import (
    Child,
    DashAssessment,
    DashInstrument,
    NewPartnerNotice,
    SafetyPlan,
    Victim,
    VictimLink,
    VictimSafeContact,
)
from victims.models.dash import HIGH_RISK_THRESHOLD


def victims_visible_to(user) -> QuerySet[Victim]:
    """Every victim record the user may open (their IDVA team's, allocated or granted)."""
    return policy.visible(user, Victim)


def get_victim_for_user(user, pk, *, action: str = policy.VIEW) -> Victim:
    """The victim with team and IDVA loaded. 404 if not visible, 403 if the action is not allowed."""
    return policy.get_for_user(
        user, Victim, pk, action=action, queryset=Victim.objects.select_related("team", "idva", "area")
    )


def victim_list(
    user, *, mine: bool = False, status: str = "", risk: str = "", q: str = ""
) -> QuerySet[Victim]:
    """The IDVA's list: visible victims with their latest DASH score, filtered."""
    latest = DashAssessment.objects.filter(victim=OuterRef("pk")).order_by("-completed_at", "-id")
    victims = (
        victims_visible_to(user)
        .select_related("idva")
        .annotate(latest_dash_score=Subquery(latest.values("score")[:1]))
        .annotate(latest_dash_band=Subquery(latest.values("band")[:1]))
        .annotate(latest_dash_judgement=Subquery(latest.values("judgement_level")[:1]))
    )
    if mine:
        victims = victims.filter(idva=user)
    if status:
        victims = victims.filter(support_status=status)
    if risk == RiskLevel.HIGH:
        victims = victims.filter(Q(latest_dash_band=RiskLevel.HIGH) | Q(latest_dash_judgement=RiskLevel.HIGH))
    elif risk:
        victims = victims.filter(latest_dash_band=risk).exclude(latest_dash_judgement=RiskLevel.HIGH)
    if q:
        for word in q.split()[:4]:
            victims = victims.filter(
                Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(known_as__icontains=word)
            )
    return victims.order_by("last_name", "first_name", "pk")


def _require_restricted_access(user, victim: Victim) -> None:
    if not policy.can(user, policy.VIEW, victim):
        raise PermissionDenied("Only the victim's IDVA team can see this.")


@dataclass(frozen=True)
class RestrictedDetails:
    """Everything that could locate or contact the victim. Never leave the IDVA team's pages."""

    addresses: list
    contacts: list
    safe_contact: VictimSafeContact | None
    safety_plan: SafetyPlan | None
    safety_notes: list


def restricted_details(*, victim: Victim, user) -> RestrictedDetails:
    _require_restricted_access(user, victim)
    return RestrictedDetails(
        addresses=list(victim.addresses.all()),
        contacts=list(victim.contacts.all()),
        safe_contact=VictimSafeContact.objects.filter(victim=victim).first(),
        safety_plan=SafetyPlan.objects.filter(victim=victim).select_related("updated_by").first(),
        safety_notes=list(victim.safety_notes.select_related("author")),
    )


def children_of(*, victim: Victim, user) -> list[Child]:
    _require_restricted_access(user, victim)
    return list(
        victim.children.prefetch_related(
            Prefetch("perpetrator_links", queryset=VictimLink.objects.select_related("perpetrator")),
            "encompass_notifications",
        )
    )


def links_of(victim: Victim) -> list[VictimLink]:
    return list(
        VictimLink.objects.filter(victim=victim).select_related("perpetrator").order_by("-is_current", "pk")
    )


def dash_history(victim: Victim) -> list[DashAssessment]:
    return list(victim.dash_assessments.select_related("instrument", "completed_by"))


def latest_dash(victim: Victim) -> DashAssessment | None:
    return victim.dash_assessments.order_by("-completed_at", "-id").first()


def pending_new_partner_notices(user) -> QuerySet[NewPartnerNotice]:
    """New-partner notices waiting for the user's IDVA teams to pick up."""
    return NewPartnerNotice.objects.filter(
        idva_team_id__in=user.team_ids(Role.IDVA, Role.SUPERVISOR), picked_up_at__isnull=True
    ).select_related("case__perpetrator", "recorded_by")


def get_notice_for_user(user, pk) -> NewPartnerNotice:
    from django.http import Http404

    notice = (
        NewPartnerNotice.objects.filter(pk=pk, idva_team_id__in=user.team_ids(Role.IDVA, Role.SUPERVISOR))
        .select_related("case__perpetrator", "recorded_by", "idva_team")
        .first()
    )
    if notice is None:
        raise Http404("Not found")
    return notice


def can_see_access_log(user, victim: Victim) -> bool:
    """The IDVA team's supervisor and the data protection officer see who opened a record."""
    return user.has_role(Role.DPO) or victim.team_id in user.team_ids(Role.SUPERVISOR)


def access_log(victim: Victim):
    return audit.events_for(victim)


# ---- For other apps -------------------------------------------------------------------------


def linked_victim_idva_ids(perpetrator) -> set[int]:
    """Users allocated as IDVA to any victim linked to `perpetrator` (ended links included).

    Casework's allocation calls this: the same person must not manage the perpetrator's
    case and support a victim of theirs.
    """
    return set(
        Victim.objects.filter(
            links__perpetrator=perpetrator, links__deleted_at__isnull=True, idva__isnull=False
        )
        .values_list("idva_id", flat=True)
        .distinct()
    )


@dataclass(frozen=True)
class MaracCandidate:
    victim: Victim
    reasons: list[str]
    latest_dash: DashAssessment | None
    last_marac_referral_on: datetime.date | None

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


def _incident_counts(victim_ids: list[int], since: datetime.date) -> dict[int, int]:
    """Domestic abuse incidents per victim from casework's incident log, when casework has one."""
    try:
        from casework.models import Incident  # built by the casework (legal) part
    except ImportError:
        return {}
    rows = (
        Incident.objects.filter(
            is_domestic_abuse=True, occurred_on__gte=since, victim_links__victim_id__in=victim_ids
        )
        .values("victim_links__victim_id")
        .annotate(n=Count("pk", distinct=True))
    )
    return {row["victim_links__victim_id"]: row["n"] for row in rows}


def marac_criteria(victims: list[Victim], *, today: datetime.date | None = None) -> dict[int, MaracCandidate]:
    """Which of `victims` meet a MARAC referral criterion, and why (SafeLives criteria)."""
    today = today or timezone.localdate()
    instrument = DashInstrument.current()
    threshold = instrument.escalation_incidents if instrument else 3
    latest: dict[int, DashAssessment] = {}
    for assessment in DashAssessment.objects.filter(victim__in=victims).order_by(
        "victim_id", "-completed_at", "-id"
    ):
        latest.setdefault(assessment.victim_id, assessment)
    incidents = _incident_counts([v.pk for v in victims], today - datetime.timedelta(days=365))
    result = {}
    for victim in victims:
        dash = latest.get(victim.pk)
        reasons = []
        if dash and dash.score >= HIGH_RISK_THRESHOLD:
            reasons.append(f"DASH score {dash.score} (14 or more)")
        if dash and dash.judgement_level == RiskLevel.HIGH and dash.score < HIGH_RISK_THRESHOLD:
            reasons.append("professional judgement: high risk")
        known = max(incidents.get(victim.pk, 0), (dash.incidents_last_12_months or 0) if dash else 0)
        if known >= threshold:
            reasons.append(f"potential escalation: {known} incidents in 12 months")
        if reasons:
            result[victim.pk] = MaracCandidate(victim, reasons, dash, victim.last_marac_referral_on)
    return result


def marac_candidates(*, area) -> list[MaracCandidate]:
    """Victims in `area` who meet the MARAC referral criteria, with the reason and last referral date.

    For the panels app, which must only show these to the MARAC coordinator; each candidate
    carries the Victim row (names, no location or contact detail).
    """
    victims = list(Victim.objects.filter(area=area).exclude(support_status=Victim.SupportStatus.CLOSED))
    return list(marac_criteria(victims).values())


# ---- Named victims on referrals, for the IDVA team to pick up ---------------------------------


def named_victims_to_pick_up(user):
    """Named victims of allocated referrals given to the user's IDVA teams, oldest first.

    Each row carries its restricted referral-stage details (`restricted`), referral and case:
    for the IDVA team's own pages only.
    """
    from referrals.selectors import named_victims_awaiting_pickup

    return named_victims_awaiting_pickup(user=user)


def pick_up_counts(user) -> dict[str, int]:
    """How many named victims and new-partner notices wait for the user's IDVA teams."""
    named = named_victims_to_pick_up(user).count()
    partners = pending_new_partner_notices(user).count()
    return {"named": named, "partners": partners, "total": named + partners}


def get_named_victim_for_user(user, pk):
    """A named victim awaiting pick-up by one of the user's IDVA teams; 404 for anyone else."""
    from django.http import Http404

    found = named_victims_to_pick_up(user).filter(pk=pk).select_related("referral__created_by").first()
    if found is None:
        raise Http404("Not found")
    return found


@dataclass(frozen=True)
class LikelyMatch:
    victim: Victim
    reasons: list[str]
    already_linked: bool

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


def likely_victim_matches(
    user, *, first_name: str, last_name: str, date_of_birth=None, perpetrator=None, limit: int = 10
) -> list[LikelyMatch]:
    """Victim records the user can see that may be this person: names that sound alike
    (Soundex or NYSIIS, as for perpetrators) and dates of birth exact, transposed or a year
    out. Each match says why; nothing is linked automatically."""
    from referrals.matching import dob_variants, sounds_alike

    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    variants = dob_variants(date_of_birth) if date_of_birth else {}
    near = Q(pk__in=[])
    if last_name:
        near |= Q(last_name__istartswith=last_name[:1]) | Q(known_as__istartswith=last_name[:1])
    if variants:
        near |= Q(date_of_birth__in=list(variants))
    if first_name and not last_name:
        near |= Q(first_name__istartswith=first_name[:1])
    candidates = victims_visible_to(user).filter(near).order_by("last_name", "first_name", "pk")[:500]
    linked = set()
    if perpetrator is not None:
        linked = set(VictimLink.objects.filter(perpetrator=perpetrator).values_list("victim_id", flat=True))
    matches = []
    for victim in candidates:
        reasons = []
        same_last = bool(last_name) and sounds_alike(last_name, victim.last_name)
        same_first = bool(first_name) and (
            sounds_alike(first_name, victim.first_name)
            or (victim.known_as and sounds_alike(first_name, victim.known_as))
        )
        if same_last:
            reasons.append(
                "same surname" if last_name.lower() == victim.last_name.lower() else "surname sounds alike"
            )
        if same_first:
            reasons.append(
                "same first name"
                if first_name.lower() == victim.first_name.lower()
                else "first name sounds alike"
            )
        dob_reason = variants.get(victim.date_of_birth) if victim.date_of_birth else None
        if dob_reason:
            reasons.append(dob_reason[0].lower() + dob_reason[1:])
        if (same_last and (same_first or dob_reason)) or (dob_reason and (same_first or same_last)):
            matches.append(LikelyMatch(victim, reasons, victim.pk in linked))
    matches.sort(key=lambda m: (-len(m.reasons), m.victim.last_name, m.victim.pk))
    return matches[:limit]
