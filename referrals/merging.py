"""Merging two perpetrator records that turn out to be one person — and undoing it.

Nothing is merged automatically: a case-management supervisor decides, with a reason.
Every row that points at the merged person (cases, aliases, identifiers, addresses, victim
links, referrals, and whatever other apps add later) is re-pointed at the surviving record;
the ids moved are kept on the `PerpetratorMerge`, so "undo" moves exactly those rows back
and restores the merged record. The merged record is soft-deleted, never removed.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from accounts import audit
from accounts.models import AuditEvent, Role, Team
from casework.models import Perpetrator
from referrals.models import PerpetratorMerge


def _relations():
    """(model, field name) for every foreign key to Perpetrator except history and merges."""
    for relation in Perpetrator._meta.related_objects:
        if not (relation.one_to_many or relation.one_to_one):
            continue
        model = relation.related_model
        if model is PerpetratorMerge or model._meta.model_name.startswith("historical"):
            continue
        yield model, relation.field.name


def may_merge(user, *people: Perpetrator) -> bool:
    """Supervisors of a case-management team in the area of every person involved."""
    area_ids = {
        m.team.area_id
        for m in user.active_memberships()
        if m.role == Role.SUPERVISOR and m.team.kind == Team.Kind.CASE_MANAGEMENT
    }
    return bool(area_ids) and all(p.area_id in area_ids for p in people)


def _move(model: type[models.Model], field: str, ids: list, target: Perpetrator) -> None:
    model._base_manager.filter(pk__in=ids).update(**{f"{field}_id": target.pk})


@transaction.atomic
def perpetrator_merge(*, survivor: Perpetrator, merged: Perpetrator, actor, reason: str) -> PerpetratorMerge:
    if survivor.pk == merged.pk:
        raise ValidationError("Choose two different records.")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why these records are the same person"})
    if not may_merge(actor, survivor, merged):
        raise ValidationError("Only a case-management supervisor in the person's area can merge records.")
    if survivor.area_id != merged.area_id:
        raise ValidationError("Records in different areas cannot be merged.")
    moved = {}
    try:
        with transaction.atomic():
            for model, field in _relations():
                ids = list(model._base_manager.filter(**{field: merged}).values_list("pk", flat=True))
                if ids:
                    _move(model, field, ids, survivor)
                    moved[model._meta.label_lower] = {"field": field, "ids": ids}
    except IntegrityError:
        raise ValidationError(
            "Both records hold the same linked detail (for example the same victim link or identifier). "
            "Remove the duplicate detail from one record, then merge."
        ) from None
    merged.soft_delete()
    merge = PerpetratorMerge.objects.create(
        survivor=survivor, merged=merged, reason=reason.strip(), merged_by=actor, moved=moved
    )
    audit.record(
        None, AuditEvent.Action.UPDATE, survivor, user=actor, purpose=f"merged record {merged.pk} into this"
    )
    audit.record(None, AuditEvent.Action.DELETE, merged, user=actor, purpose=f"merged into {survivor.pk}")
    return merge


@transaction.atomic
def perpetrator_merge_undo(*, merge: PerpetratorMerge, actor) -> PerpetratorMerge:
    """Move back exactly what the merge moved and restore the merged record."""
    merge = PerpetratorMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at is not None:
        raise ValidationError("This merge has already been undone.")
    survivor = Perpetrator.all_objects.get(pk=merge.survivor_id)
    merged = Perpetrator.all_objects.get(pk=merge.merged_id)
    if not may_merge(actor, survivor, merged):
        raise ValidationError("Only a case-management supervisor in the person's area can undo a merge.")
    models_by_label = {model._meta.label_lower: model for model, _ in _relations()}
    for label, entry in merge.moved.items():
        model = models_by_label.get(label)
        if model is None:
            continue
        # Only rows still pointing at the survivor go back (a row moved on since stays put).
        model._base_manager.filter(pk__in=entry["ids"], **{entry["field"]: survivor}).update(
            **{f"{entry['field']}_id": merged.pk}
        )
    merged.deleted_at = None
    merged.save(update_fields=["deleted_at", "updated_at"])
    merge.undone_at = timezone.now()
    merge.undone_by = actor
    merge.save(update_fields=["undone_at", "undone_by"])
    audit.record(
        None, AuditEvent.Action.UPDATE, merged, user=actor, purpose=f"merge into {survivor.pk} undone"
    )
    audit.record(None, AuditEvent.Action.UPDATE, survivor, user=actor, purpose=f"merge of {merged.pk} undone")
    return merge
