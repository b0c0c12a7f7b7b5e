"""Importing a police incident extract (CSV). All or nothing, idempotent on police reference.

`incident_import_csv(file=..., actor=..., team=...)` reads every row, checks every row, and
imports only if no row is rejected: a file with one bad row changes nothing and returns the
report (row number as a spreadsheet shows it, column, reason). Rows whose police reference is
already recorded in the team's area are counted as "already present" and skipped, so
re-importing the same file creates nothing twice. References are unique per police force
(area): another area's incidents are never consulted. The police incident feed (API) reuses this with its own source.

Column format (also shown on the upload page and in casework/README.md): see COLUMNS.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import audit
from accounts.models import AuditEvent, Team
from accounts.safe_text import mask_contact_details
from casework.models import (
    Case,
    Incident,
    IncidentSource,
    IncidentType,
    Offence,
    Perpetrator,
    PerpetratorIdentifier,
)
from casework.services_legal import incident_create, rfg_refresh_for_perpetrator
from casework.tasks import enqueue_flags_after_incidents

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000

YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    description: str


COLUMNS = [
    Column(
        "police_reference",
        True,
        "The police incident or crime number. Unique in your area: it is how a re-import is recognised.",
    ),
    Column("occurred_on", True, "Date of the incident: YYYY-MM-DD or DD/MM/YYYY. Not in the future."),
    Column("occurred_time", False, "Time of the incident, HH:MM (24-hour)."),
    Column("incident_type", True, "One of: " + ", ".join(value for value, _ in IncidentType.choices) + "."),
    Column("offence", True, "One of: " + ", ".join(value for value, _ in Offence.choices) + "."),
    Column("is_domestic_abuse", True, "yes or no."),
    Column("children_present", False, "yes or no (blank means no)."),
    Column(
        "children_count",
        False,
        "How many children were present (a whole number; only if children_present is yes).",
    ),
    Column("perpetrator_id", False, "Tideline's person number (shown on the person's Incidents tab)."),
    Column("pnc_number", False, "The person's PNC number, matched against identifiers recorded in Tideline."),
    Column(
        "last_name",
        False,
        "Surname: used with first_name and date_of_birth when there is no id or PNC number.",
    ),
    Column("first_name", False, "First name."),
    Column("date_of_birth", False, "Date of birth: YYYY-MM-DD or DD/MM/YYYY."),
    Column(
        "victim_numbers",
        False,
        'The Tideline victim numbers involved, separated by ";" (e.g. "1;2" for victim 1 and victim 2). Never names.',
    ),
    Column(
        "summary",
        False,
        "A short description. Do not include any victim's address or contact details: postcodes, "
        "phone numbers and email addresses are replaced by “[postcode removed]” and the like.",
    ),
]
REQUIRED = [c.name for c in COLUMNS if c.required]
KNOWN = {c.name for c in COLUMNS}


@dataclass(frozen=True)
class RejectedRow:
    row: int
    column: str
    reason: str


@dataclass
class ImportResult:
    total_rows: int = 0
    created: int = 0
    already_present: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    created_ids: list[int] = field(default_factory=list)
    # Postcodes, phone numbers and emails replaced in summaries (a count: never the values).
    masked_details: int = 0

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.rejected

    @property
    def rejected_row_count(self) -> int:
        return len({r.row for r in self.rejected})


# --- Hostile cells -------------------------------------------------------------------------
# A cell is checked for these before it is parsed or sent to the database, so a value no
# column could hold gets its own row-and-column message rather than an error page.

# Python's isdigit(), int() and strptime() accept Unicode digits ("²", "٣", "３"): numbers and
# dates here are written with the ASCII digits 0-9 only.
ASCII_NUMBER = re.compile(r"[0-9]+")
# PostgreSQL integers: a larger person number cannot exist, and must not reach a query.
MAX_ID = 2_147_483_647
# A cell a spreadsheet would run as a formula when the extract is opened again.
FORMULA_START = ("=", "+", "-", "@")
CELL_LIMITS = {"summary": 2000, "police_reference": 60, "pnc_number": 60, "last_name": 100, "first_name": 100}
CELL_LIMIT = 200
# References a police system issues: printable ASCII only.
ASCII_TEXT_COLUMNS = {"police_reference", "pnc_number"}
NAME_COLUMNS = {"last_name", "first_name"}


def _invisible(char: str) -> bool:
    # Control and format characters (a byte-order mark, zero-width spaces) would hide text from
    # the contact-detail masking and from a reader; tab and line breaks are ordinary text.
    return unicodedata.category(char) in ("Cc", "Cf") and char not in "\t\n\r"


def _cell_problem(column: str, value: str) -> str | None:
    """Why `value` cannot stand in `column` whatever the row says, or None.

    The summary is prose, so any printable text stands there (Unicode digits included, as in
    "3 m²"); every other column holds a number, date, code, name or reference and is checked
    for its format here or in _check_row.
    """
    if "\x00" in value:
        return "Contains a NUL character (a zero byte), which cannot be stored: remove it"
    if any("\ud800" <= char <= "\udfff" for char in value):
        return "Contains characters that are not valid text (unpaired surrogates)"
    if any(_invisible(char) for char in value):
        return "Contains invisible control or formatting characters (such as a byte-order mark): remove them"
    limit = CELL_LIMITS.get(column, CELL_LIMIT)
    if len(value) > limit:
        return f"Must be {limit} characters or fewer"
    if value.startswith(FORMULA_START):
        return "Must not start with =, +, - or @: a spreadsheet would run it as a formula"
    if column in ASCII_TEXT_COLUMNS and not (value.isascii() and value.isprintable()):
        return "Use only the letters A to Z, the digits 0 to 9 and ordinary punctuation"
    if column in NAME_COLUMNS and any(unicodedata.category(char).startswith("N") for char in value):
        return "A name cannot contain digits"
    if column == "date_of_birth" and value:
        try:
            _parse_date(value)
        except ValueError:
            return "Must be a date as YYYY-MM-DD or DD/MM/YYYY"
    return None


def _hostile_cells(row: dict[str, str], number: int) -> list[RejectedRow]:
    problems = []
    for column in COLUMNS:
        reason = _cell_problem(column.name, row.get(column.name, ""))
        if reason:
            problems.append(RejectedRow(number, column.name, reason))
    return problems


def shown(value: str, limit: int = 40) -> str:
    """A value quoted back in a message: cut short, with invisible or unstorable characters as "?"."""
    return "".join(char if char.isprintable() else "?" for char in value[:limit])


def _whole_number(value: str) -> int | None:
    return int(value) if ASCII_NUMBER.fullmatch(value) else None


def _parse_date(value: str) -> datetime.date:
    if not value.isascii():
        raise ValueError
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError


def _read(file) -> tuple[list[str], list[dict[str, str]]] | str:
    raw = file.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        return "The file is larger than 2 MB. Split it into smaller files."
    if isinstance(raw, str):
        text = raw
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "The file is saved as UTF-16. Save it as “CSV UTF-8” and upload it again."
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            return (
                f"The file must be a CSV saved as UTF-8: line {line} has bytes that are not UTF-8 "
                "(was it saved as Latin-1 or Windows-1252?). Save it as “CSV UTF-8” and upload it again."
            )
    if not text.strip():
        return "The file is empty."
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        headers = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
        rows = []
        for row in reader:
            if len(rows) >= MAX_ROWS:
                return f"The file has more than {MAX_ROWS} rows. Split it into smaller files."
            if None in row:
                rows.append({"__extra__": "yes"})
                continue
            rows.append({(k or "").strip().lower(): (v or "").strip() for k, v in row.items()})
    except csv.Error as error:
        return f"The file could not be read as CSV ({error})."
    return headers, rows


class _Matcher:
    """Finds the one perpetrator a row is about, inside the importing team's area."""

    def __init__(self, area):
        self.area = area
        self.people = Perpetrator.objects.filter(area=area)

    def match(self, row: dict[str, str]) -> tuple[Perpetrator | None, str, str]:
        """(perpetrator, column, reason): perpetrator is None when the row cannot be matched."""
        found: Perpetrator | None = None
        if row.get("perpetrator_id"):
            person_number = _whole_number(row["perpetrator_id"])
            if person_number is None:
                return None, "perpetrator_id", "Must be a whole number written with the digits 0-9"
            found = self.people.filter(pk=person_number).first() if person_number <= MAX_ID else None
            if found is None:
                return None, "perpetrator_id", "No person with this number in your area"
        if row.get("pnc_number"):
            by_pnc = self.people.filter(
                identifiers__kind=PerpetratorIdentifier.Kind.PNC,
                identifiers__value__iexact=row["pnc_number"],
                identifiers__deleted_at__isnull=True,
            ).first()
            if found is not None and by_pnc is not None and by_pnc.pk != found.pk:
                return None, "pnc_number", "This PNC number belongs to a different person from perpetrator_id"
            if found is None and by_pnc is None:
                return None, "pnc_number", "No person with this PNC number in your area"
            found = found or by_pnc
        if found is not None:
            return found, "", ""
        names = (row.get("last_name"), row.get("first_name"), row.get("date_of_birth"))
        if not all(names):
            return (
                None,
                "perpetrator_id",
                "Give perpetrator_id, pnc_number, or last_name, first_name and date_of_birth",
            )
        try:
            dob = _parse_date(row["date_of_birth"])
        except ValueError:
            return None, "date_of_birth", "Must be a date as YYYY-MM-DD or DD/MM/YYYY"
        matches = list(
            self.people.filter(
                last_name__iexact=row["last_name"], first_name__iexact=row["first_name"], date_of_birth=dob
            )[:2]
        )
        if not matches:
            return None, "last_name", "No person with this name and date of birth in your area"
        if len(matches) > 1:
            return (
                None,
                "last_name",
                "More than one person has this name and date of birth: give perpetrator_id",
            )
        return matches[0], "", ""


