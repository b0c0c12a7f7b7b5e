"""Reads of referrals, always through the access policy.

Victim-restricted details (ReferralVictimDetails) leave this app only through
`victim_details_for` and `named_victims_awaiting_pickup`, both of which admit the IDVA team
the named victims were given to on allocation, and nobody else.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts import policy
from accounts.models import Team
from referrals import access
from referrals.bank_holidays import add_working_days
from referrals.matching import normalise_identifier
from referrals.models import (
    BankHoliday,
    Pathway,
    Referral,
    ReferralTargetRatio,
    ReferralVictim,
    ReferralVictimDetails,
    ScreeningCriterion,
    ServiceTarget,
    SignpostService,
)


def duplicate_window_days() -> int:
    return settings.REFERRALS_DUPLICATE_WINDOW_DAYS


def referrals_visible_to(user) -> QuerySet[Referral]:
    return policy.visible(user, Referral)


def get_referral_for_user(user, pk, *, action: str = policy.VIEW) -> Referral:
    """The referral with its team and people loaded. 404 if not visible, 403 if not allowed."""
    return policy.get_for_user(
        user,
        Referral,
        pk,
        action=action,
        queryset=Referral.objects.select_related(
            "team__organisation",
            "area",
            "created_by",
            "perpetrator",
            "case",
            "decided_by",
            "allocated_by",
            "signpost_service",
            "first_contact_by",
            "possible_duplicate_of",
        ),
    )


def holidays() -> set[datetime.date]:
    return set(BankHoliday.objects.filter(working_day=False).values_list("date", flat=True))


def first_contact_due(team: Team, received_on: datetime.date) -> datetime.date | None:
    target = ServiceTarget.objects.filter(team=team).first()
    if target is None:
        return None
    return add_working_days(received_on, target.first_contact_working_days, holidays())


def receiving_teams_for(user) -> QuerySet[Team]:
    """Case-management teams a user may send a referral to: those in their own areas."""
    area_ids = user.area_ids()
    return Team.objects.filter(kind=Team.Kind.CASE_MANAGEMENT, area_id__in=area_ids).select_related("area")


# --- The queue ------------------------------------------------------------------------------

QUEUE_TABS = {
    "new": ("New", Q(status=Referral.Status.NEW)),
    "screening": ("Awaiting screening decision", Q(status=Referral.Status.SCREENING)),
    "allocation": ("Awaiting allocation", Q(status=Referral.Status.AWAITING_ALLOCATION)),
    "overdue": ("Overdue for first contact", None),
    "decided": ("Decided", Q(status__in=Referral.DECIDED_STATUSES)),
}
SORTS = {
    "due": ("first contact due, soonest first", ["first_contact_due_on", "id"]),
    "received": ("received, newest first", ["-received_on", "-id"]),
    "received_oldest": ("received, oldest first", ["received_on", "id"]),
    "name": ("surname", ["last_name", "first_name", "id"]),
}


def _overdue_q(today: datetime.date) -> Q:
    return Q(
        status__in=Referral.OPEN_STATUSES,
        first_contact_on__isnull=True,
        first_contact_due_on__lt=today,
    )


def team_queue(
    *, user, team: Team, tab: str = "new", pathway: str = "", risk: str = "", sort: str = "due"
) -> QuerySet[Referral]:
    """One tab of a team's referral queue, filtered and sorted, ready to paginate."""
    today = timezone.localdate()
    referrals = referrals_visible_to(user).filter(team=team).exclude(status=Referral.Status.DRAFT)
    if tab == "overdue":
        referrals = referrals.filter(_overdue_q(today))
    else:
        referrals = referrals.filter(QUEUE_TABS.get(tab, QUEUE_TABS["new"])[1])
    if pathway in Pathway.values:
        referrals = referrals.filter(pathway=pathway)
    if risk:
        referrals = referrals.filter(stated_risk_level=risk)
    order = SORTS.get(sort, SORTS["due"])[1]
    return referrals.select_related("possible_duplicate_of", "case").order_by(*order)


def queue_counts(*, user, team: Team) -> dict[str, int]:
    today = timezone.localdate()
    base = referrals_visible_to(user).filter(team=team)
    aggregates = {key: Count("pk", filter=q) for key, (_, q) in QUEUE_TABS.items() if q is not None}
    aggregates["overdue"] = Count("pk", filter=_overdue_q(today))
    return base.aggregate(**aggregates)


def my_submissions(user) -> QuerySet[Referral]:
    """What this user has referred (drafts included), newest first."""
    return (
        Referral.objects.filter(created_by=user)
        .select_related("team", "signpost_service")
        .order_by("-created_at", "-id")
    )


def queue_teams_for(user) -> list[Team]:
    """The case-management teams whose queue the user works."""
    return [
        m.team
        for m in user.active_memberships()
        if m.role in access.TEAM_ROLES and m.team.kind == Team.Kind.CASE_MANAGEMENT
    ]


