"""Reads of perpetrators' cases, always through the access policy."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Case as Case_
from django.db.models import (
    Count,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import OrderBy
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from accounts import policy
from accounts.models import Role
from casework.access import visible_case_ids
from casework.models import (
    Attendance,
    Case,
    CaseClosure,
    CaseNote,
    CaseSession,
    Perpetrator,
    RiskLevel,
    RiskLevelChange,
)


def cases_visible_to(user) -> QuerySet[Case]:
    """Every case the user may see (a join on their relations; never a scan)."""
    return policy.visible(user, Case)


def get_case_for_user(user, pk, *, action: str = policy.VIEW, annotations: dict | None = None) -> Case:
    """The case with its perpetrator, team and workers. 404 if not visible, 403 if not allowed.

    `annotations` are added to the same query (see `overview_annotations`).
    """
    queryset = Case.objects.select_related("perpetrator", "team__organisation", "case_manager", "supervisor")
    return policy.get_for_user(
        user, Case, pk, action=action, queryset=queryset.annotate(**(annotations or {}))
    )


def missed_in_a_row():
    """An annotation on Case: how many of its most recent sessions in a row the person did not
    attend or cancelled (at most 50): the sessions after the latest one that was neither."""
    missed = (Attendance.DID_NOT_ATTEND, Attendance.CANCELLED_BY_PERSON)
    attended = (
        CaseSession.objects.filter(case_id=OuterRef(OuterRef("pk")))
        .exclude(attendance__in=missed)
        .order_by("-held_on", "-id")
    )
    attended_on = Subquery(attended.values("held_on")[:1])
    since_attended = (
        CaseSession.objects.filter(case_id=OuterRef("pk"))
        .filter(
            Q(held_on__gt=Coalesce(attended_on, Value(datetime.date.min)))
            | Q(held_on=attended_on, id__gt=Subquery(attended.values("id")[:1]))
        )
        .order_by()
        .values("case_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Least(Coalesce(Subquery(since_attended[:1]), 0), Value(50))


def overview_annotations() -> dict:
    """What the case overview shows besides the case, read in the case's own query.

    `missed_in_a_row`, the pending closure request (`pending_closure_at`, `pending_closure_by`)
    and the latest risk level change (`risk_change_from`, `_to`, `_at`, `_by`, `_reason`).
    """
    pending = CaseClosure.objects.filter(case_id=OuterRef("pk"), decision=CaseClosure.Decision.PENDING)
    latest_change = RiskLevelChange.objects.filter(case_id=OuterRef("pk")).order_by("-changed_at", "-id")
    return {
        "missed_in_a_row": missed_in_a_row(),
        "pending_closure_at": Subquery(pending.values("requested_at")[:1]),
        "pending_closure_by": Subquery(pending.values("requested_by__full_name")[:1]),
        **{
            f"risk_change_{name}": Subquery(latest_change.values(column)[:1])
            for name, column in (
                ("from", "from_level"),
                ("to", "to_level"),
                ("at", "changed_at"),
                ("by", "changed_by__full_name"),
                ("reason", "reason"),
            )
        },
    }


def can(user, action: str, case: Case) -> bool:
    return policy.can(user, action, case)


# --- Caseload ---------------------------------------------------------------------------------

RISK_RANK = Case_(
    *[When(risk_level=level, then=Value(rank)) for rank, level in enumerate(RiskLevel.values)],
    default=Value(-1),
    output_field=IntegerField(),
)

CASELOAD_SORTS: dict[str, tuple[str, list[str | OrderBy]]] = {
    "review": ("Next review date", [F("next_review_date").asc(nulls_last=True), "-id"]),
    "opened": ("Newest opened first", ["-opened_on", "-id"]),
    "name": ("Surname", ["perpetrator__last_name", "perpetrator__first_name", "-id"]),
    "risk": ("Highest risk first", ["-risk_rank", F("next_review_date").asc(nulls_last=True), "-id"]),
}


@dataclass(frozen=True)
class CaseloadFilter:
    """A filter another part of casework adds to the caseload (e.g. risk flags), without editing it."""

    key: str
    label: str
    choices: list[tuple[str, str]]
    apply: Callable[[QuerySet, list[str]], QuerySet]


_caseload_filters: dict[str, CaseloadFilter] = {}


def register_caseload_filter(caseload_filter: CaseloadFilter) -> None:
    _caseload_filters[caseload_filter.key] = caseload_filter


def caseload_filters() -> list[CaseloadFilter]:
    return list(_caseload_filters.values())


def caseload(
    user,
    *,
    scope: str = "mine",
    phases: list[str] | None = None,
    risk_levels: list[str] | None = None,
    intervention_types: list[str] | None = None,
    review: str = "",
    extra: dict[str, list[str]] | None = None,
    sort: str = "review",
) -> QuerySet[Case]:
    """The cases on a user's caseload, filtered and sorted, with what the list shows joined in.

    scope "mine": allocated to the user (as case manager or supervisor); "team": every case the
    user may see. Review "overdue" or "soon" (due in the next 14 days), open cases only.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    # The same cases as cases_visible_to(user), found by index per relation (casework.access).
    cases = Case.objects.filter(pk__in=visible_case_ids(user))
    if scope == "mine":
        cases = cases.filter(Q(case_manager=user) | Q(supervisor=user))
    if phases:
        cases = cases.filter(phase__in=phases)
    if risk_levels:
        cases = cases.filter(risk_level__in=risk_levels)
    if intervention_types:
        cases = cases.filter(intervention_type__in=intervention_types)
    today = timezone.localdate()
    if review == "overdue":
        cases = cases.filter(closed_on__isnull=True, next_review_date__lt=today)
    elif review == "soon":
        cases = cases.filter(
            closed_on__isnull=True,
            next_review_date__gte=today,
            next_review_date__lte=today + timedelta(days=14),
        )
    for key, values in (extra or {}).items():
        if values and key in _caseload_filters:
            cases = _caseload_filters[key].apply(cases, values)
    order = CASELOAD_SORTS.get(sort, CASELOAD_SORTS["review"])[1]
    return (
        cases.select_related("perpetrator", "case_manager", "supervisor")
        .annotate(risk_rank=RISK_RANK)
        .order_by(*order)
    )


