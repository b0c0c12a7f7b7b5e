"""Keep a victim's location and contact details out of text the perpetrator's side can read.

Free text on the perpetrator's side (incident summaries, case notes, order conditions, referral
concerns...) and text that crosses to it from the victim's side (notes an IDVA shares with the
case manager, panel research, flag acknowledgements) is read by people who must never learn
where a victim is or how to reach her (DESIGN.md §3). This module is the one guard for all of it:

- `refuse_contact_details(**fields)` is for services (every write passes through one): it raises
  a ValidationError keyed by field whose message names what was found, so forms, the API,
  imports and jobs all refuse the same text the same way.
- `validate_no_contact_details` is the same check as a form field / serializer validator.
- `mask_contact_details` is for machine feeds (police CSV import, incident API), where nobody can
  be asked: each detail is replaced by a label, and the caller records how many (never what).

What it finds: UK postcodes, UK phone numbers, email addresses, street addresses (a house number
and a street word: "14 Acacia Avenue", "flat 3, 22 Mill Lane"), named schools and nurseries
("St Mary's Primary School"), refuges and safe houses, what3words addresses, map coordinates and
grid references, and map links (Google, Apple, what3words, OpenStreetMap, Bing, Waze, HERE).

The patterns are deliberately specific so that what this service writes every day is left alone:
dates, times, police references ("NP/2026/001234"), PNC numbers, case numbers ("TL-000123"),
section numbers ("Section 47"), collar numbers ("PC 1234"), courts ("Leeds Magistrates' Court"),
counts ("3 sessions", "12 weeks", "DASH score 14"), rooms and motorway junctions.
tests/accounts/test_safe_text.py holds both corpora; add to them when you change a pattern.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class DetailKind:
    """One kind of detail: how a message names it and the label that replaces it in a feed."""

    name: str
    label: str


POSTCODE = DetailKind("a postcode", "[postcode removed]")
PHONE = DetailKind("a phone number", "[phone number removed]")
EMAIL = DetailKind("an email address", "[email removed]")
ADDRESS = DetailKind("a street address", "[address removed]")
SCHOOL = DetailKind("a school or nursery name", "[school removed]")
REFUGE = DetailKind("a refuge or safe house", "[refuge removed]")
WHAT3WORDS = DetailKind("a what3words address", "[what3words removed]")
COORDINATES = DetailKind("map coordinates", "[coordinates removed]")
MAP_LINK = DetailKind("a map link", "[map link removed]")

CONTACT_DETAILS_MESSAGE = (
    "Do not record an address, postcode, school, refuge, phone number, email address or map "
    "location here: this text is seen on the perpetrator's side. Keep a victim's location and "
    "contact details in their IDVA record."
)


def contact_details_message(kinds: Iterable[DetailKind]) -> str:
    """The refusal: what was found ("a street address and a school or nursery name"), then why."""
    names = list(dict.fromkeys(kind.name for kind in kinds))
    found = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"Take out {found}. {CONTACT_DETAILS_MESSAGE}"


_NOT_BEFORE = r"(?<![A-Za-z0-9])"
_NOT_AFTER = r"(?![A-Za-z0-9])"

# --- Postcodes -------------------------------------------------------------------------------

# Postcode areas of the UK and Crown dependencies. A full postcode is distinctive enough to match
# with any letters (test data and pseudo-postcodes such as "ZZ99 3VZ" included), but a sector
# ("LS6 2") or a district alone is matched only in a real area, so road numbers ("A1 2 miles",
# "B1234") and similar stay out.
_AREAS = (  # noqa: SIM905 - one readable block of the areas
    "AB AL B BA BB BD BF BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN "
    "DT DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY "
    "L LA LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S "
    "SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN "
    "WR WS WV YO ZE"
).split()
_AREA = "(?:" + "|".join(sorted(_AREAS, key=len, reverse=True)) + ")"
_OUTWARD = _AREA + r"\d[A-Z\d]?"
_ANY_OUTWARD = r"[A-Z]{1,2}\d[A-Z\d]?"
# The inward code's letters never include C, I, K, M, O or V ("9am", "3pm" are not postcodes).
_INWARD = r"\d[ABD-HJLNP-UW-Z]{2}"

# "LS6 2AB", "ls6 2ab", "LS62AB", "EC1A 1BB".
_FULL_POSTCODE = re.compile(
    _NOT_BEFORE + rf"(?P<outward>{_ANY_OUTWARD})[ \t]*(?P<inward>{_INWARD})" + _NOT_AFTER,
    re.IGNORECASE,
)
# A postcode sector such as "LS6 2" narrows a home down to a few streets. Capitals only, and not
# followed by more of a number ("LS6 2.5", "LS6 2/3"), so ordinary lower-case text is left alone.
_SECTOR = re.compile(_NOT_BEFORE + rf"{_OUTWARD} \d" + r"(?![A-Za-z0-9]|[.,:/\-]\d)")
# A district on its own ("LS6") is only treated as a postcode when called one.
_NAMED_DISTRICT = re.compile(
    rf"\bpost\s?code\b\W{{0,3}}(?P<district>{_OUTWARD})" + _NOT_AFTER,
    re.IGNORECASE,
)
_ORDINAL = re.compile(r"\d(?:st|nd|rd|th)", re.IGNORECASE)

# --- Phone numbers and emails ----------------------------------------------------------------

# Separators allowed between the digits of a phone number: a space, a hyphen, or the closing
# bracket of "(0113) 496 0000". Not "/", "." or ":" (dates, times, references).
_SEP = r"[ \-)]{0,2}"
_PHONE = re.compile(
    # Not the tail of a longer number ("01 03 2026 10 30") or of a reference.
    r"(?<![\w/+\-.])(?<!\d[ \-])"
    r"(?:"
    # +44 7700 900123, 0044 7700 900123, +44 (0)7700 900123, +44 07700 900123
    rf"(?:\+|00)[ ]?44[ ]?(?:\(0\)[ ]?|0)?[1-9](?:{_SEP}\d){{8,9}}"
    r"|"
    # 07700 900123, 0113 496 0000, (0113) 496 0000, 020 7946 0000, 0808 2000 247
    rf"\(?0[1-9](?:{_SEP}\d){{8,9}}"
    r")"
    # Nor its head ("0123456789/26", "07700 900123 45").
    r"(?![\w/]|[ \-]\d)"
)
_EMAIL = re.compile(
    r"(?<![\w.+\-])[A-Za-z0-9][\w.+\-]*@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)+"
)

# --- Street addresses ------------------------------------------------------------------------

# A house number ("14", "14a", "14-16") and the words of a street name ending in a street word.
# Written with capitals ("14 Acacia Avenue", "22 MILL LANE", "12 The Crescent") any street word
# counts; the street word may be in lower case ("22 Mill lane") unless it is also an everyday
# word ("Court", "Way", "Green"...), which must be capitalised.
_HOUSE_NUMBER = r"(?P<number>\d{1,4}[A-Za-z]?(?:\s?[-–]\s?\d{1,4}[A-Za-z]?)?)"
_UNIT = r"(?:(?i:flat|apartment|apt\.?|unit|maisonette)\s*\d{1,4}[A-Za-z]?\s*,?\s*)?"
_STREET_WORDS = (
    "Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Crescent|Cres|Terrace|Tce|Gardens|Gdns|Grove|Mews|"
    "Boulevard|Close|Drive|Parade|Square|Sq|Place|Pl|Walk|Row|Court|Ct|Way|Hill|Rise|View|Green|"
    "Vale|Mount|Fold|Croft|Wynd|Garth|Approach|Chase|Brow|Mead|Meadows?|Heights|Bank|Yard|Wharf|"
    "Quay|Gate|Villas|Cottages|Estate"
)
_STREET_WORDS_ANY_CASE = {
    "street", "road", "rd", "avenue", "ave", "lane", "ln", "crescent", "cres", "terrace", "tce",
    "gardens", "gdns", "grove", "mews", "boulevard",
}  # fmt: skip
_NAME_WORD = r"(?:St\.?|[A-Z][A-Za-z0-9'’\-]*)"
_STREET_CAPITALISED = re.compile(
    r"(?<![\w/.:£$%,\-])"
    + _UNIT
    + _HOUSE_NUMBER
    + rf",?\s+(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}})\s+(?P<street>(?i:{_STREET_WORDS}))\.?"
    + r"(?![\w'’])"
)
# All in lower case ("22 mill lane") only with a plain street word, one or two name words, and at
# the end of a clause, so "a 3 lane road", "2 bus lane offences" and "3 miles down the road" pass.
_STREET_LOWER = re.compile(
    r"(?<![\w/.:£$%,\-])"
    + _HOUSE_NUMBER
    + r"\s+(?P<name>[a-z][a-z'’]+(?:\s+[a-z][a-z'’]+)?)\s+"
    + r"(?P<street>street|road|rd|avenue|ave|lane|crescent|terrace|mews)"
    + r"(?=\s*(?:$|[,.;:)!?\n]))"
)
# The word before the number says it is not a house number: "junction 4", "PC 1234", "Room 2".
_NOT_A_HOUSE_AFTER = {
    "junction", "j", "section", "s", "part", "rule", "article", "page", "para", "paragraph",
    "chapter", "room", "floor", "level", "platform", "bus", "route", "exit", "gate", "court",
    "pc", "dc", "ds", "di", "dci", "ps", "sgt", "insp", "inspector", "sergeant", "constable",
    "officer", "collar", "badge", "warrant", "shoulder", "ref", "reference", "tier",
    "year", "years", "week", "weeks", "day", "days", "session", "sessions", "band", "score",
    "question", "q", "item", "case", "victim", "child", "aged", "age", "phase", "stage", "step",
    "group", "cohort", "wing", "cell", "ward", "bay", "seat", "table", "line", "count", "counts",
    "clause", "schedule", "regulation", "reg", "standard", "tab", "version", "v",
}  # fmt: skip
_NOT_A_STREET_NAME = {
    "a", "an", "in", "on", "at", "of", "and", "or", "to", "for", "by", "with", "from",
    # ordinary words that precede a street word in everyday text
    "miles", "mile", "minutes", "minute", "mins", "hours", "hour", "hrs", "yards", "metres", "meters",
    "km", "mph", "lane", "way", "main", "side", "back", "dirt", "country", "private", "public", "busy",
    "quiet", "long", "short", "same", "other", "different", "local", "wrong", "right", "left", "next",
    "first", "second", "third", "last", "new", "old", "this", "that", "the", "her", "his", "their",
    "my", "our", "your", "its", "car", "cars", "bus", "buses", "cycle", "bike", "one", "two", "three",
    "four", "five", "times", "bedroom", "bed", "storey", "separate",
}  # fmt: skip
_MONTHS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec",
}  # fmt: skip
# "10 Leeds Crown Court" is a hearing, not a home.
_COURT_NAMES = {
    "crown", "magistrates", "magistrates'", "magistrates’", "county", "family", "youth",
    "combined", "coroners", "coroner's", "coroners'", "justice", "supreme", "high", "appeal",
    "tribunal", "civil", "criminal",
}  # fmt: skip
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\.?\s*$")


def _word_before(text: str, position: int) -> str:
    match = _WORD_BEFORE.search(text[max(0, position - 20) : position])
    return match.group(1).lower() if match else ""


def _is_street(match: re.Match, text: str, *, capitalised: bool) -> bool:
    words = match.group("name").split()
    lowered = [word.lower().rstrip(".") for word in words]
    street = match.group("street").lower()
    if _word_before(text, match.start()) in _NOT_A_HOUSE_AFTER:
        return False
    if lowered[0] in _MONTHS:  # "14 May Court hearing" is a date
        return False
    if capitalised:
        if street not in _STREET_WORDS_ANY_CASE and not match.group("street")[0].isupper():
            return False
        if street in ("court", "ct") and lowered[-1] in _COURT_NAMES:
            return False
        # "12 The Avenue" is an address; "3 In A Row" is not.
        return not any(word in _NOT_A_STREET_NAME - {"the"} for word in lowered)
    return not any(word in _NOT_A_STREET_NAME for word in lowered)


def _streets(text: str) -> list[_Found]:
    found = [
        _Found(m.start(), m.end(), ADDRESS)
        for m in _STREET_CAPITALISED.finditer(text)
        if _is_street(m, text, capitalised=True)
    ]
    found += [
        _Found(m.start(), m.end(), ADDRESS)
        for m in _STREET_LOWER.finditer(text)
        if _is_street(m, text, capitalised=False)
    ]
    return found


# --- Schools and nurseries -------------------------------------------------------------------

# A capitalised name ("St Mary's", "Little Acorns", "Our Lady of Lourdes", "The Grange") before a
# school word ("Primary School", "Academy", "Day Nursery", "Children's Centre").
_SCHOOL_STOP = (
    "the|a|an|her|his|their|our|your|my|its|this|that|these|those|new|old|local|same|current|"
    "previous|former|next|last|special|primary|secondary|nursery|school|schools|junior|infant|"
    "infants|high|grammar|operation|encompass|virtual|police|forest|sunday|home|boarding|"
    "independent|state|mainstream|alternative|any|no|which|each|every|both|children|children's|"
    "child|child's|designated|at|in|to|from|attends|attending|attended|missed|left|changed|moved|"
    "started|royal|national|college|academy|pupil|referral|education|safeguarding|dsl|contacted|"
    "told|called|informed|notified|emailed|and|or|but|with|via|by|for|of|on|re|per|another|one|"
    "two|sixth|further|higher|adult|community|catholic|church|free|prep|middle|first|day|"
    "comprehensive|faith|village|city|county|council"
)
_SCHOOL_NAME_WORD = r"(?:St\.?|[A-Z][A-Za-z0-9'’\-]*)"
# Lower-case joining words only between capitalised ones ("Our Lady of Lourdes", "C of E").
_SCHOOL_NAME = (
    rf"{_SCHOOL_NAME_WORD}(?:\s+(?:(?:of|the|and|&|de|la|le|upon|on|in|under)\s+)*{_SCHOOL_NAME_WORD}){{0,4}}"
)
_SCHOOL_TAIL = (
    r"(?i:(?:(?:Primary|Junior|Infants?'?|Nursery|Secondary|High|Grammar|Community|Catholic|"
    r"Church|Free|Special|Prep(?:aratory)?|Middle|First|Day|C\s?of\s?E|CE|RC|Methodist|Academy)\s+)*"
    r"(?:School(?!\s+(?:Nurs\w*|Liaison|Health|Teams?|Services?|Improvement|Admissions?|Transport|"
    r"Meals?|Holidays?|Run|Age|Attendance|Exclusions?|Reports?|Counsell\w*)\b)"
    r"|Academy|Nursery|Pre-?School|Primary(?!\s+(?:Care|Health|Mental|Trust|Networks?|Teams?|Services?)\b)"
    r"|Infants|Juniors|Children'?s\s+Centre|College|Sixth\s+Form|Playgroup|Kindergarten))"
)
_SCHOOL = re.compile(
    rf"\b(?!(?i:{_SCHOOL_STOP})\b)(?P<name>{_SCHOOL_NAME})\s+(?P<tail>{_SCHOOL_TAIL})"
    r"(?![\w'’])"
)
# "a Leeds primary school" is not a named school.
_NOT_A_NAMED_SCHOOL_AFTER = {"a", "an", "another", "any", "each", "every", "one", "some", "no"}


def _is_school(match: re.Match, text: str) -> bool:
    if _word_before(text, match.start()) in _NOT_A_NAMED_SCHOOL_AFTER:
        return False
    # "told Leeds school": one word and a bare lower-case "school" is a place, not a name.
    tail = match.group("tail")
    return not (tail.islower() and " " not in tail and " " not in match.group("name"))


def _schools(text: str) -> list[_Found]:
    return [_Found(m.start(), m.end(), SCHOOL) for m in _SCHOOL.finditer(text) if _is_school(m, text)]


# --- Refuges and safe houses -----------------------------------------------------------------

# The place ("in refuge", "a safe house") and any name before it ("Leeds Women's Aid safe house").
# Not "refugee", and not the label this module writes ("[refuge removed]").
_REFUGE = re.compile(
    r"(?<![\[\w'’\-])(?:[A-Z][A-Za-z'’\-]*\s+){0,4}"
    r"(?i:\b(?:refuges?|safe[\s\-]?houses?|women'?s\s+shelters?|women'?s\s+aid\s+(?:accommodation|housing|"
    r"hostel|house|flat|property))\b)"
)

# --- what3words, coordinates and map links ---------------------------------------------------

_W3W_WORD = r"[^\W\d_]+"
_FILE_OR_DOMAIN_END = {
    "com", "org", "net", "gov", "edu", "info", "biz", "nhs", "police", "pdf", "doc", "docx",
    "xls", "xlsx", "csv", "txt", "jpg", "jpeg", "png", "gif", "html", "htm", "zip", "msg", "eml",
    "mp4", "mov", "wav", "mp3", "json", "xml",
}  # fmt: skip
_WHAT3WORDS = re.compile(
    rf"///{_W3W_WORD}\.{_W3W_WORD}\.{_W3W_WORD}"
    # "w3w: Filled.Count.Soap", and "what3words: filled count soap" ending a clause
    rf"|(?<!\[)\b(?i:what\s?3\s?words|w3w)\b\W{{1,5}}{_W3W_WORD}\.{_W3W_WORD}\.{_W3W_WORD}"
    rf"|(?<!\[)\b(?i:what\s?3\s?words|w3w)\s*:\s*{_W3W_WORD}\s+{_W3W_WORD}\s+{_W3W_WORD}"
    r"(?=\s*(?:$|[.,;)\n]))"
)
# A bare "filled.count.soap": three lower-case words joined by dots, not part of a web or email
# address or a file name.
_BARE_WHAT3WORDS = re.compile(
    r"(?<![\w.@/\-])(?P<first>[a-z]{3,})\.[a-z]{3,}\.(?P<last>[a-z]{3,})(?![\w@/\-]|\.[a-z0-9])"
)
_LAT = r"(?:[NS]\s?)?[-+−]?[1-9]\d?\.\d{3,}°?(?:\s?[NS](?!\w))?"
_LON = r"(?:[EW]\s?)?[-+−]?\d{1,3}\.\d{3,}°?(?:\s?[EW](?!\w))?"
_DMS = r"\d{1,3}°\s?\d{1,2}['′’]\s?(?:\d{1,2}(?:\.\d+)?[\"″”]?\s?)?[NSEWnsew]"
_COORDINATES = re.compile(
    # "53.8008, -1.5491", "53.8008 -1.5491", "N53.8008 W1.5491"
    rf"(?<![\w.]){_LAT}(?:\s*[,;/]\s*|\s+){_LON}(?![\w.])"
    # "lat 53.80 long -1.54"
    r"|(?i:\blat(?:itude)?\b\W{0,3}[-+−]?\d{1,2}(?:\.\d+)?\W{1,5}lon(?:g(?:itude)?)?\b\W{0,3}"
    r"[-+−]?\d{1,3}(?:\.\d+)?)"
    # 53°48'02.9"N 1°32'56.8"W
    rf"|{_DMS}(?:\s*,?\s*{_DMS})?"
    # Ordnance Survey grid references and eastings/northings, when called that.
    r"|(?i:\b(?:grid\s*ref(?:erence)?|OS\s*(?:grid\s*)?ref(?:erence)?|OSGR|NGR)\b\W{0,3}[A-Z]{2}\s?\d{2,5}"
    r"\s?\d{2,5})"
    r"|(?i:\beastings?\b\W{0,3}\d{5,6}\W{1,5}northings?\b\W{0,3}\d{5,7})"
    # geo: URIs
    r"|(?i:\bgeo:[-+]?\d{1,2}\.\d+,[-+]?\d{1,3}\.\d+\S*)"
)
# Google plus codes ("9C5WQJ2X+XX", "GCWV+2C").
_PLUS_CODE = re.compile(r"(?<![\w+])[23456789CFGHJMPQRVWX]{4,8}\+[23456789CFGHJMPQRVWX]{2,3}(?![\w+])")
# A link to a place: the maps path of Google, or a link with a path or query on a map site (the
# site's name alone, "download what3words.com", says nothing about where anyone is).
_MAP_LINK = re.compile(
    # Starting only where a word starts keeps long runs of letters linear.
    r"(?<![\w.\-])(?i:(?:https?://)?(?:www\.)?"
    r"(?:(?:(?:[a-z]+\.)?google\.[a-z.]{2,6}/maps|goo\.gl/maps)[^\s<>\"']*"
    r"|(?:maps\.google\.[a-z.]{2,6}|maps\.app\.goo\.gl|g\.co/kgs|maps\.apple(?:\.com)?"
    r"|(?:[a-z]+\.)?what3words\.com|w3w\.co|(?:[a-z]+\.)?openstreetmap\.org|osm\.org|bing\.com/maps"
    r"|waze\.com|(?:wego|share)\.here\.com)[/?#][^\s<>\"']+))"
)
_TRAILING_PUNCTUATION = ".,;:)!?'\""


# --- Finding and reporting -------------------------------------------------------------------


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    kind: DetailKind


def _postcodes(text: str) -> list[_Found]:
    found = []
    for match in _FULL_POSTCODE.finditer(text):
        candidate = match.group(0)
        # "se1 2nd": an ordinal in lower-case text is not a postcode; "SE1 2ND" still is.
        if _ORDINAL.fullmatch(match.group("inward")) and not candidate.isupper():
            continue
        found.append(_Found(match.start(), match.end(), POSTCODE))
    for match in _SECTOR.finditer(text):
        found.append(_Found(match.start(), match.end(), POSTCODE))
    for match in _NAMED_DISTRICT.finditer(text):
        # Keep the word "postcode" in the text; remove only the district.
        found.append(_Found(match.start("district"), match.end(), POSTCODE))
    return found


def _map_places(text: str) -> list[_Found]:
    found = []
    for match in _MAP_LINK.finditer(text):
        end = match.end()
        while end > match.start() and text[end - 1] in _TRAILING_PUNCTUATION:
            end -= 1
        found.append(_Found(match.start(), end, MAP_LINK))
    found += [_Found(m.start(), m.end(), WHAT3WORDS) for m in _WHAT3WORDS.finditer(text)]
    found += [
        _Found(m.start(), m.end(), WHAT3WORDS)
        for m in _BARE_WHAT3WORDS.finditer(text)
        if m.group("last") not in _FILE_OR_DOMAIN_END and m.group("first") not in ("www", "http", "https")
    ]
    found += [_Found(m.start(), m.end(), COORDINATES) for m in _COORDINATES.finditer(text)]
    found += [
        _Found(m.start(), m.end(), COORDINATES)
        for m in _PLUS_CODE.finditer(text)
        if re.search(r"\d", m.group(0)) and re.search(r"[A-Z]", m.group(0))
    ]
    return found


def _simple(pattern: re.Pattern, kind: DetailKind) -> Callable[[str], list[_Found]]:
    return lambda text: [_Found(m.start(), m.end(), kind) for m in pattern.finditer(text)]


_FINDERS: tuple[Callable[[str], list[_Found]], ...] = (
    _map_places,
    _simple(_EMAIL, EMAIL),
    _simple(_PHONE, PHONE),
    _postcodes,
    _streets,
    _schools,
    _simple(_REFUGE, REFUGE),
)


def _find(text: str) -> list[_Found]:
    """Every detail in `text`, in order, without overlaps (the earliest, then the longest, wins)."""
    candidates = [found for finder in _FINDERS for found in finder(text)]
    candidates.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[_Found] = []
    for candidate in candidates:
        if kept and candidate.start < kept[-1].end:
            continue
        kept.append(candidate)
    return kept


def contact_detail_kinds(text: str | None) -> list[DetailKind]:
    """The kinds of detail in `text`, each once, in the order they first appear."""
    if not text:
        return []
    return list(dict.fromkeys(found.kind for found in _find(str(text))))


def contains_contact_details(text: str | None) -> bool:
    """True when `text` holds any detail that could locate or contact someone (see the module doc)."""
    return bool(contact_detail_kinds(text))


def validate_no_contact_details(value: str | None) -> None:
    """Raise ValidationError naming what was found when `value` holds a contact or location detail.

    A form field / serializer validator; services call `refuse_contact_details`. Empty values pass.
    """
    kinds = contact_detail_kinds(value)
    if kinds:
        raise ValidationError(contact_details_message(kinds), code="contact_details")


def refuse_contact_details(**fields: str | None) -> None:
    """Refuse text that could locate or contact a victim: ValidationError({field: [message]}).

    For services: call it before writing anything, with every free-text field the write stores
    that the perpetrator's side can read. Each field's message names what was found in it.
    """
    errors = {}
    for name, value in fields.items():
        kinds = contact_detail_kinds(value)
        if kinds:
            errors[name] = [ValidationError(contact_details_message(kinds), code="contact_details")]
    if errors:
        raise ValidationError(errors)


def mask_contact_details(text: str | None) -> tuple[str, int]:
    """Return `text` with each detail replaced by its label ("[address removed]"), and how many.

    For machine feeds where nobody can be asked to correct the text. The count is safe to audit;
    the removed values are not returned and must not be logged. The result passes the guard.
    """
    if not text:
        return text or "", 0
    text, total = str(text), 0
    # Taking one detail out can never make another, but check again rather than rely on it.
    for _ in range(3):
        found = _find(text)
        if not found:
            break
        pieces, position = [], 0
        for item in found:
            pieces.append(text[position : item.start])
            pieces.append(item.kind.label)
            position = item.end
        pieces.append(text[position:])
        text, total = "".join(pieces), total + len(found)
    return text, total
