"""Casework's risk rules: the perpetrator's side of release, orders, breaches, incidents,
engagement and case reviews.

Each rule is `scan_<rule>(*, today) -> int` (tests call it at any date) built from two parts
registered with casework.flags: ONE set-based query over an indexed date window returning ids,
and a batch function that turns up to 1,000 of those ids into flags. A rule re-checks its whole
window every day, so a missed day or a lost event job is caught up by the next scan.

These flags go to the perpetrator's side and never name a victim: linked victims appear as
`VictimLink.safe_label` ("Ex-partner, victim 2"). The victims app raises the victim-side
flags for the same events in victims/flag_rules.py.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, Q

from accounts.models import Role
from casework.flags import (
    Fallback,
    FlagSpec,
    Rule,
    case_recipients,
    flags_raise,
    long_date,
    register,
    rule_run,
    safe_url,
)
from casework.models import (
    Attendance,
    Case,
    CaseSession,
    CustodyRecord,
    FlagKind,
    Incident,
    IncidentSource,
    Order,
    OrderBreach,
    OrderKind,
)

DAY = datetime.timedelta(days=1)

# Release marks: days before the expected release date on which the people concerned are told.
RELEASE_MARKS = (28, 14, 7, 1, 0)
# When only the month is known the release may come on its first day: tell them 28 days before
# the month starts, and again when it starts.
RELEASE_MONTH_MARKS = (28, 0)
# Incidents from the police whose victims Tideline cannot tell (no Tideline victim numbers given).
POLICE_SOURCES = (IncidentSource.IMPORTED, IncidentSource.API)
VICTIM_NOT_IDENTIFIED = "victim not identified by police; check with the IDVA"
# Order expiry marks.
ORDER_EXPIRY_MARKS = (7, 1)
# How far back the event rules look, so an event whose job was lost is still flagged.
EVENT_LOOKBACK_DAYS = 7
# Deadline rules look back this far for things that fell due (older ones were flagged then).
OVERDUE_LOOKBACK_DAYS = 60

MISSED = (Attendance.DID_NOT_ATTEND, Attendance.CANCELLED_BY_PERSON)


def missed_sessions_threshold() -> int:
    return settings.TIDELINE_FLAG_MISSED_SESSIONS


def no_contact_days() -> int:
    return settings.TIDELINE_FLAG_NO_CONTACT_DAYS


def _case_heading(case: Case) -> str:
    return f"{case.reference} {case.perpetrator.full_name}"


def _victim_labels(perpetrator) -> str:
    labels = [link.safe_label for link in perpetrator.victim_links.all()]
    return "; ".join(labels) if labels else "no linked victims recorded"


def case_fallback(case: Case) -> Fallback:
    """No case manager or supervisor can receive it: the case team's case managers, then the area."""
    return Fallback(team_id=case.team_id, roles=(Role.CASE_MANAGER,))


def _flags_for_cases(cases, build) -> int:
    """Build specs for loaded cases with their perpetrator-side recipients, then raise them."""
    recipients = case_recipients(cases)
    specs = []
    for case, spec in build():
        spec.case_id = case.pk
        spec.recipients = recipients.get(case.pk, [])
        spec.fallback = case_fallback(case)
        specs.append(spec)
    return flags_raise(specs)


# --- Release from custody -----------------------------------------------------------------------


def release_candidates(today: datetime.date):
    """Custody records with release due within 28 days (by date, or by a month starting within
    28 days or in the last week), or released in the last week. Three indexed windows."""
    ahead = today + datetime.timedelta(days=28)
    lookback = today - datetime.timedelta(days=EVENT_LOOKBACK_DAYS)
    return CustodyRecord.objects.filter(
        Q(released_on__isnull=True, expected_release_on__range=(today, ahead))
        | Q(released_on__isnull=True, expected_release_month__range=(lookback, ahead))
        | Q(released_on__range=(lookback, today))
    ).values_list("pk", flat=True)


