"""Nominations: who should come to the next MATAC or MARAC meeting, and why.

- MATAC: priority perpetrators ranked by RFG score, each with its explanation
  (casework.selectors_legal.matac_candidates), and beside them partner agencies'
  nominations, each with the RFG score and rank of the matching perpetrator records.
- MARAC: victims meeting a referral criterion: their DASH outcome (victims.selectors.
  marac_candidates: 14+, professional judgement, escalation) **or a repeat on its own**: a new
  domestic-abuse incident between the same victim and perpetrator within 12 months of the
  last MARAC referral. Repeats are flagged and listed first.
- Cases where 12 months have passed since the last MARAC referral are listed separately.

"Last MARAC referral" is read from panels.MaracReferral only (the victim's
`last_marac_referral_on` column is a copy kept by panels.services.marac_referral_record).

Only panel coordinators and chairs reach these (views check MANAGE on the panel). Victim
rows here carry names but never location or contact details.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Max, Q
from django.utils import timezone

from casework.models import Case, Perpetrator
from panels.models import AgendaItem, MaracReferral, Meeting, Panel, PartnerNomination
from panels.services import REPEAT_WINDOW
from victims.models import DashAssessment, Victim, VictimLink


@dataclass(frozen=True)
class MatacNomination:
    rank: int
    candidate: object  # casework.selectors_legal.MatacCandidate
    on_agenda: bool


@dataclass(frozen=True)
class MaracNomination:
    victim: Victim
    link: VictimLink | None
    reasons: list[str]
    dash_score: int | None
    last_referral_on: datetime.date | None
    repeat_incident_on: datetime.date | None
    on_agenda: bool

    @property
    def is_repeat(self) -> bool:
        return self.repeat_incident_on is not None

    @property
    def referral_reason(self) -> str:
        """The MaracReferral reason matching the strongest criterion met."""
        if self.is_repeat:
            return MaracReferral.Reason.REPEAT
        text = " ".join(self.reasons).lower()
        if "dash score" in text:
            return MaracReferral.Reason.DASH_THRESHOLD
        if "professional judgement" in text:
            return MaracReferral.Reason.PROFESSIONAL_JUDGEMENT
        return MaracReferral.Reason.ESCALATION


def _upcoming_subject_ids(panel: Panel) -> tuple[set[int], set[int]]:
    items = AgendaItem.objects.filter(
        meeting__panel=panel,
        meeting__status__in=[Meeting.Status.PLANNING, Meeting.Status.PUBLISHED],
        meeting__scheduled_for__gte=timezone.now(),
    )
    return (
        set(items.filter(case__isnull=False).values_list("case_id", flat=True)),
        set(items.filter(victim__isnull=False).values_list("victim_id", flat=True)),
    )


def matac_nominations(panel: Panel, *, limit: int | None = 50) -> list[MatacNomination]:
    """People in the area ranked by RFG score (the top `limit`; None for everyone with a score)."""
    from casework.selectors_legal import matac_candidates

    listed_cases, _ = _upcoming_subject_ids(panel)
    return [
        MatacNomination(
            rank=rank,
            candidate=candidate,
            on_agenda=candidate.case is not None and candidate.case.pk in listed_cases,
        )
        for rank, candidate in enumerate(matac_candidates(area=panel.area, limit=limit), start=1)
    ]


@dataclass(frozen=True)
class PersonMatch:
    """A perpetrator record in the panel's area that may be the nominated person."""

    perpetrator: Perpetrator
    open_case: Case | None
    ranked: MatacNomination | None  # rank and RFG score, when the person has one


@dataclass(frozen=True)
class PartnerRow:
    nomination: PartnerNomination
    matches: list[PersonMatch]


def _match_q(nomination: PartnerNomination) -> Q:
    """Same first and last name (and date of birth, when both are known), or same last name and date of birth."""
    same_name = Q(first_name__iexact=nomination.first_name, last_name__iexact=nomination.last_name)
    if nomination.date_of_birth:
        same_name &= Q(date_of_birth=nomination.date_of_birth) | Q(date_of_birth__isnull=True)
        same_name |= Q(last_name__iexact=nomination.last_name, date_of_birth=nomination.date_of_birth)
    return same_name