def _check_row(
    row: dict[str, str], number: int, matcher: _Matcher, victim_numbers_of
) -> tuple[dict, list[RejectedRow]]:
    problems: list[RejectedRow] = []

    def reject(column: str, reason: str) -> None:
        problems.append(RejectedRow(number, column, reason))

    for name in REQUIRED:
        if not row.get(name):
            reject(name, "Missing: this column is required")
    values: dict = {"police_reference": row.get("police_reference", "")}
    if row.get("occurred_on"):
        try:
            values["occurred_on"] = _parse_date(row["occurred_on"])
            if values["occurred_on"] > timezone.localdate():
                reject("occurred_on", "Must be today or in the past")
        except ValueError:
            reject("occurred_on", "Must be a date as YYYY-MM-DD or DD/MM/YYYY")
    if row.get("occurred_time"):
        try:
            if not row["occurred_time"].isascii():
                raise ValueError
            values["occurred_at"] = datetime.datetime.strptime(row["occurred_time"], "%H:%M").time()
        except ValueError:
            reject("occurred_time", "Must be a time as HH:MM")
    for name, choices in (("incident_type", IncidentType), ("offence", Offence)):
        value = row.get(name, "").lower()
        if value and value not in choices.values:
            reject(name, f"“{shown(row[name])}” is not one of the allowed values")
        values[name] = value
    for name, required in (("is_domestic_abuse", True), ("children_present", False)):
        value = row.get(name, "").lower()
        if value in YES:
            values[name] = True
        elif value in NO and (value or not required):
            values[name] = False
        elif value:
            reject(name, "Must be yes or no")
    if row.get("children_count"):
        count = _whole_number(row["children_count"])
        if count is None or count > 30:
            reject("children_count", "Must be a whole number from 0 to 30, written with the digits 0-9")
        elif not values.get("children_present") and count > 0:
            reject("children_count", "Give a number of children only when children_present is yes")
        else:
            values["children_count"] = count
    values["summary"] = row.get("summary", "")
    perpetrator, column, reason = matcher.match(row)
    if perpetrator is None:
        reject(column, reason)
    values["perpetrator"] = perpetrator
    links = []
    if row.get("victim_numbers") and perpetrator is not None:
        available = victim_numbers_of(perpetrator)
        for part in row["victim_numbers"].replace(",", ";").split(";"):
            part = part.strip()
            if not part:
                continue
            label = _whole_number(part)
            if label is None or label not in available:
                reject("victim_numbers", f"“{shown(part, 10)}” is not a victim number linked to this person")
                continue
            links.append(available[label])
    values["victim_links"] = links
    return values, problems