def release_mark(record: CustodyRecord, today: datetime.date) -> tuple[int | None, datetime.date]:
    """The latest release mark reached by `today` and the date it fell on (None: released).

    With only a release month, the marks count to the first day of the month.
    """
    if record.released_on is not None:
        return None, record.released_on
    if record.expected_release_on is not None:
        release, marks = record.expected_release_on, RELEASE_MARKS
    else:
        release, marks = record.expected_release_month, RELEASE_MONTH_MARKS
    days_left = max((release - today).days, 0)
    mark = min(m for m in marks if m >= days_left)
    return mark, release - datetime.timedelta(days=mark)


def release_text(mark: int | None, record: CustodyRecord, today: datetime.date) -> str:
    """What is happening, as of `today` (a mark caught up late says how many days are left)."""
    if mark is None:
        return f"released from custody on {long_date(record.released_on)}"
    if record.expected_release_on is None:
        month = f"{record.expected_release_month:%B %Y}"
        if mark == 0:
            return f"expected to be released from custody this month, {month} (date not confirmed)"
        return f"expected to be released from custody in {month} (date not confirmed)"
    days_left = (record.expected_release_on - today).days
    if days_left <= 0:
        return f"due for release from custody today ({long_date(record.expected_release_on)})"
    when = "tomorrow" if days_left == 1 else f"in {days_left} days"
    return f"due for release from custody {when} ({long_date(record.expected_release_on)})"


def release_date_note(record: CustodyRecord) -> str:
    """What to do about a release date that is not confirmed ("" when it is)."""
    if record.released_on is None and record.expected_release_on is None:
        return " The release date is not confirmed: ask the prison or probation for it and record it on the custody record."
    return ""


RELEASE_WHY = (
    "Victims must be told before the person who harmed them is released, and accommodation "
    "away from the victim must be planned before release."
)


def release_raise(ids: list[int], today: datetime.date) -> int:
    records = list(
        CustodyRecord.objects.filter(pk__in=ids)
        .select_related("case__perpetrator")
        .prefetch_related("case__perpetrator__victim_links")
    )

    def build():
        for record in records:
            case = record.case
            mark, trigger = release_mark(record, today)
            yield (
                case,
                FlagSpec(
                    kind=FlagKind.RELEASE,
                    subject_key=f"custody:{record.pk}",
                    trigger_date=trigger,
                    title=f"{_case_heading(case)}: {release_text(mark, record, today)}",
                    why=RELEASE_WHY,
                    todo=(
                        "Confirm with the IDVA of each linked victim that the victim has been told "
                        f"(linked victims: {_victim_labels(case.perpetrator)}). Check the licence conditions "
                        "are in place and that the release accommodation is away from the victim."
                        + release_date_note(record)
                    ),
                    url=safe_url("casework:custody", case.pk),
                ),
            )

    return _flags_for_cases([r.case for r in records], build)


register(
    Rule("release", release_candidates, release_raise, event="custody", description="Release from custody")
)


def scan_release(*, today: datetime.date) -> int:
    return rule_run("release", today=today)


# --- Orders: expiry, DVPN, DAPO notification, breach -------------------------------------------


def order_expiry_candidates(today: datetime.date):
    """Orders expiring in the next 7 days or expired in the last week (order_expiry_idx)."""
    return Order.objects.filter(
        expires_on__range=(
            today - datetime.timedelta(days=EVENT_LOOKBACK_DAYS),
            today + datetime.timedelta(days=7),
        )
    ).values_list("pk", flat=True)


def _order_specs(orders, build):
    return _flags_for_cases([order.case for order in orders], build)


