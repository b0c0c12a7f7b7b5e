"""Which audit events, and which records' access logs, a data protection officer may read.

A DPO works for an area (the areas of their DPO memberships: `user.area_ids(Role.DPO)`). An
audit event belongs to an area when either

- the organisation its user acted for is in that area (the organisation is copied onto the event
  when it is written, so it stays true after people move), or
- the record it names is in that area. Each app registers how its record types reach an area
  (`register(Case, "team__area")`, `register(Victim, "area")`, ...); soft-deleted and erased
  records still count.

So a DPO sees what their area's people did, wherever, and what anyone did to their area's
records. An event whose record type has no registered area, or that names no record, belongs only
to the area of the acting user's organisation; an event with neither (a failed sign-in for an
address that is nobody's, an administrator with no team acting on an unregistered record) belongs
to no area and no DPO sees it (administrators see it in Django admin, and that read is audited).

An access log ("who has accessed this record") is open to the DPO only for a record in their
area: `record_in_areas` answers None both for a record of another area and for one that does not
exist, in the same single query, so the 404 that follows says nothing about which it was.
"""

from __future__ import annotations

from typing import TypeVar

from django.db import models
from django.db.models import CharField, Q
from django.db.models.functions import Cast

from accounts.models import Area, Membership, Organisation, Team, User

M = TypeVar("M", bound=models.Model)

_area_paths: dict[str, tuple[type[models.Model], str]] = {}


def register(model: type[models.Model], area_path: str) -> None:
    """Declare how `model` reaches its area: a lookup path ending at Area ("team__area")."""
    _area_paths[model._meta.label_lower] = (model, area_path)


def in_areas(model: type[M], area_ids) -> models.QuerySet[M]:
    """Rows of a registered `model` in `area_ids`, soft-deleted ones included."""
    try:
        _model, path = _area_paths[model._meta.label_lower]
    except KeyError:
        raise LookupError(f"No area is registered for {model._meta.label}") from None
    return model._base_manager.filter(**{f"{path}__in": list(area_ids)})


def record_in_areas(model: type[M], pk, area_ids) -> M | None:
    """The `model` row `pk` if it is in `area_ids`; None for another area's and for no row alike."""
    try:
        return in_areas(model, area_ids).filter(pk=pk).first()
    except (ValueError, TypeError):
        return None


def events_in_areas(events: models.QuerySet, area_ids) -> models.QuerySet:
    """`events` narrowed to those belonging to `area_ids` (see the module docstring)."""
    area_ids = list(area_ids)
    if not area_ids:
        return events.none()
    belongs = Q(organisation__in=Organisation.objects.filter(area_id__in=area_ids).values("name"))
    for label, (model, _path) in sorted(_area_paths.items()):
        ids = (
            in_areas(model, area_ids)
            .order_by()
            .annotate(_audit_id=Cast("pk", CharField()))
            .values("_audit_id")
        )
        belongs |= Q(object_type=label, object_id__in=ids)
    return events.filter(belongs)


register(Area, "pk")
register(Organisation, "area")
register(Team, "area")
register(Membership, "team__area")
register(User, "memberships__team__area")
