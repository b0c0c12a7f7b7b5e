"""Records in plain words, for a letter to a member of the public (subject access).

A subject access response is read by the person it is about, not by a database engineer:
labels are words ("Date of birth", not `date_of_birth`), dates are written out ("3 March
2026"), choices show their meaning, yes/no questions say Yes or No, structured answers become
lines of text, and internal ids, model names and raw JSON never appear. Staff are described by
their role and organisation, as is usual in a subject access response, never by email address.

Every app's subject-access collectors (`<app>/personal_data.py`) describe their records with
it, so it lives here, below them all (accounts.personal_data).

`Words` caches what it looks up (staff, team and organisation names) for one gathering, so a
case with hundreds of notes by the same worker costs one query for that worker.
"""

from __future__ import annotations

import datetime
import decimal

from django.db import models
from django.utils import timezone
from django.utils.text import capfirst

from accounts.models import Area, Membership, Organisation, Role, Team, User

# Never shown: bookkeeping, links between records, matching and sharing switches.
SKIP_FIELDS = {
    "id",
    "version",
    "password",
    "history_id",
    "deleted_at",
    "updated_at",
    "order",
    "subject_key",
    "url",
    "shared_fields",
    "label_number",
    "picked_up_victim_id",
    "area",
    "restricted",
    "person_decision",
    "person_decided_by",
    "possible_duplicate_of",
    "audience",
    "components",
    "idva_team",
    "source",
    "case_was_reopened",
}

# Who recorded something and when reads best after what was recorded.
LAST_FIELDS = ["created_by", "recorded_by", "created_at", "recorded_at"]

# Labels for fields whose model gives no wording of its own (Django's default is the field name).
LABELS = {
    "created_at": "Recorded on",
    "created_by": "Recorded by",
    "recorded_at": "Recorded on",
    "recorded_by": "Recorded by",
    "recorded_on": "Recorded on",
    "author": "Written by",
    "text": "What was written",
    "notes": "Notes",
    "started_by": "Started by",
    "completed_at": "Completed on",
    "completed_by": "Completed by",
    "decided_at": "Decided on",
    "decided_by": "Decided by",
    "decided_on": "Decided on",
    "requested_at": "Requested on",
    "requested_by": "Requested by",
    "submitted_at": "Submitted on",
    "submitted_by": "Submitted by",
    "changed_at": "Changed on",
    "changed_by": "Changed by",
    "updated_by": "Last updated by",
    "shared_at": "Shared on",
    "shared_by": "Shared by",
    "computed_at": "Worked out on",
    "computed_by": "Worked out by",
    "as_of": "Worked out as at",
    "from_level": "Risk level before",
    "to_level": "Risk level after",
    "opened_on": "Opened on",
    "closed_on": "Closed on",
    "phase": "Stage",
    "next_review_date": "Next review date",
    "due_date": "Due by",
    "due_on": "Due by",
    "kind": "Type",
    "idva": "Independent domestic violence adviser (IDVA)",
    "decision_note": "Decision note",
    "reopened_at": "Reopened on",
    "reopened_by": "Reopened by",
    "reopen_reason": "Why it was reopened",
    "picked_up_at": "Picked up on",
    "picked_up_by": "Picked up by",
    "allocated_at": "Allocated on",
    "allocated_by": "Allocated by",
    "first_contact_due_on": "First contact due by",
    "first_contact_by": "First contact made by",
    "decision_reason": "Reason for the decision",
    "judgement_level": "Professional judgement",
    "band": "Risk level from the checklist",
    "score": "Score",
    "explanation": "How the score was worked out",
    "lever": "What was done",
    "description": "Description",
    "outcome": "Outcome",
    "goal": "Goal",
    "reason": "Reason",
    "summary": "Summary",
    "trigger_date": "Date",
    "todo": "What to do",
    "why": "Why it matters",
}

_NAMED = (Team, Organisation, Area)