def order_expiry_raise(ids: list[int], today: datetime.date) -> int:
    orders = list(Order.objects.filter(pk__in=ids).select_related("case__perpetrator"))

    def build():
        for order in orders:
            case = order.case
            days_left = (order.expires_on - today).days
            name = order.get_kind_display()
            if days_left < 0:
                kind, trigger = FlagKind.ORDER_EXPIRED, order.expires_on + DAY
                title = f"{_case_heading(case)}: {name} expired on {long_date(order.expires_on)}"
                why = "The protection and conditions it gave have ended."
                todo = "Check with police whether a new order or other protection is needed, and update the disruption plan."
            else:
                mark = min(m for m in ORDER_EXPIRY_MARKS if m >= days_left) if days_left <= 7 else 7
                kind, trigger = FlagKind.ORDER_EXPIRING, order.expires_on - datetime.timedelta(days=mark)
                when = (
                    "today" if days_left == 0 else ("tomorrow" if days_left == 1 else f"in {days_left} days")
                )
                title = f"{_case_heading(case)}: {name} expires {when} ({long_date(order.expires_on)})"
                why = "When the order ends, its conditions no longer protect the people it names."
                todo = "Check with police whether an extension or a new order is being sought, and tell the IDVA of each protected person."
            yield (
                case,
                FlagSpec(
                    kind=kind,
                    subject_key=f"order:{order.pk}",
                    trigger_date=trigger,
                    title=title,
                    why=why,
                    todo=todo,
                    url=safe_url("casework:order_detail", case.pk, order.pk),
                ),
            )

    return _order_specs(orders, build)


register(
    Rule(
        "order_expiry",
        order_expiry_candidates,
        order_expiry_raise,
        event="order",
        description="Orders expiring and expired",
    )
)


def dvpn_candidates(today: datetime.date):
    """DVPNs issued in the last 2 days: the DVPO hearing must happen within 48 hours."""
    return Order.objects.filter(
        kind=OrderKind.DVPN, made_on__range=(today - datetime.timedelta(days=2), today)
    ).values_list("pk", flat=True)


def dvpn_raise(ids: list[int], today: datetime.date) -> int:
    orders = list(Order.objects.filter(pk__in=ids).select_related("case__perpetrator"))

    def build():
        for order in orders:
            case = order.case
            yield (
                case,
                FlagSpec(
                    kind=FlagKind.DVPN_HEARING,
                    subject_key=f"order:{order.pk}",
                    trigger_date=order.made_on,
                    title=(
                        f"{_case_heading(case)}: DVPN issued on {long_date(order.made_on)}, "
                        f"DVPO hearing due by {long_date(order.hearing_due_on)}"
                    ),
                    why="A DVPN lasts 48 hours. Unless a DVPO is made at the hearing, the protection ends.",
                    todo="Check with police that the DVPO hearing is listed, and make sure the IDVA service knows of the notice.",
                    url=safe_url("casework:order_detail", case.pk, order.pk),
                ),
            )

    return _order_specs(orders, build)


register(
    Rule("dvpn", dvpn_candidates, dvpn_raise, event="order", description="DVPN issued: DVPO hearing due")
)


def dapo_notification_candidates(today: datetime.date):
    """DAPOs made in the last 60 days whose subject has not notified name and address in 3 days."""
    return Order.objects.filter(
        kind=OrderKind.DAPO,
        notified_on__isnull=True,
        made_on__range=(
            today - datetime.timedelta(days=OVERDUE_LOOKBACK_DAYS),
            today - datetime.timedelta(days=4),
        ),
    ).values_list("pk", flat=True)


def dapo_notification_raise(ids: list[int], today: datetime.date) -> int:
    orders = [
        order
        for order in Order.objects.filter(pk__in=ids).select_related("case__perpetrator")
        if order.notification_overdue(today)
    ]

    def build():
        for order in orders:
            case = order.case
            yield (
                case,
                FlagSpec(
                    kind=FlagKind.DAPO_NOTIFICATION,
                    subject_key=f"order:{order.pk}",
                    trigger_date=order.notification_due_on + DAY,
                    title=(
                        f"{_case_heading(case)}: DAPO name and address notification overdue "
                        f"(due {long_date(order.notification_due_on)})"
                    ),
                    why="The subject of a DAPO must tell the police their name and address within 3 days. Not doing so is an offence.",
                    todo="Tell the police public protection unit, and record the notification date on the order once it is made.",
                    url=safe_url("casework:order_detail", case.pk, order.pk),
                ),
            )

    return _order_specs(orders, build)