class SlicePage:
    """A page of a list without counting the whole table: fetch one row more than shown."""

    def __init__(self, queryset, number: int, per_page: int = 25):
        self.number = max(1, number)
        offset = (self.number - 1) * per_page
        rows = list(queryset[offset : offset + per_page + 1])
        self.object_list = rows[:per_page]
        self._has_next = len(rows) > per_page

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


# --- The perpetrator record -------------------------------------------------------------------


def previous_cases(*, case: Case, user) -> list[Case]:
    """The person's other cases that this user may see (a person may have several over time)."""
    return list(
        cases_visible_to(user)
        .filter(perpetrator_id=case.perpetrator_id)
        .exclude(pk=case.pk)
        .select_related("case_manager", "team")
        .order_by("-opened_on")
    )


@dataclass
class VictimEvidence:
    label: str  # "victim 2": never a name
    dates: list[datetime.date] = field(default_factory=list)


@dataclass
class SerialRepeatStatus:
    """Serial and repeat status, computed from the data with the evidence that supports it.

    Northumbria's working definition: serial = two or more domestic-abuse records against two
    or more different victims within the last 3 years, the person aged 16 or over; repeat =
    the same victim harmed again (two or more records against one victim in the window).
    """

    is_serial: bool
    is_repeat: bool
    basis: str  # "incidents" or "victim links"
    window_start: datetime.date
    record_count: int
    victims: list[VictimEvidence]
    explanation: str


SERIAL_WINDOW_YEARS = 3
SERIAL_MINIMUM_AGE = 16