# --- Pathway mix ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MixRow:
    pathway: str
    label: str
    count: int
    actual_percent: Decimal
    target_percent: Decimal | None

    @property
    def difference(self) -> Decimal | None:
        return None if self.target_percent is None else self.actual_percent - self.target_percent


def pathway_mix(*, team: Team, since: datetime.date | None = None) -> tuple[int, list[MixRow]]:
    """Submitted referrals by pathway against the team's target ratios (aggregate, no names)."""
    referrals = Referral.objects.filter(team=team).exclude(status=Referral.Status.DRAFT)
    if since:
        referrals = referrals.filter(received_on__gte=since)
    counts = dict(referrals.order_by().values("pathway").annotate(n=Count("pk")).values_list("pathway", "n"))
    total = sum(counts.values())
    targets = dict(ReferralTargetRatio.objects.filter(team=team).values_list("pathway", "target_percent"))
    rows = []
    for value, label in Pathway.choices:
        count = counts.get(value, 0)
        if count == 0 and value not in targets:
            continue
        actual = (Decimal(count) * 100 / total).quantize(Decimal("0.1")) if total else Decimal("0.0")
        rows.append(MixRow(value, label, count, actual, targets.get(value)))
    rows.sort(key=lambda r: (-(r.target_percent or 0), -r.count, r.label))
    return total, rows


# --- Screening, duplicates ------------------------------------------------------------------


def criteria_for(referral: Referral) -> QuerySet[ScreeningCriterion]:
    return ScreeningCriterion.objects.filter(
        Q(team=referral.team) | Q(organisation_id=referral.team.organisation_id),
        Q(intervention_type="") | Q(intervention_type=referral.intervention_type),
        active=True,
    ).order_by("kind", "order", "id")


def signpost_services_for(referral: Referral) -> QuerySet[SignpostService]:
    return SignpostService.objects.filter(area=referral.area, active=True)


def possible_duplicates(referral: Referral) -> QuerySet[Referral]:
    """Other submitted referrals for the same person to the same area within the window.

    Same person = the same linked perpetrator, the same name and date of birth, or the same
    PNC number, police reference or prison number.
    """
    window = datetime.timedelta(days=duplicate_window_days())
    same_person = Q(pk__in=[])
    if referral.perpetrator_id:
        same_person |= Q(perpetrator_id=referral.perpetrator_id)
    if referral.last_name and referral.date_of_birth:
        same_person |= Q(
            last_name__iexact=referral.last_name,
            first_name__iexact=referral.first_name,
            date_of_birth=referral.date_of_birth,
        )
    for field in ("pnc_number", "police_reference", "prison_number"):
        value = getattr(referral, field)
        if value:
            same_person |= Q(**{f"{field}__iexact": normalise_identifier(value)})
    return (
        Referral.objects.filter(same_person, area=referral.area)
        .exclude(pk=referral.pk)
        .exclude(status=Referral.Status.DRAFT)
        .filter(
            received_on__gte=referral.received_on - window,
            received_on__lte=referral.received_on + window,
        )
        .select_related("team")
        .order_by("-received_on", "-id")
    )


# --- Named victims --------------------------------------------------------------------------


def named_victims_safe(referral: Referral) -> list[ReferralVictim]:
    """The safe view: names, relationship and number of children. Anyone who sees the referral."""
    return list(
        referral.named_victims.all().only(
            "id",
            "referral_id",
            "case_id",
            "first_name",
            "last_name",
            "relationship",
            "children_count",
            "pick_up_status",
            "picked_up_victim_id",
        )
    )


def victim_details_for(*, user, referral: Referral) -> dict[int, ReferralVictimDetails]:
    """Restricted details keyed by ReferralVictim id — empty unless the user may see them."""
    if not access.may_see_victim_details(user, referral):
        return {}
    return {
        d.referral_victim_id: d
        for d in ReferralVictimDetails.objects.filter(
            referral_victim__referral=referral,
            referral_victim__idva_team_id__in=access.idva_team_ids(user),
            referral_victim__pick_up_status__in=access.PASSED_TO_IDVA_TEAM,
        )
    }


def named_victims_awaiting_pickup(*, user) -> QuerySet[ReferralVictim]:
    """Named victims of allocated referrals given to the user's IDVA teams, with restricted details.

    Only for IDVA-team users (roles idva or supervisor, active, in the partner-support team
    the named victim was given to): anyone else gets an empty queryset. Each row has `restricted` (address, phone, email, safe
    contact, children's details) loaded, and its referral and case.
    """
    team_ids = access.idva_team_ids(user)
    if not team_ids:
        return ReferralVictim.objects.none()
    return (
        ReferralVictim.objects.filter(
            idva_team_id__in=team_ids, pick_up_status=ReferralVictim.PickUp.AWAITING
        )
        .select_related("referral__area", "referral__team", "case__perpetrator", "restricted")
        .order_by("referral__decided_at", "id")
    )


def screening_answers(referral: Referral) -> dict[int, str]:
    return dict(referral.screening_answers.values_list("criterion_id", "answer"))