register(
    Rule(
        "dapo_notification",
        dapo_notification_candidates,
        dapo_notification_raise,
        event="order",
        description="DAPO name and address notification overdue",
    )
)


def breach_candidates(today: datetime.date):
    """Breaches recorded in the last week (the event job raises them at once; this catches any lost)."""
    since = datetime.datetime.combine(today - datetime.timedelta(days=EVENT_LOOKBACK_DAYS), datetime.time.min)
    return OrderBreach.objects.filter(created_at__gte=_aware(since)).values_list("pk", flat=True)


def _aware(value: datetime.datetime) -> datetime.datetime:
    from django.utils import timezone

    return timezone.make_aware(value)


def breach_raise(ids: list[int], today: datetime.date) -> int:
    breaches = list(OrderBreach.objects.filter(pk__in=ids).select_related("order__case__perpetrator"))

    def build():
        for breach in breaches:
            order, case = breach.order, breach.order.case
            yield (
                case,
                FlagSpec(
                    kind=FlagKind.ORDER_BREACH,
                    subject_key=f"breach:{breach.pk}",
                    trigger_date=breach.occurred_on,
                    title=f"{_case_heading(case)}: breach of {order.get_kind_display()} on {long_date(breach.occurred_on)}",
                    why="A breach is a sign that risk is rising, and a lever for disruption (arrest for breach).",
                    todo="Check police have the breach, review the risk level and the disruption plan, and discuss it at the next session.",
                    url=safe_url("casework:order_detail", case.pk, order.pk),
                ),
            )

    return _flags_for_cases([b.order.case for b in breaches], build)


register(Rule("breach", breach_candidates, breach_raise, event="breach", description="Breach of an order"))


# --- New incident -----------------------------------------------------------------------------------


def incident_candidates(today: datetime.date):
    """Incidents entered or imported in the last week."""
    since = datetime.datetime.combine(today - datetime.timedelta(days=EVENT_LOOKBACK_DAYS), datetime.time.min)
    return Incident.objects.filter(created_at__gte=_aware(since), is_domestic_abuse=True).values_list(
        "pk", flat=True
    )


def incident_cases(incidents) -> dict[int, Case]:
    """The case each incident belongs to: its own, or the perpetrator's latest open case."""
    perpetrator_ids = {i.perpetrator_id for i in incidents if i.case_id is None}
    open_cases: dict[int, Case] = {}
    for case in (
        Case.objects.filter(perpetrator_id__in=perpetrator_ids, closed_on__isnull=True)
        .select_related("perpetrator")
        .order_by("perpetrator_id", "-opened_on", "-id")
    ):
        open_cases.setdefault(case.perpetrator_id, case)
    return {i.pk: i.case if i.case_id else open_cases.get(i.perpetrator_id) for i in incidents}


