"""Keep a victim's location and contact details out of perpetrator-side free text.

Free text on the perpetrator's side (incident summaries, case notes, order conditions, referral
concerns...) is read by case managers and shown in meeting packs. A postcode, phone number or
email typed into it would carry a victim's location or contact details across the one rule
(DESIGN.md §3), so:

- `validate_no_contact_details` is a form field / serializer validator for text typed by people:
  they are asked to take the details out.
- `mask_contact_details` is for machine feeds (police CSV import, incident API), where nobody can
  be asked: each detail is replaced by a label, and the caller records how many (never what).

The patterns are deliberately specific so that the references this service handles every day are
left alone: dates ("12/03/2026", "01.03.2026"), times ("09:30", "0930-1030"), police references
("NP/2026/001234"), PNC numbers ("26/123456A"), case numbers ("TL-000123") and section numbers
("S47 enquiry").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

CONTACT_DETAILS_MESSAGE = (
    "Do not record an address, postcode, phone number or email address here: this text is seen "
    "on the perpetrator's side. Keep a victim's location and contact details in their IDVA record."
)

POSTCODE_LABEL = "[postcode removed]"
PHONE_LABEL = "[phone number removed]"
EMAIL_LABEL = "[email removed]"

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
_NOT_BEFORE = r"(?<![A-Za-z0-9])"
_NOT_AFTER = r"(?![A-Za-z0-9])"

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


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    label: str


def _postcodes(text: str) -> list[_Found]:
    found = []
    for match in _FULL_POSTCODE.finditer(text):
        candidate = match.group(0)
        # "se1 2nd": an ordinal in lower-case text is not a postcode; "SE1 2ND" still is.
        if _ORDINAL.fullmatch(match.group("inward")) and not candidate.isupper():
            continue
        found.append(_Found(match.start(), match.end(), POSTCODE_LABEL))
    for match in _SECTOR.finditer(text):
        found.append(_Found(match.start(), match.end(), POSTCODE_LABEL))
    for match in _NAMED_DISTRICT.finditer(text):
        # Keep the word "postcode" in the text; remove only the district.
        found.append(_Found(match.start("district"), match.end(), POSTCODE_LABEL))
    return found


def _find(text: str) -> list[_Found]:
    """Every contact detail in `text`, in order, without overlaps (the longest wins a tie)."""
    candidates = (
        [_Found(m.start(), m.end(), EMAIL_LABEL) for m in _EMAIL.finditer(text)]
        + [_Found(m.start(), m.end(), PHONE_LABEL) for m in _PHONE.finditer(text)]
        + _postcodes(text)
    )
    candidates.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[_Found] = []
    for candidate in candidates:
        if kept and candidate.start < kept[-1].end:
            continue
        kept.append(candidate)
    return kept


def contains_contact_details(text: str | None) -> bool:
    """True when `text` holds a UK postcode, a UK phone number or an email address."""
    return bool(text) and bool(_find(str(text)))


def validate_no_contact_details(value: str | None) -> None:
    """Raise ValidationError(CONTACT_DETAILS_MESSAGE) when `value` holds a contact detail.

    For perpetrator-side free text typed by people (form fields, DRF serializer fields).
    Empty values pass.
    """
    if contains_contact_details(value):
        raise ValidationError(CONTACT_DETAILS_MESSAGE, code="contact_details")


def mask_contact_details(text: str | None) -> tuple[str, int]:
    """Return `text` with each postcode, phone number and email replaced by a label, and how many.

    For machine feeds where nobody can be asked to correct the text. The count is safe to audit;
    the removed values are not returned and must not be logged.
    """
    if not text:
        return text or "", 0
    text = str(text)
    found = _find(text)
    if not found:
        return text, 0
    pieces, position = [], 0
    for item in found:
        pieces.append(text[position : item.start])
        pieces.append(item.label)
        position = item.end
    pieces.append(text[position:])
    return "".join(pieces), len(found)
