"""Finding people who may already be on Tideline before a new perpetrator record is made.

Names are compared with jellyfish's phonetic keys and string similarity:
- they "sound alike" when their American Soundex or NYSIIS keys agree, or their Metaphone keys
  agree and the spellings are not far apart (Metaphone finds "Catherine" and "Kathryn", or
  "Geoff" and "Jeff", which the other two miss, but on its own it also pairs short names
  such as "Gray" and "Carr");
- they are "spelt alike" when the Jaro-Winkler similarity is very high and the lengths differ
  by at most one letter: a keying slip ("Richadrson") that changes the phonetic keys.
Dates of birth match exactly, with day and month transposed (a common keying slip), or on the
same day and month a year either side. Identifiers (PNC, police reference, prison number)
match exactly after normalising.

Nothing here merges anything: it proposes candidates, each with the reasons it matched.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

import jellyfish
from django.db.models import Q

from casework.models import Perpetrator, PerpetratorAlias, PerpetratorIdentifier

# --- Names ----------------------------------------------------------------------------------

# NYSIIS keys are compared on their first six characters, as the original 1970 algorithm did.
NYSIIS_LENGTH = 6
# Metaphone agreeing counts only when the spellings share this much (Jaro-Winkler): "Catherine"
# and "Kathryn" score 0.76, "Gray" and "Carr" 0.5, "Kelly" and "Cole" 0.48.
METAPHONE_MIN_SIMILARITY = 0.75
# A keying slip: "Richardson" / "Richadrson" score 0.98; "Smith" / "Smithson" (0.925) and
# "Harris" / "Harrison" (two letters longer) are different names.
SPELLING_MIN_SIMILARITY = 0.94


def _letters(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Z]", "", ascii_name.upper())


def sounds_alike(a: str, b: str) -> bool:
    """Soundex or NYSIIS keys agree, or Metaphone keys agree on spellings not far apart."""
    a, b = _letters(a), _letters(b)
    if not a or not b:
        return False
    if jellyfish.soundex(a) == jellyfish.soundex(b):
        return True
    if jellyfish.nysiis(a)[:NYSIIS_LENGTH] == jellyfish.nysiis(b)[:NYSIIS_LENGTH]:
        return True
    return (
        jellyfish.metaphone(a) == jellyfish.metaphone(b)
        and jellyfish.jaro_winkler_similarity(a, b) >= METAPHONE_MIN_SIMILARITY
    )


def spelt_alike(a: str, b: str) -> bool:
    """Nearly the same letters (a transposed, dropped or mistyped letter), however they sound."""
    a, b = _letters(a), _letters(b)
    if not a or not b or abs(len(a) - len(b)) > 1:
        return False
    return jellyfish.jaro_winkler_similarity(a, b) >= SPELLING_MIN_SIMILARITY


def _same(a: str, b: str) -> bool:
    return bool(_letters(a)) and _letters(a) == _letters(b)


# Initial letters a phonetic variant may start with, so the candidate query stays a narrow
# indexed lookup (last_name LIKE 'X%') rather than a scan of every person in the area.
_INITIAL_VARIANTS = {
    "C": "CKS",
    "K": "KC",
    "S": "SCZ",
    "Z": "ZS",
    "F": "FP",
    "P": "PF",
    "J": "JG",
    "G": "GJ",
    "I": "IEY",
    "E": "EIA",
    "Y": "YIJ",
    "A": "AE",
    "O": "OU",
    "U": "UO",
    "W": "WV",
    "V": "VW",
}


# --- Dates ----------------------------------------------------------------------------------


def transposed(date: datetime.date) -> datetime.date | None:
    if date.day > 12 or date.day == date.month:
        return None
    try:
        return date.replace(day=date.month, month=date.day)
    except ValueError:
        return None


def _shift_year(date: datetime.date, years: int) -> datetime.date | None:
    try:
        return date.replace(year=date.year + years)
    except ValueError:
        return None


def dob_variants(date: datetime.date) -> dict[datetime.date, str]:
    variants = {date: "Same date of birth"}
    swap = transposed(date)
    if swap:
        variants[swap] = "Date of birth matches with the day and month swapped"
    for years in (-1, 1):
        shifted = _shift_year(date, years)
        if shifted:
            variants[shifted] = "Same day and month of birth, year one apart"
    return variants


def normalise_identifier(value: str) -> str:
    return re.sub(r"\s+", "", value).upper()


# --- Matching -------------------------------------------------------------------------------


@dataclass
class PersonMatch:
    perpetrator: Perpetrator
    reasons: list[str] = field(default_factory=list)
    score: int = 0

    def add(self, reason: str, weight: int) -> None:
        if reason not in self.reasons:
            self.reasons.append(reason)
            self.score += weight


@dataclass(frozen=True)
class PersonDetails:
    first_name: str
    last_name: str
    date_of_birth: datetime.date | None = None
    aliases: tuple[str, ...] = ()
    identifiers: tuple[tuple[str, str], ...] = ()  # (PerpetratorIdentifier.Kind, value)


CANDIDATE_LIMIT = 500


def _names_match(first: str, last: str, other_first: str, other_last: str) -> tuple[str, int] | None:
    if _same(last, other_last):
        last_reason, last_weight = "same surname", 30
    elif sounds_alike(last, other_last):
        last_reason, last_weight = f"surname sounds like “{last}”", 20
    elif spelt_alike(last, other_last):
        last_reason, last_weight = f"surname spelt like “{last}”", 20
    else:
        return None
    if _same(first, other_first):
        return f"Same first name and {last_reason}", last_weight + 30
    if sounds_alike(first, other_first):
        return f"First name sounds like “{first}” and {last_reason}", last_weight + 20
    if spelt_alike(first, other_first):
        return f"First name spelt like “{first}” and {last_reason}", last_weight + 20
    if _letters(first)[:1] and _letters(first)[:1] == _letters(other_first)[:1]:
        return f"Same first initial and {last_reason}", last_weight + 5
    return f"{last_reason[0].upper()}{last_reason[1:]}", last_weight


def _split(name: str) -> tuple[str, str]:
    parts = name.split()
    if not parts:
        return "", ""
    if len(parts) == 1:
        return "", parts[0]
    return parts[0], parts[-1]


def find_matches(details: PersonDetails, *, area, limit: int = 10) -> list[PersonMatch]:
    """Existing perpetrators in `area` who may be this person, best first, each with reasons."""
    people = Perpetrator.objects.filter(area=area)
    query = Q(pk__in=[])
    surnames = [details.last_name] + [_split(alias)[1] for alias in details.aliases]
    for surname in surnames:
        initial = _letters(surname)[:1]
        for letter in _INITIAL_VARIANTS.get(initial, initial):
            query |= Q(last_name__istartswith=letter)
    if details.date_of_birth:
        query |= Q(date_of_birth__in=list(dob_variants(details.date_of_birth)))
    wanted_ids = [
        (kind, normalise_identifier(value)) for kind, value in details.identifiers if value and value.strip()
    ]
    identifier_query = Q(pk__in=[])
    for kind, value in wanted_ids:
        identifier_query |= Q(kind=kind, value=value)
    identifier_hits = list(
        PerpetratorIdentifier.objects.filter(
            identifier_query, perpetrator__area=area, perpetrator__deleted_at__isnull=True
        ).select_related("perpetrator")
    )
    alias_query = Q(pk__in=[])
    for surname in surnames:
        if _letters(surname):
            alias_query |= Q(name__icontains=surname.strip())
    alias_person_ids = PerpetratorAlias.objects.filter(alias_query, perpetrator__area=area).values(
        "perpetrator_id"
    )
    query |= Q(pk__in=alias_person_ids) | Q(pk__in=[hit.perpetrator_id for hit in identifier_hits])
    candidates = list(people.filter(query).prefetch_related("aliases")[:CANDIDATE_LIMIT])

    matches: dict[int, PersonMatch] = {}
    for person in candidates:
        match = PersonMatch(person)
        name_hit = _names_match(details.first_name, details.last_name, person.first_name, person.last_name)
        if name_hit is None and person.known_as:
            known_first, known_last = _split(person.known_as)
            hit = _names_match(
                details.first_name, details.last_name, known_first or person.first_name, known_last
            )
            if hit:
                name_hit = (f"Known as “{person.known_as}”: {hit[0][0].lower()}{hit[0][1:]}", hit[1])
        if name_hit:
            match.add(name_hit[0], name_hit[1])
        for record_alias in person.aliases.all():
            alias_first, alias_last = _split(record_alias.name)
            hit = _names_match(details.first_name, details.last_name, alias_first, alias_last)
            if hit:
                match.add(
                    f"Alias “{record_alias.name}” on their record: {hit[0][0].lower()}{hit[0][1:]}", hit[1]
                )
        for referral_alias in details.aliases:
            alias_first, alias_last = _split(referral_alias)
            hit = _names_match(alias_first, alias_last, person.first_name, person.last_name)
            if hit:
                match.add(f"The referral's alias “{referral_alias}”: {hit[0][0].lower()}{hit[0][1:]}", hit[1])
        if details.date_of_birth and person.date_of_birth:
            reason = dob_variants(details.date_of_birth).get(person.date_of_birth)
            if reason:
                match.add(reason, 40 if person.date_of_birth == details.date_of_birth else 20)
        name_score = sum(1 for r in match.reasons if "birth" not in r)
        has_dob = any("birth" in r for r in match.reasons)
        # A date of birth alone is too common to propose someone, and so is a surname alone:
        # propose a name that matches with a date of birth, or a full name that sounds alike.
        if name_score and (has_dob or match.score >= 40):
            matches[person.pk] = match
    for identifier in identifier_hits:
        match = matches.setdefault(identifier.perpetrator_id, PersonMatch(identifier.perpetrator))
        match.add(f"Same {identifier.get_kind_display()}: {identifier.value}", 100)
    return sorted(matches.values(), key=lambda m: (-m.score, m.perpetrator.last_name, m.perpetrator.pk))[
        :limit
    ]