def _is_match(nomination: PartnerNomination, person: Perpetrator) -> bool:
    """`_match_q` in Python, to share out one query's results between nominations."""
    last = person.last_name.casefold() == nomination.last_name.casefold()
    same_name = last and person.first_name.casefold() == nomination.first_name.casefold()
    if not nomination.date_of_birth:
        return same_name
    if same_name and person.date_of_birth in (None, nomination.date_of_birth):
        return True
    return last and person.date_of_birth == nomination.date_of_birth


def partner_rows(
    panel: Panel, nominations: list[PartnerNomination], ranking: list[MatacNomination]
) -> list[PartnerRow]:
    """Each nomination with the records in the panel's area that may be the person (two queries in all)."""
    if not nominations:
        return []
    wanted = Q()
    for nomination in nominations:
        wanted |= _match_q(nomination)
    people = list(Perpetrator.objects.filter(wanted, area=panel.area).order_by("last_name", "pk")[:500])
    open_cases: dict[int, Case] = {}
    for case in Case.objects.filter(perpetrator__in=people, closed_on__isnull=True).order_by(
        "opened_on", "pk"
    ):
        open_cases[case.perpetrator_id] = case  # the latest opened wins, as in the ranking
    by_person = {row.candidate.perpetrator.pk: row for row in ranking}
    return [
        PartnerRow(
            nomination,
            [
                PersonMatch(person, open_cases.get(person.pk), by_person.get(person.pk))
                for person in people
                if _is_match(nomination, person)
            ][:10],
        )
        for nomination in nominations
    ]


def person_matches(
    panel: Panel, nomination: PartnerNomination, ranking: list[MatacNomination]
) -> list[PersonMatch]:
    """Records in the area that may be the nominated person, with their RFG rank when they have one."""
    return partner_rows(panel, [nomination], ranking)[0].matches


def last_referrals(victim_ids: list[int]) -> dict[tuple[int, int | None], datetime.date]:
    """The latest MARAC referral date per (victim, perpetrator) pair."""
    rows = (
        MaracReferral.objects.filter(victim_id__in=victim_ids)
        .values("victim_id", "perpetrator_id")
        .annotate(last=Max("referred_on"))
    )
    return {(row["victim_id"], row["perpetrator_id"]): row["last"] for row in rows}


def _incident_dates(victim_ids: list[int]) -> dict[tuple[int, int], list[datetime.date]]:
    """Domestic-abuse incident dates per (victim, perpetrator) pair, from casework's incident log."""
    from casework.models import Incident

    rows = Incident.objects.filter(
        is_domestic_abuse=True, victim_links__victim_id__in=victim_ids, victim_links__deleted_at__isnull=True
    ).values_list("victim_links__victim_id", "victim_links__perpetrator_id", "occurred_on")
    dates: dict[tuple[int, int], list[datetime.date]] = {}
    for victim_id, perpetrator_id, occurred_on in rows:
        dates.setdefault((victim_id, perpetrator_id), []).append(occurred_on)
    return dates


def repeat_incident(
    *, last_referral_on: datetime.date | None, incident_dates: list[datetime.date]
) -> datetime.date | None:
    """The first incident after the last referral and within 12 months of it, if any (a repeat)."""
    if last_referral_on is None:
        return None
    later = sorted(d for d in incident_dates if last_referral_on < d <= last_referral_on + REPEAT_WINDOW)
    return later[0] if later else None


def _links_by_victim(victim_ids) -> dict[int, list[VictimLink]]:
    links: dict[int, list[VictimLink]] = {}
    for link in (
        VictimLink.objects.filter(victim_id__in=victim_ids)
        .select_related("perpetrator")
        .order_by("-is_current", "pk")
    ):
        links.setdefault(link.victim_id, []).append(link)
    return links


