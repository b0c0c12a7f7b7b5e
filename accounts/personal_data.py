"""The personal-data registry: what each app holds about the people Tideline is about, and how
subject access and retention reach it.

accounts is the lowest layer and `privacy` (subject access, retention) one of the highest, so
accounts offers this registry and every app fills it from its own `<app>/personal_data.py`,
imported from its AppConfig.ready:

- **subject-access collectors** (`@collector(Subject.PERPETRATOR, order=..., models=(...))`): a
  function that adds the app's items about one subject to the request being gathered
  (`Gathering`). privacy runs every collector for the subject's kind in `order`.
- **retention record types** (`retention_type(RecordType.CASE, ...)`: which records are past
  their period, who decides) and their **erase steps** (`@erase_step(RecordType.CASE,
  order=..., models=(...))`). A higher app adds a step to a lower app's record type to erase its
  own rows with it (referrals erases a closed case's referrals).
- **every other concrete model** is declared `part_of(...)` another registered item (gathered
  or erased with it), `no_subject_data(...)` (holds nothing about a perpetrator or a
  victim-survivor), or `kept_outside(...)` (holds personal data that is deliberately neither
  gathered nor reviewed, with the reason), each with a one-line reason.

tests/privacy/test_personal_data_registry.py walks every concrete model of the project's apps
and fails, naming the model, when it is declared nowhere; and runs every collector and every
retention type on the test world.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import models

from accounts.plain_words import Words

# --- Vocabulary -------------------------------------------------------------------------------------------


class Subject(models.TextChoices):
    """Whose data a subject access request asks for."""

    PERPETRATOR = "perpetrator", "Perpetrator"
    VICTIM = "victim", "Victim-survivor"


class Exemption(models.TextChoices):
    """The Data Protection Act 2018 exemptions a subject access response may rely on."""

    CRIME_TAXATION = "crime_taxation", "Crime and taxation"
    SERIOUS_HARM = "serious_harm", "Serious harm"
    THIRD_PARTY = "third_party", "Information about other people"
    LEGAL_PRIVILEGE = "legal_privilege", "Legal professional privilege"


class RecordType(models.TextChoices):
    """The kinds of record the retention schedule reviews (one `retention_type` each)."""

    CASE = "case", "Closed perpetrator case"
    VICTIM = "victim", "Victim-survivor record"
    MEETING = "meeting", "Panel minutes and packs"
    INCIDENT = "incident", "Incident"
    AUDIT = "audit", "Audit events (one month)"


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


# --- Subject access: what collectors fill -----------------------------------------------------------------


@dataclass
class Item:
    """One thing held about the subject, in plain words; privacy stores it as a `SarItem`."""

    section: str
    title: str
    source_type: str
    source_id: str
    data: list[list[Any]]
    exemption: str = ""
    exemption_note: str = ""


@dataclass
class Gathering:
    """The request being gathered: one subject, the items found so far, grouped by section.

    Items keep the order they were added in within their section, and sections the order they
    were first opened in, so a collector running later can add to an earlier collector's section
    (victims adds a new partner notice to the section of the case it was recorded on).
    """

    kind: str
    subject: models.Model
    words: Words = field(default_factory=Words)
    audit_targets: list[tuple[str, list, str]] = field(default_factory=list)
    _sections: dict[Any, list[Item]] = field(default_factory=dict)
    _titles: dict[Any, str] = field(default_factory=dict)

    @property
    def items(self) -> list[Item]:
        return [item for items in self._sections.values() for item in items]

    def section_for(self, key: Any) -> str:
        """The title of the section opened under `key` (KeyError when none was)."""
        return self._titles[_key(key)]

    def add(
        self,
        section: str,
        title: str,
        obj: models.Model | None,
        data: dict,
        *,
        exemption: str = "",
        note: str = "",
        part: str = "",
        source_type: str = "",
        key: Any = None,
    ) -> None:
        """Add one item under `section` (a heading the subject reads). `key` names the section
        when two could share a heading (two cases opened the same day): a record (the case the
        section is about) or any value; by default the heading."""
        key = section if key is None else _key(key)
        self._titles.setdefault(key, section)
        source_id = str(obj.pk) if obj is not None else ""
        # [label, value] pairs: a JSON object's key order is not kept by PostgreSQL (jsonb).
        self._sections.setdefault(key, []).append(
            Item(
                section=section[:120],
                title=title[:200],
                source_type=_label(type(obj)) if obj is not None else source_type,
                source_id=f"{source_id}:{part}" if part else source_id,
                data=[[label, value] for label, value in data.items()],
                exemption=exemption,
                exemption_note=note[:200],
            )
        )

    def each(
        self,
        section: str,
        objects,
        title,
        *,
        extra=None,
        exemption: str = "",
        note: str = "",
        key=None,
        **fields,
    ) -> None:
        """One item per object: `title(obj)` in words, its fields, plus `extra(obj)` if given."""
        for obj in objects:
            data = self.words.fields(obj, **fields)
            if extra is not None:
                data.update(extra(obj))
            self.add(section, title(obj), obj, data, exemption=exemption, note=note, key=key)

    def watch_audit(self, object_type: str, ids: Iterable, words: str) -> None:
        """Ask for who accessed these records (accounts' audit collector runs last)."""
        self.audit_targets.append((object_type, list(ids), words))


def _key(key: Any) -> Any:
    return (_label(type(key)), key.pk) if isinstance(key, models.Model) else key


def held(model: type[models.Model]) -> models.Manager:
    """Soft-deleted rows too: they are still held."""
    return model._base_manager


@dataclass(frozen=True)
class Collector:
    subject: str
    order: int
    function: Callable[[Gathering], None]
    models: tuple[type[models.Model], ...]

    @property
    def name(self) -> str:
        return f"{self.function.__module__}.{self.function.__qualname__}"


_collectors: list[Collector] = []


def collector(subject: str, *, order: int, models: Iterable[type[models.Model]]):
    """Register `function(gathering)` for requests about a `subject`, run in `order` (low first).

    `models`: the models whose rows it gathers. Decorators stack, one per kind of subject.
    """
    if subject not in Subject.values:
        raise ValueError(f"Unknown subject {subject!r}")

    def register(function: Callable[[Gathering], None]):
        entry = Collector(subject, order, function, tuple(models))
        if not any(c.function is function and c.subject == subject for c in _collectors):
            _collectors.append(entry)
        return function

    return register


def collectors_for(subject: str) -> list[Collector]:
    return sorted((c for c in _collectors if c.subject == subject), key=lambda c: (c.order, c.name))


# --- Retention: record types and their erase steps --------------------------------------------------------


class Candidate(NamedTuple):
    """A record past its retention period, as the retention review will show it."""

    object_id: str | int
    reference: str
    area_id: int | None
    team_id: int | None
    anchor: datetime.date


@dataclass
class Erasure:
    """One confirmed erasure, as the erase steps see it."""

    record_type: str
    object_id: str
    review_id: int
    years: int
    erased: Callable[[str, Iterable[str]], set[str]]
    """`erased(record_type, object_ids)`: which of these records have been erased already."""


@dataclass(frozen=True)
class RetentionType:
    record_type: str
    candidates: Callable[[datetime.date], Iterable[Candidate]]
    audit_label: str
    decided_by: str
    whole_service: bool = False


@dataclass(frozen=True)
class EraseStep:
    record_type: str
    order: int
    function: Callable[[Erasure], dict]
    models: tuple[type[models.Model], ...]

    @property
    def name(self) -> str:
        return f"{self.function.__module__}.{self.function.__qualname__}"


_retention_types: dict[str, RetentionType] = {}
_erase_steps: list[EraseStep] = []


def retention_type(
    record_type: str,
    *,
    candidates: Callable[[datetime.date], Iterable[Candidate]],
    audit_label: str,
    decided_by: str,
    whole_service: bool = False,
) -> None:
    """Declare how a record type is reviewed.

    `candidates(cutoff)`: every record whose anchor date is on or before `cutoff`.
    `audit_label`: the record type the erasure's audit event names (never the erased data).
    `decided_by`: the role that decides, for the team on the review (a supervisor, a panel
    coordinator); the area's DPO decides too. `whole_service`: one review for the whole service,
    with no area or team (audit months), decided by anyone holding `decided_by`.
    """
    if record_type not in RecordType.values:
        raise ValueError(f"Unknown record type {record_type!r}")
    _retention_types[record_type] = RetentionType(
        record_type, candidates, audit_label, decided_by, whole_service
    )


def erase_step(record_type: str, *, order: int, models: Iterable[type[models.Model]]):
    """Register `function(erasure) -> dict of counts` for erasing one record of `record_type`.

    Steps run in `order` (low first) in the erasure's transaction; a ValidationError from any of
    them refuses the whole erasure. `models`: the models whose personal data it erases.
    """
    if record_type not in RecordType.values:
        raise ValueError(f"Unknown record type {record_type!r}")

    def register(function: Callable[[Erasure], dict]):
        if not any(s.function is function and s.record_type == record_type for s in _erase_steps):
            _erase_steps.append(EraseStep(record_type, order, function, tuple(models)))
        return function

    return register


def retention_types() -> dict[str, RetentionType]:
    return dict(_retention_types)


def retention_type_of(record_type: str) -> RetentionType:
    return _retention_types[record_type]


def erase_steps_for(record_type: str) -> list[EraseStep]:
    return sorted((s for s in _erase_steps if s.record_type == record_type), key=lambda s: (s.order, s.name))


# --- Every other model: declared explicitly --------------------------------------------------------------


class Declaration(NamedTuple):
    kind: str  # "part_of", "no_subject_data" or "kept_outside"
    reason: str
    whole: str = ""


_declarations: dict[str, Declaration] = {}


def _declare(models_: Iterable[type[models.Model]], declaration: Declaration) -> None:
    for model in models_:
        _declarations[_label(model)] = declaration


def part_of(*models_: type[models.Model], whole: type[models.Model], reason: str) -> None:
    """These models are gathered or erased as part of `whole`, a registered item."""
    _declare(models_, Declaration("part_of", reason, _label(whole)))


def no_subject_data(*models_: type[models.Model], reason: str) -> None:
    """These models hold no personal data about a perpetrator or a victim-survivor."""
    _declare(models_, Declaration("no_subject_data", reason))


def kept_outside(*models_: type[models.Model], reason: str) -> None:
    """These models hold personal data that is deliberately neither gathered nor reviewed."""
    _declare(models_, Declaration("kept_outside", reason))


def history_of(*models_: type[models.Model]) -> None:
    """Each model's simple-history copies (and those of its many-to-many links) are part of it:
    gathered with nothing, and dropped by the erase steps that scrub the model."""
    for model in models_:
        history = model.history.model
        # simple-history keeps a many-to-many field's history in a model pointing at the copy.
        links = [rel.related_model for rel in history._meta.related_objects if rel.field.name == "history"]
        part_of(history, *links, whole=model, reason="simple-history copies of the record")


def declarations() -> dict[str, Declaration]:
    return dict(_declarations)


def covered_models() -> dict[str, list[str]]:
    """Model label → where it is registered: collectors, erase steps and declarations."""
    found: dict[str, list[str]] = {}
    for entry in _collectors:
        for model in entry.models:
            found.setdefault(_label(model), []).append(f"collector {entry.name} ({entry.subject})")
    for step in _erase_steps:
        for model in step.models:
            found.setdefault(_label(model), []).append(f"erase step {step.name} ({step.record_type})")
    for label, declaration in _declarations.items():
        found.setdefault(label, []).append(f"{declaration.kind}: {declaration.reason}")
    return found