def incident_raise(ids: list[int], today: datetime.date) -> int:
    incidents = list(
        Incident.objects.filter(pk__in=ids, is_domestic_abuse=True)
        .select_related("case__perpetrator")
        .prefetch_related("victim_links", "perpetrator__victim_links")
    )
    cases = {pk: case for pk, case in incident_cases(incidents).items() if case is not None}

    def victims_involved(incident) -> str:
        labels = "; ".join(link.safe_label for link in incident.victim_links.all())
        if labels:
            return f"Victims involved: {labels}. Their IDVAs have been told separately."
        if incident.source in POLICE_SOURCES:
            current = [link.safe_label for link in incident.perpetrator.victim_links.all() if link.is_current]
            if current:
                return (
                    f"Victims involved: {VICTIM_NOT_IDENTIFIED}. The IDVAs of the current linked victims "
                    f"({'; '.join(current)}) have been told it may concern them."
                )
            return f"Victims involved: {VICTIM_NOT_IDENTIFIED}."
        return "Victims involved: none recorded."

    def build():
        for incident in incidents:
            case = cases.get(incident.pk)
            if case is None:
                continue
            yield (
                case,
                FlagSpec(
                    kind=FlagKind.INCIDENT,
                    subject_key=f"incident:{incident.pk}",
                    trigger_date=incident.occurred_on,
                    title=(
                        f"{_case_heading(case)}: new incident on {long_date(incident.occurred_on)}, "
                        f"{incident.get_offence_display()} ({incident.get_source_display().lower()})"
                    ),
                    why="A new incident may mean risk has risen; the victims involved may need safety planning now.",
                    todo=f"Review the risk level and the disruption plan. {victims_involved(incident)}",
                    url=safe_url("casework:incidents", case.pk),
                ),
            )

    return _flags_for_cases(list(cases.values()), build)


register(Rule("incident", incident_candidates, incident_raise, event="incident", description="New incident"))


def scan_incidents(*, today: datetime.date) -> int:
    """Every rule that reacts to incidents (including repeat MARAC and escalation in other apps)."""
    from casework.flags import rules

    return sum(rule_run(found.key, today=today) for found in rules() if found.event == "incident")


# --- Engagement -------------------------------------------------------------------------------------


def missed_sessions_candidates(today: datetime.date):
    """Open cases with a missed session in the last 28 days."""
    return (
        CaseSession.objects.filter(
            held_on__range=(today - datetime.timedelta(days=28), today),
            attendance__in=MISSED,
            case__closed_on__isnull=True,
        )
        .order_by()
        .values_list("case_id", flat=True)
        .distinct()
    )


def missed_streaks(case_ids: list[int], threshold: int) -> dict[int, datetime.date]:
    """Cases whose latest sessions are `threshold` or more missed in a row: the date the streak reached it."""
    sessions: dict[int, list[tuple[datetime.date, str]]] = {}
    for case_id, held_on, attendance in (
        CaseSession.objects.filter(case_id__in=case_ids)
        .order_by("case_id", "-held_on", "-id")
        .values_list("case_id", "held_on", "attendance")
    ):
        sessions.setdefault(case_id, []).append((held_on, attendance))
    reached = {}
    for case_id, rows in sessions.items():
        streak = []
        for held_on, attendance in rows:
            if attendance not in MISSED:
                break
            streak.append(held_on)
        if len(streak) >= threshold:
            # The streak runs newest first: the threshold-th oldest missed session reached it.
            reached[case_id] = streak[len(streak) - threshold]
    return reached


def missed_sessions_raise(ids: list[int], today: datetime.date) -> int:
    threshold = missed_sessions_threshold()
    reached = missed_streaks(ids, threshold)
    cases = list(Case.objects.filter(pk__in=reached).select_related("perpetrator"))

    def build():
        for case in cases:
            yield (
                case,
                FlagSpec(
                    kind=FlagKind.MISSED_SESSIONS,
                    subject_key=f"case:{case.pk}",
                    trigger_date=reached[case.pk],
                    title=f"{_case_heading(case)}: {threshold} sessions missed in a row",
                    why="Disengagement can come before a rise in risk, and may mean the case should move to disrupt.",
                    todo="Try to make contact, tell the IDVA service, and discuss with your supervisor whether to move to disruption.",
                    url=safe_url("casework:sessions", case.pk),
                ),
            )

    return _flags_for_cases(cases, build)


register(
    Rule("missed_sessions", missed_sessions_candidates, missed_sessions_raise, description="Missed sessions")
)


