"""Nominations: who should come to the next MATAC or MARAC meeting, and why.

- MATAC: priority perpetrators ranked by RFG score, each with its explanation
  (casework.selectors_legal.matac_candidates).
- MARAC: victims meeting the referral criteria from their DASH outcome (victims.selectors.
  marac_candidates), with repeats flagged automatically: a new domestic-abuse incident
  between the same victim and perpetrator within 12 months of the last MARAC referral.
- Cases where 12 months have passed since the last MARAC referral are listed separately.

Only panel coordinators and chairs reach these (views check MANAGE on the panel). Victim
rows here carry names but never location or contact details.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Max
from django.utils import timezone

from panels.models import AgendaItem, MaracReferral, Meeting, Panel
from panels.services import REPEAT_WINDOW
from victims.models import Victim, VictimLink


@dataclass(frozen=True)
class MatacNomination:
    rank: int
    candidate: object  # casework.selectors_legal.MatacCandidate
    on_agenda: bool

    @property
    def can_list(self) -> bool:
        return self.candidate.case is not None and not self.on_agenda


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


def matac_nominations(panel: Panel, *, limit: int = 50) -> list[MatacNomination]:
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


def marac_nominations(panel: Panel) -> list[MaracNomination]:
    from victims.selectors import marac_candidates

    candidates = marac_candidates(area=panel.area)
    victim_ids = [c.victim.pk for c in candidates]
    links: dict[int, VictimLink] = {}
    for link in (
        VictimLink.objects.filter(victim_id__in=victim_ids)
        .select_related("perpetrator")
        .order_by("-is_current", "pk")
    ):
        links.setdefault(link.victim_id, link)
    referrals = last_referrals(victim_ids)
    incidents = _incident_dates(victim_ids)
    _, listed_victims = _upcoming_subject_ids(panel)
    nominations = []
    for candidate in candidates:
        victim = candidate.victim
        link = links.get(victim.pk)
        perpetrator_id = link.perpetrator_id if link else None
        recorded = referrals.get((victim.pk, perpetrator_id))
        known = [d for d in (recorded, candidate.last_marac_referral_on) if d]
        last = max(known) if known else None
        nominations.append(
            MaracNomination(
                victim=victim,
                link=link,
                reasons=list(candidate.reasons),
                dash_score=candidate.latest_dash.score if candidate.latest_dash else None,
                last_referral_on=last,
                repeat_incident_on=repeat_incident(
                    last_referral_on=last, incident_dates=incidents.get((victim.pk, perpetrator_id), [])
                ),
                on_agenda=victim.pk in listed_victims,
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
