"""Risk flags: the service API the risk rules use, and the reads the inbox uses.

A rule (casework.jobs, and `flag_rules.py` in victims, panels and referrals) is two plain
functions: `candidates(today)`, ONE set-based query over an indexed date window returning ids,
and `raise_flags(ids, today)`, which builds FlagSpecs for a batch of those ids and calls
`flags_raise`. The daily scan runs every rule's candidates and hands the ids to Celery in
batches of BATCH_SIZE; an event (an incident entered, changed or imported, a breach, an order
recorded or changed, release dates changed or a release recorded, a new partner) runs the
rules registered for it on the records that changed, as soon as the write commits. Because
rules re-check their whole window each day, an event whose job was lost (Redis down) is still
flagged by the next scan.

Every flag reaches someone: when nobody named can receive it, its Fallback sends it to the
team's other members in the relevant role, then to the area's admins and coordinators (a
victim-side flag then loses the victim's name); with nobody at all it is not raised, and the
next scan tries again.

Flag text is built from safe fields only. Victim-side flags (audience VICTIM) go only to the
victim's IDVA team and may name the victim; every other flag refers to a victim by
`VictimLink.safe_label` ("Ex-partner, victim 2"). No flag, email, task argument or log line
carries a victim's location or contact details.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from accounts import audit
from accounts.models import AuditEvent, Membership, Role, Team, User
from accounts.safe_text import refuse_contact_details
from casework.models import Case, FlagAudience, FlagKind, FlagRecipient, RiskFlag

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000


def escalation_working_days() -> int:
    return settings.TIDELINE_FLAG_ESCALATION_WORKING_DAYS


# --- What a rule produces ---------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    user_id: int
    reason: str
    team_id: int | None = None


@dataclass(frozen=True)
class Fallback:
    """Who receives a flag when none of its own recipients can (nobody allocated, or gone).

    First the team's other members in `roles` (e.g. the team's other IDVAs when neither the
    victim's IDVA nor a team supervisor exists), then the admins and panel coordinators of the
    team's area. A victim-side flag names the victim, which is for the IDVA team only: when it
    has to leave the team, `area_title` and `area_todo` replace its text (they give the
    victim's reference, never a name), and it carries no link to the victim's record.
    """

    team_id: int | None
    roles: tuple[str, ...]
    area_title: str = ""
    area_todo: str = ""


# The area-level people who can put staff in place when a team has nobody to receive a flag.
AREA_FALLBACK_ROLES = (Role.ADMIN, Role.PANEL_COORDINATOR)


@dataclass
class FlagSpec:
    kind: str
    subject_key: str
    trigger_date: datetime.date
    title: str
    why: str
    todo: str
    audience: str = FlagAudience.CASE
    case_id: int | None = None
    victim_id: int | None = None
    url: str = ""
    recipients: list[Recipient] = field(default_factory=list)
    fallback: Fallback | None = None

    @property
    def key(self) -> tuple[str, str, datetime.date]:
        return (self.kind, self.subject_key, self.trigger_date)


@dataclass(frozen=True)
class Rule:
    """A risk rule. `event` names the change that also runs it at once ("incident", ...).

    For a rule with an event, `candidates` returns the ids of the changed records themselves
    (incidents, orders, ...): an event runs the rule only on ids that are candidates today, so
    the event and the daily scan raise exactly the same flags.
    """

    key: str
    candidates: Callable[[datetime.date], Iterable[int]]
    raise_flags: Callable[[list[int], datetime.date], int]
    event: str = ""
    description: str = ""


_rules: dict[str, Rule] = {}
_discovered = False


def register(rule: Rule) -> Rule:
    _rules[rule.key] = rule
    return rule


def rules() -> list[Rule]:
    """Every registered rule: casework's own and those in other apps' flag_rules.py."""
    global _discovered
    if not _discovered:
        import casework.jobs  # noqa: F401  (registers casework's rules)

        autodiscover_modules("flag_rules")
        _discovered = True
    return list(_rules.values())


def rule(key: str) -> Rule:
    rules()
    return _rules[key]


def batches(ids: Iterable[int], size: int = BATCH_SIZE) -> Iterator[list[int]]:
    batch: list[int] = []
    for pk in ids:
        batch.append(pk)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def candidate_ids(found: Rule, today: datetime.date) -> Iterable[int]:
    """The rule's candidates in whatever order the database finds them: a model's default
    ordering would make PostgreSQL sort the whole window (tens of thousands of rows at national
    size), and batches do not need an order."""
    candidates = found.candidates(today)
    if isinstance(candidates, QuerySet) and not candidates.query.is_sliced:
        return candidates.order_by()
    return candidates


def rule_run(key: str, *, today: datetime.date) -> int:
    """Run one rule over its whole window, in process (tests and the demo call this)."""
    found = rule(key)
    return sum(found.raise_flags(batch, today) for batch in batches(candidate_ids(found, today)))


def rules_due(today: datetime.date, *, incremental: bool) -> tuple[list[Rule], int | None]:
    """The rules a scan on `today` runs, and the change marker it starts from.

    A full scan runs every rule; an incremental one skips those that already ran in full today
    from the same marker (nothing they read has changed since: casework.change_marker). One
    query for the marker, one for the runs. Pass the marker to `record_scan` afterwards.
    """
    from casework import change_marker
    from casework.models import ScanRun

    marker = change_marker.current()
    if not incremental or marker is None:
        return rules(), marker
    done = set(ScanRun.objects.filter(day=today, marker=marker).values_list("key", flat=True))
    return [found for found in rules() if found.key not in done], marker


def record_scan(keys: list[str], today: datetime.date, marker: int | None) -> None:
    """Remember that these rules ran in full on `today` from `marker` (the value read before)."""
    from casework.models import ScanRun

    if marker is None or not keys:
        return
    ScanRun.objects.bulk_create(
        [ScanRun(key=key, day=today, marker=marker, finished_at=timezone.now()) for key in keys],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["day", "marker", "finished_at"],
    )


def _candidates_among(found: Rule, ids: list[int], today: datetime.date) -> list[int]:
    """The ids that are among the rule's candidates today (one query)."""
    candidates = found.candidates(today)
    if isinstance(candidates, QuerySet):
        return sorted(set(candidates.filter(pk__in=ids)))
    wanted = set(ids)
    return sorted({pk for pk in candidates if pk in wanted})


def flags_after_event(event: str, ids: int | Iterable[int], *, today: datetime.date | None = None) -> int:
    """Run every rule registered for `event` on the records that just changed.

    Each rule sees only those of `ids` that are its candidates today (a DVPN rule never sees
    another kind of order; a custody record with no release date in view raises nothing).
    """
    today = today or timezone.localdate()
    ids = [ids] if isinstance(ids, int) else list(ids)
    raised = 0
    for found in rules():
        if found.event != event:
            continue
        for batch in batches(ids):
            due = _candidates_among(found, batch, today)
            if due:
                raised += found.raise_flags(due, today)
    return raised


def flags_after_incident(incident_id: int | Iterable[int], *, today: datetime.date | None = None) -> int:
    """An incident entered, changed or imported (several ids: an import)."""
    return flags_after_event("incident", incident_id, today=today)


def flags_after_new_partner(notice_id: int, *, today: datetime.date | None = None) -> int:
    return flags_after_event("new_partner", notice_id, today=today)


def flags_after_breach(breach_id: int, *, today: datetime.date | None = None) -> int:
    return flags_after_event("breach", breach_id, today=today)


def flags_after_order(order_id: int, *, today: datetime.date | None = None) -> int:
    """An order recorded or changed: a DVPN's hearing, an expiry close at hand, a DAPO notification."""
    return flags_after_event("order", order_id, today=today)


def flags_after_custody(custody_id: int, *, today: datetime.date | None = None) -> int:
    """A custody record made or its release dates changed, or a release recorded."""
    return flags_after_event("custody", custody_id, today=today)


# --- Raising ------------------------------------------------------------------------------------


def flags_raise(specs: Iterable[FlagSpec]) -> int:
    """Create the flags that do not exist yet, and their recipients. Returns how many were new.

    Safe to call twice or from two workers at once: the unique constraint on (kind,
    subject_key, trigger_date) and on (flag, user) makes every insert ON CONFLICT DO NOTHING.
    Recipients of a flag that already existed are topped up (a crash between the two inserts,
    or a newly allocated IDVA, loses nothing); nobody is ever added twice.

    No flag is raised to nobody: inactive accounts are dropped, a spec left with no one gets
    its `fallback` (see Fallback), and a spec still without anyone is not raised but logged
    (by kind and ids only), so the next scan tries again once someone is in post.
    """
    unique: dict[tuple, FlagSpec] = {}
    for spec in specs:
        unique.setdefault(spec.key, spec)
    if not unique:
        return 0
    matching = Q()
    for kind, subject_key, trigger_date in unique:
        matching |= Q(kind=kind, subject_key=subject_key, trigger_date=trigger_date)
    with transaction.atomic():
        existing = set(RiskFlag.objects.filter(matching).values_list("kind", "subject_key", "trigger_date"))
        # Fallbacks only for new flags: one that exists already has its people (and its text,
        # which a fallback beyond the team must not be sent).
        _address(unique.values(), new=[spec for key, spec in unique.items() if key not in existing])
        for key, spec in list(unique.items()):
            if key not in existing and not spec.recipients:
                logger.error(
                    "risk flag %s %s on %s has nobody to receive it: not raised",
                    spec.kind,
                    spec.subject_key,
                    spec.trigger_date,
                )
                del unique[key]
        RiskFlag.objects.bulk_create(
            [
                RiskFlag(
                    kind=spec.kind,
                    audience=spec.audience,
                    subject_key=spec.subject_key,
                    trigger_date=spec.trigger_date,
                    case_id=spec.case_id,
                    victim_id=spec.victim_id,
                    title=spec.title[:300],
                    why=spec.why,
                    todo=spec.todo,
                    url=spec.url[:300],
                )
                for key, spec in unique.items()
                if key not in existing
            ],
            ignore_conflicts=True,
        )
        ids = {
            (kind, subject_key, trigger_date): pk
            for pk, kind, subject_key, trigger_date in RiskFlag.objects.filter(matching).values_list(
                "pk", "kind", "subject_key", "trigger_date"
            )
        }
        FlagRecipient.objects.bulk_create(
            [
                FlagRecipient(
                    flag_id=ids[key],
                    user_id=recipient.user_id,
                    team_id=recipient.team_id,
                    reason=recipient.reason,
                )
                for key, spec in unique.items()
                if key in ids
                for recipient in _one_per_user(spec.recipients)
            ],
            ignore_conflicts=True,
        )
    return len([key for key in unique if key not in existing])


def _address(specs: Iterable[FlagSpec], *, new: list[FlagSpec]) -> None:
    """Drop inactive recipients; give each `new` spec left with nobody its fallback (4 queries at most)."""
    specs = list(specs)
    named = {r.user_id for spec in specs for r in spec.recipients}
    if named:
        active = set(User.objects.filter(pk__in=named, is_active=True).values_list("pk", flat=True))
        for spec in specs:
            spec.recipients = [r for r in spec.recipients if r.user_id in active]
    orphans = [spec for spec in new if not spec.recipients and spec.fallback and spec.fallback.team_id]
    if not orphans:
        return
    in_team: dict[tuple[int, str], list[int]] = defaultdict(list)
    for team_id, role, user_id in (
        Membership.objects.filter(
            team_id__in={spec.fallback.team_id for spec in orphans},
            role__in={role for spec in orphans for role in spec.fallback.roles},
            active=True,
            user__is_active=True,
        )
        .values_list("team_id", "role", "user_id")
        .order_by("team_id", "role", "user_id")
    ):
        in_team[(team_id, role)].append(user_id)
    for spec in orphans:
        team_id = spec.fallback.team_id
        spec.recipients = [
            Recipient(
                user_id,
                f"Sent to the team ({Role(role).label}): nobody named for it can receive it",
                team_id,
            )
            for role in spec.fallback.roles
            for user_id in in_team.get((team_id, role), [])
        ]
    orphans = [spec for spec in orphans if not spec.recipients]
    if not orphans:
        return
    team_areas = dict(
        Team.objects.filter(pk__in={s.fallback.team_id for s in orphans}).values_list("pk", "area_id")
    )
    in_area: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for area_id, user_id, member_team_id in (
        Membership.objects.filter(
            team__area_id__in=set(team_areas.values()),
            role__in=AREA_FALLBACK_ROLES,
            active=True,
            user__is_active=True,
        )
        .values_list("team__area_id", "user_id", "team_id")
        .order_by("team__area_id", "user_id", "team_id")
    ):
        in_area[area_id].append((user_id, member_team_id))
    for spec in orphans:
        people = in_area.get(team_areas.get(spec.fallback.team_id), [])
        if not people:
            continue
        if spec.fallback.area_title:
            spec.title, spec.todo, spec.url = spec.fallback.area_title, spec.fallback.area_todo, ""
        spec.recipients = [
            Recipient(
                user_id,
                "Nobody in the team it belongs to can receive it: you are an area admin or coordinator",
                team_id,
            )
            for user_id, team_id in people
        ]


def _one_per_user(recipients: list[Recipient]) -> list[Recipient]:
    seen: dict[int, Recipient] = {}
    for recipient in recipients:
        seen.setdefault(recipient.user_id, recipient)
    return list(seen.values())


# --- Who receives what ------------------------------------------------------------------------


def team_members(team_ids: Iterable[int], roles: Iterable[str]) -> dict[int, list[int]]:
    """Active members of each team in the given roles: {team_id: [user_id, ...]} (one query)."""
    members: dict[int, list[int]] = defaultdict(list)
    rows = Membership.objects.filter(
        team_id__in=set(team_ids), role__in=list(roles), active=True, user__is_active=True
    ).values_list("team_id", "user_id")
    for team_id, user_id in rows.order_by("team_id", "user_id"):
        if user_id not in members[team_id]:
            members[team_id].append(user_id)
    return members


def case_recipients(cases: Iterable[Case]) -> dict[int, list[Recipient]]:
    """The perpetrator's side of each case: case manager and supervisor (the team's, if none named)."""
    cases = list(cases)
    supervisors = team_members({case.team_id for case in cases}, [Role.SUPERVISOR])
    result = {}
    for case in cases:
        recipients = []
        if case.case_manager_id:
            recipients.append(Recipient(case.case_manager_id, "You are the case manager", case.team_id))
        if case.supervisor_id:
            recipients.append(Recipient(case.supervisor_id, "You supervise this case", case.team_id))
        else:
            recipients += [
                Recipient(user_id, "You supervise the case team", case.team_id)
                for user_id in supervisors.get(case.team_id, [])
            ]
        result[case.pk] = recipients
    return result


def area_agency_reps(area_ids: Iterable[int], organisation_kind: str) -> dict[int, list[tuple[int, int]]]:
    """Agency representatives of one kind of agency (e.g. police) per area: {area_id: [(user, team)]}."""
    reps: dict[int, list[tuple[int, int]]] = defaultdict(list)
    rows = Membership.objects.filter(
        team__area_id__in=set(area_ids),
        team__organisation__kind=organisation_kind,
        role=Role.AGENCY_REP,
        active=True,
        user__is_active=True,
    ).values_list("team__area_id", "user_id", "team_id")
    for area_id, user_id, team_id in rows.order_by("team__area_id", "user_id"):
        reps[area_id].append((user_id, team_id))
    return reps


def safe_url(name: str, *args) -> str:
    """A path to act on, or "" while the page does not exist (apps arrive independently)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def long_date(value: datetime.date) -> str:
    return f"{value:%-d %B %Y}"


# --- Acknowledgement and escalation -----------------------------------------------------------


def working_days_before(day: datetime.date, days: int) -> datetime.date:
    """The date `days` working days (Monday to Friday) before `day`."""
    while days > 0:
        day -= datetime.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


@transaction.atomic
def flag_acknowledge(*, recipient: FlagRecipient, note: str, actor: User) -> FlagRecipient:
    """Mark the actor's own copy of a flag as acknowledged, with what they did about it.

    Compare-and-swap: a second acknowledgement (another tab, a double click) changes nothing.
    A flag reaches both sides (an IDVA and a case manager can hold copies of one flag), so a note
    that could locate or contact a victim is refused (accounts.safe_text).
    """
    if recipient.user_id != actor.pk:
        raise PermissionError("Only the person a flag was sent to can acknowledge it.")
    refuse_contact_details(note=note)
    now = timezone.now()
    changed = FlagRecipient.objects.filter(pk=recipient.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=now, acknowledged_note=note
    )
    if changed:
        audit.record(
            None, AuditEvent.Action.UPDATE, recipient.flag, user=actor, purpose="Acknowledged a risk flag"
        )
    recipient.refresh_from_db()
    return recipient


def flags_escalate(*, now: datetime.datetime | None = None) -> int:
    """Send flags left unacknowledged for N working days to the supervisors of the recipient's team.

    Escalation stays inside the team the flag was sent through, so a victim-side flag only
    ever reaches the IDVA team's supervisor. Each copy escalates once; copies that were
    themselves escalations do not escalate again. Returns how many copies escalated.
    """
    now = now or timezone.now()
    cutoff = working_days_before(timezone.localdate(now), escalation_working_days())
    created_before = timezone.make_aware(
        datetime.datetime.combine(cutoff + datetime.timedelta(days=1), datetime.time.min)
    )
    with transaction.atomic():
        due = list(
            FlagRecipient.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                acknowledged_at__isnull=True,
                escalated_at__isnull=True,
                escalated_from__isnull=True,
                created_at__lt=created_before,
            )
            .select_related("user")
            .order_by("created_at")[:BATCH_SIZE]
        )
        if not due:
            return 0
        supervisors = team_members({r.team_id for r in due if r.team_id}, [Role.SUPERVISOR])
        days = escalation_working_days()
        FlagRecipient.objects.bulk_create(
            [
                FlagRecipient(
                    flag_id=copy.flag_id,
                    user_id=supervisor_id,
                    team_id=copy.team_id,
                    reason=f"Escalated: {copy.user.full_name} has not acknowledged it within {days} working days",
                    escalated_from=copy,
                )
                for copy in due
                for supervisor_id in supervisors.get(copy.team_id, [])
                if supervisor_id != copy.user_id
            ],
            ignore_conflicts=True,
        )
        FlagRecipient.objects.filter(pk__in=[r.pk for r in due]).update(escalated_at=now)
    return len(due)


# --- Email: only that there is something to see ---------------------------------------------------

EMAIL_SUBJECT = "New risk flags in Tideline"


def email_body(count: int) -> str:
    noun = "risk flag" if count == 1 else "risk flags"
    link = settings.TIDELINE_BASE_URL.rstrip("/") + reverse("casework:flags")
    return (
        f"You have {count} new {noun} in Tideline.\n\n"
        f"Sign in to see them: {link}\n\n"
        "For safety this email never contains names or details."
    )


def flags_notify(*, user_ids: Iterable[int] | None = None) -> int:
    """Email each person with new, unacknowledged flags once. Returns how many emails were sent.

    Compare-and-swap per person (mark as notified, then send in the same transaction): two
    runs at once send one email, and a failed send leaves the flags to be notified next time.
    """
    pending = FlagRecipient.objects.filter(notified_at__isnull=True, acknowledged_at__isnull=True)
    if user_ids is not None:
        pending = pending.filter(user_id__in=list(user_ids))
    sent = 0
    for user in User.objects.filter(pk__in=pending.values("user_id"), is_active=True).only("pk", "email"):
        with transaction.atomic():
            count = FlagRecipient.objects.filter(
                user=user, notified_at__isnull=True, acknowledged_at__isnull=True
            ).update(notified_at=timezone.now())
            if count:
                send_mail(EMAIL_SUBJECT, email_body(count), None, [user.email])
                sent += 1
    logger.info("risk flag emails sent: %d", sent)
    return sent


# --- Reads for the inbox and the case page ------------------------------------------------------


class Status:
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    ALL = "all"
    CHOICES = [(OPEN, "Not acknowledged"), (ACKNOWLEDGED, "Acknowledged"), (ALL, "All")]


def flag_copies_visible_to(user) -> QuerySet[FlagRecipient]:
    """The user's own copies, and for supervisors every copy sent through a team they supervise."""
    return FlagRecipient.objects.filter(Q(user=user) | Q(team_id__in=user.team_ids(Role.SUPERVISOR)))


def flag_inbox(
    user, *, status: str = Status.OPEN, kind: str = "", team: bool = False
) -> QuerySet[FlagRecipient]:
    copies = flag_copies_visible_to(user) if team else FlagRecipient.objects.filter(user=user)
    if status == Status.OPEN:
        copies = copies.filter(acknowledged_at__isnull=True)
    elif status == Status.ACKNOWLEDGED:
        copies = copies.filter(acknowledged_at__isnull=False)
    if kind:
        copies = copies.filter(flag__kind=kind)
    return copies.select_related("flag", "user").order_by("-created_at", "-id")


def open_flag_count(user) -> int:
    return FlagRecipient.objects.filter(user=user, acknowledged_at__isnull=True).count()


def get_flag_copy_for_user(user, pk: int, *, acknowledge: bool = False) -> FlagRecipient:
    """404 when the copy is not visible to `user`; 403 when asked to acknowledge someone else's."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    copy = flag_copies_visible_to(user).select_related("flag", "user").filter(pk=pk).first()
    if copy is None:
        raise Http404("No such risk flag.")
    if acknowledge and copy.user_id != user.pk:
        raise PermissionDenied("Only the person a flag was sent to can acknowledge it.")
    return copy


def case_flags(*, case: Case) -> list[RiskFlag]:
    """Perpetrator-side flags on a case (never victim-side ones), newest first, with their copies."""
    return list(
        RiskFlag.objects.filter(case=case, audience=FlagAudience.CASE)
        .prefetch_related("recipients__user")
        .order_by("-trigger_date", "-id")[:20]
    )


KIND_CHOICES = FlagKind.choices