ENGAGING_PHASES = (Case.Phase.ASSESSMENT, Case.Phase.ACTIVE)


def _no_contact_cases(today: datetime.date):
    """Open, engaging cases with no attended session in the last N days: NOT EXISTS on the
    attended-sessions index, not a grouping of every open case's sessions (seconds at national size)."""
    cutoff = today - datetime.timedelta(days=no_contact_days())
    recent = CaseSession.objects.filter(
        case_id=OuterRef("pk"), attendance=Attendance.ATTENDED, held_on__gte=cutoff
    )
    return Case.objects.filter(
        closed_on__isnull=True, phase__in=ENGAGING_PHASES, opened_on__lt=cutoff
    ).exclude(Exists(recent))


def no_contact_candidates(today: datetime.date):
    """Open, engaging cases with no attended session in the last N days."""
    return _no_contact_cases(today).values_list("pk", flat=True)


def no_contact_raise(ids: list[int], today: datetime.date) -> int:
    days = no_contact_days()
    last_contact = Max(
        "sessions__held_on",
        filter=Q(sessions__attendance=Attendance.ATTENDED, sessions__deleted_at__isnull=True),
    )
    cases = list(
        _no_contact_cases(today)
        .filter(pk__in=ids)
        .annotate(last_contact=last_contact)
        .select_related("perpetrator")
    )

    def build():
        for case in cases:
            since = case.last_contact or case.opened_on
            yield (
                case,
                FlagSpec(
                    kind=FlagKind.NO_CONTACT,
                    subject_key=f"case:{case.pk}",
                    trigger_date=since + datetime.timedelta(days=days + 1),
                    title=f"{_case_heading(case)}: no contact for more than {days} days (last on {long_date(since)})",
                    why="Without contact the service cannot see changes in risk.",
                    todo="Make contact or record why it has not been possible; consider moving the case to disruption.",
                    url=safe_url("casework:sessions", case.pk),
                ),
            )

    return _flags_for_cases(cases, build)


register(Rule("no_contact", no_contact_candidates, no_contact_raise, description="No contact"))


# --- Deadlines: case review ---------------------------------------------------------------------------


def review_candidates(today: datetime.date):
    """Open cases whose review date passed in the last 60 days (case_review_idx)."""
    return Case.objects.filter(
        closed_on__isnull=True,
        next_review_date__range=(today - datetime.timedelta(days=OVERDUE_LOOKBACK_DAYS), today - DAY),
    ).values_list("pk", flat=True)


def review_raise(ids: list[int], today: datetime.date) -> int:
    cases = list(Case.objects.filter(pk__in=ids, next_review_date__lt=today).select_related("perpetrator"))

    def build():
        for case in cases:
            yield (
                case,
                FlagSpec(
                    kind=FlagKind.REVIEW_OVERDUE,
                    subject_key=f"case:{case.pk}",
                    trigger_date=case.next_review_date + DAY,
                    title=f"{_case_heading(case)}: case review overdue (due {long_date(case.next_review_date)})",
                    why="Regular reviews keep the risk level and plans up to date.",
                    todo="Review the case with your supervisor and set the next review date.",
                    url=safe_url("casework:case", case.pk),
                ),
            )

    return _flags_for_cases(cases, build)


register(Rule("review_overdue", review_candidates, review_raise, description="Case review overdue"))


def scan_all(*, today: datetime.date, incremental: bool = False) -> int:
    """Every rule, in process: the demo and tests use this; production fans out via casework.tasks.

    `incremental` skips the rules that already ran today with nothing changed since
    (casework.change_marker); a full scan runs them all. Either way each rule run is recorded.
    """
    from casework.flags import record_scan, rules_due

    due, marker = rules_due(today, incremental=incremental)
    raised = sum(rule_run(found.key, today=today) for found in due)
    record_scan([found.key for found in due], today, marker)
    return raised
