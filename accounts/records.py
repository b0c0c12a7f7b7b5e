"""Conventions every record of personal data follows.

- Soft delete: rows are marked deleted, never removed, and the default manager hides them.
- Optimistic concurrency: a `version` column; `save_versioned` refuses a save made from a
  stale copy, so two people editing the same record cannot overwrite each other silently.
"""

from __future__ import annotations

from django.db import models, transaction
from django.utils import timezone


class ConcurrentEditError(Exception):
    """Someone else saved this record after the editor loaded it."""

    message = "Someone else changed this record while you were editing it. Your changes have not been saved: check the latest version and enter them again."


class AliveManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class Record(models.Model):
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = AliveManager()
    all_objects = models.Manager()  # noqa: DJ012 (ruff mistakes this manager for a field)

    class Meta:
        abstract = True

    def soft_delete(self) -> None:
        self.deleted_at = timezone.now()
        self.save(update_fields=["deleted_at", "updated_at"])


@transaction.atomic
def save_versioned(obj: Record, *, expected_version: int, update_fields: list[str] | None = None) -> Record:
    """Save `obj` only if the stored row is still at `expected_version`; bump the version."""
    current = type(obj).all_objects.select_for_update().only("version").get(pk=obj.pk)
    if current.version != expected_version:
        raise ConcurrentEditError(ConcurrentEditError.message)
    obj.version = expected_version + 1
    if update_fields is not None:
        update_fields = [*update_fields, "version", "updated_at"]
    obj.save(update_fields=update_fields)
    return obj