@transaction.atomic
def incident_import_csv(*, file, actor, team: Team, source: str = IncidentSource.IMPORTED) -> ImportResult:
    """Check every row of a police incident extract; import all of them or none.

    People are matched inside `team.area` by perpetrator_id, then PNC number, then exact
    last name + first name + date of birth (one match only). Rows whose police reference is
    already recorded in this area are counted in `already_present` and not imported again;
    another area's references play no part (they are unique per police force).
    """
    from django.apps import apps

    result = ImportResult()
    read = _read(file)
    if isinstance(read, str):
        result.file_errors.append(read)
        return result
    headers, rows = read
    missing = [name for name in REQUIRED if name not in headers]
    if missing:
        result.file_errors.append("The file is missing the required column(s): " + ", ".join(missing) + ".")
    unknown = [h for h in headers if h and h not in KNOWN]
    if unknown:
        result.file_errors.append(
            "The file has column(s) this import does not know: "
            + ", ".join(shown(name) for name in unknown[:10])
            + "."
        )
    if not rows:
        result.file_errors.append("The file has a header row but no incidents.")
    if result.file_errors:
        return result
    result.total_rows = len(rows)

    VictimLink = apps.get_model("victims", "VictimLink")
    link_cache: dict[int, dict[int, object]] = {}

    def victim_numbers_of(perpetrator):
        if perpetrator.pk not in link_cache:
            link_cache[perpetrator.pk] = {
                link.label_number: link
                for link in VictimLink.objects.filter(perpetrator=perpetrator).only(
                    "id", "perpetrator_id", "label_number"
                )
            }
        return link_cache[perpetrator.pk]

    hostile = {
        index: _hostile_cells(row, index + 2) for index, row in enumerate(rows) if "__extra__" not in row
    }
    references = [row.get("police_reference", "") for index, row in enumerate(rows) if not hostile.get(index)]
    # References are unique per police force: only this area's own incidents count as already
    # present, so an import never learns (or is blocked by) what another area holds.
    existing = set(
        Incident.all_objects.filter(
            area=team.area, police_reference__in=[r for r in references if r]
        ).values_list("police_reference", flat=True)
    )
    matcher = _Matcher(team.area)
    seen: dict[str, int] = {}
    to_create: list[dict] = []
    for index, row in enumerate(rows):
        number = index + 2  # row 1 is the header, as a spreadsheet numbers it
        if "__extra__" in row:
            result.rejected.append(
                RejectedRow(number, "", "The row has more values than the header has columns")
            )
            continue
        if hostile.get(index):
            result.rejected.extend(hostile[index])
            continue
        reference = row.get("police_reference", "")
        if reference and reference in seen:
            result.rejected.append(
                RejectedRow(
                    number, "police_reference", f"The same reference is already on row {seen[reference]}"
                )
            )
            continue
        if reference:
            seen[reference] = number
        if reference in existing:
            result.already_present += 1
            continue
        # Nobody can be asked to correct a feed: contact details in the summary are masked.
        row["summary"], masked = mask_contact_details(row.get("summary", ""))
        result.masked_details += masked
        values, problems = _check_row(row, number, matcher, victim_numbers_of)
        result.rejected.extend(problems)
        if not problems:
            to_create.append(values)
    if result.rejected:
        return result  # all or nothing: one bad row means nothing is imported

    open_cases = {
        case.perpetrator_id: case
        for case in Case.objects.filter(
            team=team, closed_on__isnull=True, perpetrator_id__in={v["perpetrator"].pk for v in to_create}
        ).order_by("opened_on", "id")
    }
    touched = {}
    for values in to_create:
        perpetrator = values.pop("perpetrator")
        try:
            incident = incident_create(
                actor=actor,
                perpetrator=perpetrator,
                case=open_cases.get(perpetrator.pk),
                source=source,
                refresh_scores=False,
                enqueue_flags=False,
                **values,
            )
        except ValidationError as error:  # pragma: no cover - checked above; kept as a guard
            transaction.set_rollback(True)
            result.rejected.append(RejectedRow(0, "", "; ".join(error.messages)))
            result.created, result.created_ids = 0, []
            return result
        result.created += 1
        result.created_ids.append(incident.pk)
        touched[perpetrator.pk] = perpetrator
    for perpetrator in touched.values():
        rfg_refresh_for_perpetrator(perpetrator=perpetrator, actor=actor)
    audit.record(
        None,
        AuditEvent.Action.CREATE,
        user=actor,
        object_type="casework.incidentimport",
        object_id="",
        purpose=f"Imported {result.created} incident(s); {result.already_present} already present; "
        f"{result.masked_details} contact detail(s) removed from summaries",
    )
    # Risk flags for the new incidents, on commit, in batches (never one job per row).
    enqueue_flags_after_incidents(result.created_ids)
    return result
