"""System checks for Tideline's own settings (`manage.py check`; every start-up runs them).

The typed helpers in config/env.py refuse values of the wrong type (a word where a number
belongs); these checks refuse values of the right type that make no sense or weaken a safeguard.

    tideline.E001  TIDELINE_BASE_URL is not an absolute http(s) address
    tideline.E002  TIDELINE_PROTECTIVE_MARKING is empty or not one line
    tideline.E003  a number of days, sessions, seconds... outside its range
    tideline.E004  TIDELINE_SUPPRESSION_THRESHOLD below 5 (counts of 1 to 4 people would show)
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

# The smallest count of people a report may show: the README's disclosure promise.
MIN_SUPPRESSION_THRESHOLD = 5

# setting → (smallest, largest or None, what the number counts)
RANGES: dict[str, tuple[int, int | None, str]] = {
    "TIDELINE_FLAG_DASH_REVIEW_DAYS": (1, None, "days"),
    "TIDELINE_FLAG_ESCALATION_WORKING_DAYS": (0, None, "working days"),
    "TIDELINE_FLAG_MISSED_SESSIONS": (1, None, "sessions"),
    "TIDELINE_FLAG_NO_CONTACT_DAYS": (1, None, "days"),
    "REFERRALS_DUPLICATE_WINDOW_DAYS": (0, None, "days"),
    "TIDELINE_ADDRESS_FAILURE_LIMIT": (1, None, "failed sign-ins"),
    "SECURE_HSTS_SECONDS": (0, None, "seconds"),
    "EMAIL_PORT": (1, 65535, "port number"),
}


def _base_url() -> list[CheckMessage]:
    try:
        URLValidator(schemes=["http", "https"])(settings.TIDELINE_BASE_URL)
    except ValidationError:
        return [
            Error(
                f"TIDELINE_BASE_URL is {settings.TIDELINE_BASE_URL!r}, not an absolute web address: "
                "links in emails would not work.",
                hint="Set it to the site's public address, such as https://tideline.example.org.",
                id="tideline.E001",
            )
        ]
    return []


def _marking() -> list[CheckMessage]:
    marking = settings.TIDELINE_PROTECTIVE_MARKING
    if not marking.strip() or "\n" in marking or "\r" in marking:
        return [
            Error(
                "TIDELINE_PROTECTIVE_MARKING is empty or more than one line: pages and PDFs must carry "
                "their protective marking.",
                hint="Leave it unset for OFFICIAL-SENSITIVE, or set one line such as OFFICIAL-SENSITIVE.",
                id="tideline.E002",
            )
        ]
    return []


def _ranges() -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    for name, (smallest, largest, unit) in RANGES.items():
        value = getattr(settings, name)
        if isinstance(value, int) and not isinstance(value, bool) and smallest <= value <= (largest or value):
            continue
        allowed = f"from {smallest} to {largest}" if largest is not None else f"{smallest} or more"
        problems.append(
            Error(
                f"{name} is {value!r}: it must be a whole number of {unit}, {allowed}.",
                hint=f"Correct {name} in the environment (.env.example explains it).",
                id="tideline.E003",
            )
        )
    return problems


def _suppression() -> list[CheckMessage]:
    threshold = settings.TIDELINE_SUPPRESSION_THRESHOLD
    if isinstance(threshold, int) and threshold >= MIN_SUPPRESSION_THRESHOLD:
        return []
    return [
        Error(
            f"TIDELINE_SUPPRESSION_THRESHOLD is {threshold!r}: reports would show counts of fewer than "
            f"{MIN_SUPPRESSION_THRESHOLD} people, which could identify them.",
            hint=f"Leave it unset ({MIN_SUPPRESSION_THRESHOLD}) or raise it; it may not be lowered.",
            id="tideline.E004",
        )
    ]


@register()
def tideline_settings(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    return [*_base_url(), *_marking(), *_ranges(), *_suppression()]