def _incident_model():
    """The legal part's Incident model when it exists (built alongside this part)."""
    from casework.models import legal

    return getattr(legal, "Incident", None)


def _years_ago(today: datetime.date, years: int) -> datetime.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def serial_repeat_status(
    perpetrator: Perpetrator, *, today: datetime.date | None = None
) -> SerialRepeatStatus:
    today = today or timezone.localdate()
    window_start = _years_ago(today, SERIAL_WINDOW_YEARS)
    adult_from = (
        _years_ago(perpetrator.date_of_birth, -SERIAL_MINIMUM_AGE) if perpetrator.date_of_birth else None
    )
    earliest = max(window_start, adult_from) if adult_from else window_start
    Incident = _incident_model()
    by_victim: dict[int, VictimEvidence] = {}
    # Incidents are the records the definition counts; a person with none on file yet is judged
    # from their victim links, and the page says repeat status cannot be worked out.
    # One query: each incident in the window joined to its live victim links (a row per link,
    # one row with no link for an incident that names no victim).
    rows = (
        Incident.objects.filter(perpetrator=perpetrator, is_domestic_abuse=True, occurred_on__gte=earliest)
        .annotate(
            live_link=FilteredRelation("victim_links", condition=Q(victim_links__deleted_at__isnull=True))
        )
        .order_by("occurred_on", "id")
        .values_list("id", "occurred_on", "live_link__victim_id", "live_link__label_number")
        if Incident is not None
        else []
    )
    rows = list(rows)
    has_incidents = bool(rows) or (
        Incident is not None
        and Incident.objects.filter(perpetrator=perpetrator, is_domestic_abuse=True).exists()
    )
    if has_incidents:
        record_count = len({incident_id for incident_id, *_ in rows})
        for _incident_id, occurred_on, victim_id, label_number in rows:
            if victim_id is not None:
                evidence = by_victim.setdefault(victim_id, VictimEvidence(f"victim {label_number}"))
                evidence.dates.append(occurred_on)
        basis = "incidents"
    else:
        links = perpetrator.victim_links.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=earliest)
        ).order_by("label_number")
        for link in links:
            when = link.started_on or link.created_at.date()
            by_victim.setdefault(link.victim_id, VictimEvidence(f"victim {link.label_number}")).dates.append(
                when
            )
        record_count = len(by_victim)
        basis = "victim links"
    victims = sorted(by_victim.values(), key=lambda v: int(v.label.split()[-1]))
    is_serial = record_count >= 2 and len(victims) >= 2
    is_repeat = basis == "incidents" and any(len(v.dates) >= 2 for v in victims)
    since = f"since {earliest:%-d %B %Y}"
    if basis == "incidents":
        explanation = (
            f"{record_count} domestic-abuse incident{'s' if record_count != 1 else ''} "
            f"against {len(victims)} different victim{'s' if len(victims) != 1 else ''} {since}."
        )
    else:
        explanation = (
            f"{len(victims)} different victim{'s' if len(victims) != 1 else ''} linked {since}. "
            "No incident records yet, so repeat status cannot be worked out."
        )
    return SerialRepeatStatus(is_serial, is_repeat, basis, earliest, record_count, victims, explanation)


# --- Sessions and notes -----------------------------------------------------------------------


def may_read_sensitive_notes(user, case: Case) -> bool:
    """Sensitive notes are for the allocated case manager and supervisors only."""
    return (
        case.case_manager_id == user.pk
        or case.supervisor_id == user.pk
        or case.team_id in user.team_ids(Role.SUPERVISOR)
    )


def notes_for(*, case: Case, user, kinds: list[str] | None = None) -> QuerySet[CaseNote]:
    """The case's notes the user may read: sensitive ones only for those allowed."""
    notes = case.notes.select_related("author")
    if not may_read_sensitive_notes(user, case):
        notes = notes.exclude(sensitivity=CaseNote.Sensitivity.SENSITIVE)
    if kinds:
        notes = notes.filter(kind__in=kinds)
    return notes
