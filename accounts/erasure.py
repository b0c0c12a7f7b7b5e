"""Tools for retention erase steps, and the dates retention counts in.

Every app's erase steps (`<app>/personal_data.py`, run by privacy.retention once a reviewer
confirms an erasure) anonymise their own rows with these: names become "Erased", dates of birth
keep only the year, free text and contact details become "[erased]" or blank, and the
simple-history copies that would otherwise keep the erased values are deleted. Rows, dates, risk
levels, outcomes and offence types stay, so reports still count.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import models
from django.utils import timezone

ERASED = "[erased]"
ERASED_NAME = "Erased"


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def years_after(day: datetime.date, years: int) -> datetime.date:
    return years_before(day, -years)


def month_end(first: datetime.date) -> datetime.date:
    following = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def drop_history(model: type[models.Model], ids: Iterable) -> int:
    """Delete simple-history copies, which would otherwise keep the erased values."""
    history = getattr(model, "history", None)
    if history is None:
        return 0
    deleted, _ = history.model.objects.filter(id__in=list(ids)).delete()
    return deleted


def scrub(model: type[models.Model], ids: Iterable, values: dict, *, soft_delete: bool = False) -> int:
    """Overwrite `values` on the rows (soft-deleted ones too) and drop their history copies."""
    ids = list(ids)
    if not ids:
        return 0
    if soft_delete:
        values = {**values, "deleted_at": timezone.now()}
    changed = model._base_manager.filter(pk__in=ids).update(**values)
    drop_history(model, ids)
    return changed


def ids(queryset: models.QuerySet) -> list[int]:
    return list(queryset.values_list("pk", flat=True))


def year_only(model: type[models.Model], pks: Iterable) -> None:
    """Keep only the year of birth (1 January), so age bands in reports survive."""
    for pk, dob in model._base_manager.filter(pk__in=list(pks), date_of_birth__isnull=False).values_list(
        "pk", "date_of_birth"
    ):
        model._base_manager.filter(pk=pk).update(date_of_birth=dob.replace(month=1, day=1))
