"""accounts' own entries in the personal-data registry (accounts.personal_data).

- Subject access: who looked at the subject's records, by organisation and role, and (withheld)
  the reasons staff gave. It runs last, for the records the other collectors asked about
  (`Gathering.watch_audit`).
- Retention: audit events, a calendar month at a time, for the whole service, decided by a data
  protection officer. On PostgreSQL the rows go only through `accounts_audit_erase_month`
  (migration 0006), which checks the confirmation again in SQL.
- Areas, organisations, teams, staff accounts, memberships and API tokens hold nothing about a
  perpetrator or a victim-survivor.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts import personal_data as registry
from accounts.erasure import month_end, years_before
from accounts.models import ApiToken, Area, AuditEvent, Membership, Organisation, Role, Team, User
from accounts.personal_data import Candidate, Erasure, Exemption, Gathering, RecordType, Subject
from accounts.plain_words import written_datetime

AUDIT_ROWS_LIMIT = 5000

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


# --- Subject access: who accessed the record --------------------------------------------------------------


@registry.collector(Subject.PERPETRATOR, order=90, models=(AuditEvent,))
@registry.collector(Subject.VICTIM, order=90, models=(AuditEvent,))
def who_accessed(g: Gathering) -> None:
    """Who looked at the records (by organisation and role) and, withheld, the reasons they gave.

    A reason (`purpose`) is free text written by staff, such as a break-glass reason, and can say
    things about other people: it is third-party information, withheld unless the DPO decides.
    """
    condition = Q(pk__in=[])
    record_words = {}
    for object_type, ids, words in g.audit_targets:
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
            exemption=Exemption.THIRD_PARTY,
            note="Reasons staff wrote (a break-glass reason, for example) can be about other people",
            source_type="accounts.auditevent",
            part="reasons",
        )


# --- Retention: audit months ------------------------------------------------------------------------------


def audit_months(cutoff: datetime.date):
    boundary = (cutoff + datetime.timedelta(days=1)).replace(day=1)
    months = (
        AuditEvent.objects.filter(occurred_at__date__lt=boundary)
        .annotate(month=TruncMonth("occurred_at"))
        .values_list("month", flat=True)
        .distinct()
    )
    firsts = sorted({timezone.localdate(m) if isinstance(m, datetime.datetime) else m for m in months})
    return (Candidate(f"{m:%Y-%m}", f"Audit events {m:%B %Y}", None, None, month_end(m)) for m in firsts)


@registry.erase_step(RecordType.AUDIT, order=10, models=(AuditEvent,))
def audit_month_erase(erasure: Erasure) -> dict:
    """Delete one month of audit events, for a review privacy.retention has just confirmed.

    On PostgreSQL the rows can only go through `accounts_audit_erase_month`, which runs as its
    own role and checks the confirmation, the DPO, the erasure's audit event and the retention
    period again in SQL (accounts migration 0006); the append-only trigger refuses any other
    DELETE. The check here gives the DPO a clear message first.
    """
    first = datetime.date.fromisoformat(f"{erasure.object_id}-01")
    if month_end(first) > years_before(timezone.localdate(), erasure.years):
        raise ValidationError("These audit events are still inside their retention period.")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT accounts_audit_erase_month(%s, %s)", [erasure.review_id, settings.TIME_ZONE]
            )
            deleted = cursor.fetchone()[0]
        else:  # SQLite (the demo) has no append-only trigger
            start = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
            end = timezone.make_aware(
                datetime.datetime.combine(month_end(first) + datetime.timedelta(days=1), datetime.time.min)
            )
            cursor.execute(
                "DELETE FROM accounts_auditevent WHERE occurred_at >= %s AND occurred_at < %s", [start, end]
            )
            deleted = cursor.rowcount
    return {"audit_events": deleted}


registry.retention_type(
    RecordType.AUDIT,
    candidates=audit_months,
    audit_label="accounts.auditevent",
    decided_by=Role.DPO,
    whole_service=True,
)

# --- Everything else ----------------------------------------------------------------------------------------

registry.no_subject_data(Area, Organisation, Team, reason="police force areas, agencies and their teams")
registry.no_subject_data(
    User,
    Membership,
    reason="staff accounts and their roles: staff appear in a subject's items only by role and organisation",
)
registry.no_subject_data(ApiToken, reason="a partner system's credentials (only the token's hash is kept)")