def written_date(value: datetime.date | None) -> str:
    """3 March 2026."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value.day} {value:%B %Y}"


def written_time(value: datetime.time) -> str:
    """2:05pm, midday, midnight (GOV.UK style)."""
    if value.hour == 12 and value.minute == 0:
        return "midday"
    if value.hour == 0 and value.minute == 0:
        return "midnight"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}:{value.minute:02d}{suffix}" if value.minute else f"{hour}{suffix}"


def written_datetime(value: datetime.datetime | None) -> str:
    """3 March 2026 at 2:05pm, in UK time."""
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{written_date(local)} at {written_time(local.time())}"


def humanise_key(key: object) -> str:
    return capfirst(str(key).replace("_", " ").strip())


def plain(value: object) -> str | list[str]:
    """Any stored value in words: JSON becomes lines, never braces."""
    if value is None:
        return ""
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if isinstance(value, datetime.datetime):
        return written_datetime(value)
    if isinstance(value, datetime.date):
        return written_date(value)
    if isinstance(value, datetime.time):
        return written_time(value)
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dict):
        return [f"{humanise_key(k)}: {_inline(v)}" for k, v in value.items() if v not in (None, "", [], {})]
    if isinstance(value, list | tuple):
        return [_inline(v) for v in value if v not in (None, "", [], {})]
    return str(value)


def _inline(value: object) -> str:
    shown = plain(value)
    return "; ".join(shown) if isinstance(shown, list) else shown


class Words:
    """Describes records in words for one gathering, with its own small caches."""

    def __init__(self) -> None:
        self._staff: dict[int, str] = {}
        self._names: dict[tuple[type, int], str] = {}

    def staff(self, user_id: int | None) -> str:
        """ "Case manager, Northshire Drive Service": a worker by role and organisation."""
        if user_id is None:
            return ""
        if user_id not in self._staff:
            membership = (
                Membership.objects.filter(user_id=user_id, active=True)
                .select_related("team__organisation")
                .order_by("team__name", "role")
                .first()
            )
            if membership is None:
                self._staff[user_id] = "A member of staff"
            else:
                role = Role(membership.role).label if membership.role in Role.values else "Staff member"
                self._staff[user_id] = f"{role}, {membership.team.organisation.name}"
        return self._staff[user_id]

    def name_of(self, model: type[models.Model], pk: int | None) -> str:
        if pk is None:
            return ""
        key = (model, pk)
        if key not in self._names:
            found = model._base_manager.filter(pk=pk).first()
            self._names[key] = str(found) if found is not None else ""
        return self._names[key]

    def value(self, obj: models.Model, f: models.Field) -> object:
        """The field's value in words; None when the field is not shown (links to other records)."""
        if f.is_relation:
            related_id = getattr(obj, f.attname)
            if issubclass(f.related_model, User):
                return self.staff(related_id)
            if issubclass(f.related_model, _NAMED):
                return self.name_of(f.related_model, related_id)
            return None
        value = getattr(obj, f.attname)
        if f.choices and value not in (None, ""):
            return str(getattr(obj, f"get_{f.name}_display")())
        return plain(value)

    def label(self, f: models.Field) -> str:
        default = f.name.replace("_", " ")
        if str(f.verbose_name) == default and f.name in LABELS:
            return LABELS[f.name]
        return capfirst(str(f.verbose_name))

    def fields(
        self,
        obj: models.Model,
        *,
        skip: tuple[str, ...] = (),
        only: tuple[str, ...] | None = None,
        labels: dict[str, str] | None = None,
    ) -> dict:
        """The record's own fields as {label: words}; empty values and links to other records left out."""
        data: dict[str, object] = {}
        own = [f for f in obj._meta.concrete_fields if f.name not in LAST_FIELDS]
        last = sorted(
            (f for f in obj._meta.concrete_fields if f.name in LAST_FIELDS),
            key=lambda f: LAST_FIELDS.index(f.name),
        )
        for f in own + last:
            if f.name in SKIP_FIELDS or f.name in skip or (only is not None and f.name not in only):
                continue
            value = self.value(obj, f)
            if value is None or value == "" or value == []:
                continue
            label = (labels or {}).get(f.name) or self.label(f)
            data[label] = value
        deleted_at = getattr(obj, "deleted_at", None)
        if deleted_at:
            data["Removed from the active record on"] = written_date(deleted_at)
        return data
