"""One timeline per case, merged from every kind of event (MoJ timeline pattern).

Each part of casework (and other apps, e.g. victims' shared notes) registers a source: a
function `(case, user) -> iterable[ChronologyEntry]` that applies the access policy itself.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ChronologyEntry:
    when: datetime.datetime | datetime.date
    kind: str  # a short key used for filtering, e.g. "session", "order"
    kind_label: str  # e.g. "Session"
    title: str
    detail: str = ""
    by: str = ""
    url: str = ""


Source = Callable[..., Iterable[ChronologyEntry]]
_sources: dict[str, tuple[str, Source]] = {}


def register(kind: str, label: str, source: Source) -> None:
    _sources[kind] = (label, source)


def kinds() -> list[tuple[str, str]]:
    return [(kind, label) for kind, (label, _) in sorted(_sources.items(), key=lambda item: item[1][0])]


def _sort_key(entry: ChronologyEntry) -> datetime.datetime:
    when = entry.when
    if not isinstance(when, datetime.datetime):
        when = datetime.datetime.combine(when, datetime.time.max)
    return when.replace(tzinfo=None) if when.tzinfo else when


def entries_for(*, case, user, kinds_wanted: set[str] | None = None) -> list[ChronologyEntry]:
    entries: list[ChronologyEntry] = []
    for kind, (_, source) in _sources.items():
        if kinds_wanted and kind not in kinds_wanted:
            continue
        entries.extend(source(case=case, user=user))
    return sorted(entries, key=_sort_key, reverse=True)