def _pair_last_referral(
    referrals: dict[tuple[int, int | None], datetime.date], victim_id: int, perpetrator_id: int | None
) -> datetime.date | None:
    """The last referral for the pair; a referral that named no perpetrator counts for any."""
    known = [d for d in (referrals.get((victim_id, perpetrator_id)), referrals.get((victim_id, None))) if d]
    return max(known) if known else None


def marac_nominations(panel: Panel) -> list[MaracNomination]:
    """Victims in the panel's area meeting a MARAC criterion: DASH outcome, or a repeat on its own."""
    from victims.selectors import marac_candidates

    candidates = {c.victim.pk: c for c in marac_candidates(area=panel.area)}
    # Anyone referred before may be a repeat, whether or not their DASH outcome meets the criteria.
    referred = set(
        MaracReferral.objects.filter(
            victim__area=panel.area, referred_on__gte=timezone.localdate() - 2 * REPEAT_WINDOW
        )
        .exclude(victim__support_status=Victim.SupportStatus.CLOSED)
        .values_list("victim_id", flat=True)
    )
    victim_ids = sorted(set(candidates) | referred)
    links = _links_by_victim(victim_ids)
    referrals = last_referrals(victim_ids)
    incidents = _incident_dates(victim_ids)
    _, listed_victims = _upcoming_subject_ids(panel)
    victims = {v.pk: v for v in Victim.objects.filter(pk__in=set(referred) - set(candidates))}
    latest_dash: dict[int, int] = {}
    for victim_id, score in (
        DashAssessment.objects.filter(victim_id__in=victims).order_by("victim_id", "-completed_at", "-id")
    ).values_list("victim_id", "score"):
        latest_dash.setdefault(victim_id, score)
    nominations = []
    for victim_id in victim_ids:
        candidate = candidates.get(victim_id)
        victim = candidate.victim if candidate else victims.get(victim_id)
        if victim is None:
            continue
        victim_links = links.get(victim_id, [])
        # The repeat (if any) and the link it concerns: the first pair with a repeat incident wins.
        repeat_on, repeat_link = None, None
        for link in victim_links or [None]:
            perpetrator_id = link.perpetrator_id if link else None
            found = repeat_incident(
                last_referral_on=_pair_last_referral(referrals, victim_id, perpetrator_id),
                incident_dates=incidents.get((victim_id, perpetrator_id), []),
            )
            if found and (repeat_on is None or found < repeat_on):
                repeat_on, repeat_link = found, link
        if candidate is None and repeat_on is None:
            continue
        dates = [d for (v, _), d in referrals.items() if v == victim_id]
        reasons = list(candidate.reasons) if candidate else []
        if repeat_on is not None:
            reasons.insert(0, "repeat: new incident within 12 months of the last MARAC referral")
        nominations.append(
            MaracNomination(
                victim=victim,
                link=repeat_link or (victim_links[0] if victim_links else None),
                reasons=reasons,
                dash_score=(
                    candidate.latest_dash.score
                    if candidate and candidate.latest_dash
                    else latest_dash.get(victim_id)
                ),
                last_referral_on=max(dates) if dates else None,
                repeat_incident_on=repeat_on,
                on_agenda=victim_id in listed_victims,
            )
        )
    nominations.sort(key=lambda n: (not n.is_repeat, -(n.dash_score or 0), n.victim.pk))
    return nominations


def twelve_months_since_last_marac(
    panel: Panel, *, today: datetime.date | None = None
) -> list[MaracReferral]:
    """Each victim's latest MARAC referral to this panel, where that was more than 12 months ago."""
    today = today or timezone.localdate()
    latest = MaracReferral.objects.filter(panel=panel).values("victim_id").annotate(last=Max("referred_on"))
    stale = {row["victim_id"]: row["last"] for row in latest if today - row["last"] > REPEAT_WINDOW}
    rows = MaracReferral.objects.filter(panel=panel, victim_id__in=stale).select_related("perpetrator")
    latest_rows: dict[int, MaracReferral] = {}
    for row in rows.order_by("referred_on", "pk"):
        if row.referred_on == stale[row.victim_id]:
            latest_rows[row.victim_id] = row
    return sorted(latest_rows.values(), key=lambda r: (r.referred_on, r.pk))
