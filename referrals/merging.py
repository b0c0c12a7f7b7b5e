"""Merging two perpetrator records that turn out to be one person — and undoing it.

Nothing is merged automatically: a case-management supervisor decides, with a reason.
Every row that points at the merged person (cases, aliases, identifiers, addresses, victim
links, referrals, and whatever other apps add later) is re-pointed at the surviving record;
the ids moved are kept on the `PerpetratorMerge`, so "undo" moves exactly those rows back
and restores the merged record. The merged record is soft-deleted, never removed.

Rows numbered per person (victim links' "victim 2" label: unique with the perpetrator)
are renumbered after the survivor's own when they move, and get their old numbers back on
undo. A merge that would make one worker both the case manager (or supervisor) of the
person and the IDVA of a victim linked to them is refused (the same-worker rule).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils import timezone

from accounts import audit
from accounts.models import AuditEvent, Role, Team
from casework.models import Case, Perpetrator
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
    area_ids = user.area_ids(Role.SUPERVISOR, team_kind=Team.Kind.CASE_MANAGEMENT)
    return bool(area_ids) and all(p.area_id in area_ids for p in people)


def _move(model: type[models.Model], field: str, ids: list, target: Perpetrator) -> None:
    model._base_manager.filter(pk__in=ids).update(**{f"{field}_id": target.pk})


def _numbered_fields(model: type[models.Model], field: str) -> list[str]:
    """Integer fields unique together with `field` alone (e.g. VictimLink.label_number).

    Found from the model's unconditional two-field unique constraints, so this module needs
    to know nothing about the apps that number rows per person.
    """
    names = []
    for constraint in model._meta.constraints:
        fields = list(getattr(constraint, "fields", ()) or ())
        if not isinstance(constraint, models.UniqueConstraint) or constraint.condition is not None:
            continue
        if len(fields) != 2 or field not in fields:
            continue
        other = next(name for name in fields if name != field)
        if isinstance(model._meta.get_field(other), models.IntegerField):
            names.append(other)
    return names


def _renumber(model, field: str, number: str, ids: list, owner: Perpetrator) -> dict[str, int]:
    """Give the rows `ids` numbers after `owner`'s highest; returns {id: old number}."""
    rows = list(model._base_manager.filter(pk__in=ids).order_by(number, "pk").values_list("pk", number))
    taken = (
        model._base_manager.filter(**{field: owner}).exclude(pk__in=ids).aggregate(n=Max(number))["n"] or 0
    )
    for offset, (pk, _) in enumerate(rows, start=1):
        model._base_manager.filter(pk=pk).update(**{number: taken + offset})
    return {str(pk): old for pk, old in rows}


def _park(model, number: str, ids: list) -> dict[str, int]:
    """Move the rows' numbers above every number in use (keeping their order), so moving
    them to another person cannot collide; returns {id: old number}."""
    rows = dict(model._base_manager.filter(pk__in=ids).values_list("pk", number))
    top = model._base_manager.aggregate(n=Max(number))["n"] or 0
    for offset, pk in enumerate(sorted(rows, key=lambda pk: (rows[pk], pk)), start=1):
        model._base_manager.filter(pk=pk).update(**{number: top + offset})
    return {str(pk): old for pk, old in rows.items()}


def _restore_numbers(model, field: str, number: str, ids: list, old_numbers: dict, owner) -> None:
    """Give moved-back rows their numbers from before the merge, or the next free ones if a
    number was taken meanwhile (a link added to the hidden record cannot happen, but be safe)."""
    taken = set(
        model._base_manager.filter(**{field: owner}).exclude(pk__in=ids).values_list(number, flat=True)
    )
    clashes = []
    for pk in sorted(ids):
        old = old_numbers.get(str(pk))
        if old is None or old in taken:
            clashes.append(pk)
            continue
        model._base_manager.filter(pk=pk).update(**{number: old})
        taken.add(old)
    if clashes:
        _renumber(model, field, number, clashes, owner)


def _check_same_worker(survivor: Perpetrator) -> None:
    """After the move: no worker on the person's open cases may be the IDVA of a victim linked to them."""
    from victims.rules import check_not_supporting_linked_victim  # victims depends on referrals

    cases = Case.objects.filter(perpetrator=survivor, closed_on__isnull=True).select_related(
        "case_manager", "supervisor"
    )
    checked = set()
    for case in cases.order_by("pk"):
        for worker in (case.case_manager, case.supervisor):
            if worker is None or worker.pk in checked:
                continue
            checked.add(worker.pk)
            try:
                check_not_supporting_linked_victim(worker, survivor)
            except ValidationError:
                raise ValidationError(
                    f"These records cannot be merged: {worker} works on case {case.reference} and is the "
                    "IDVA of a victim linked to one of the records. The same worker must not support a "
                    "victim and work with the person who harmed them: reallocate the case or the victim first."
                ) from None


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
                    entry = {"field": field, "ids": ids}
                    # Move first with numbers out of the way, then number after the survivor's.
                    numbered = _numbered_fields(model, field)
                    for number in numbered:
                        entry.setdefault("renumbered", {})[number] = _park(model, number, ids)
                    _move(model, field, ids, survivor)
                    for number in numbered:
                        _renumber(model, field, number, ids, survivor)
                    moved[model._meta.label_lower] = entry
    except IntegrityError:
        raise ValidationError(
            "Both records hold the same linked detail (for example the same victim link or identifier). "
            "Remove the duplicate detail from one record, then merge."
        ) from None
    _check_same_worker(survivor)
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
        back = list(
            model._base_manager.filter(pk__in=entry["ids"], **{entry["field"]: survivor}).values_list(
                "pk", flat=True
            )
        )
        for number in entry.get("renumbered", {}):
            _park(model, number, back)
        model._base_manager.filter(pk__in=back).update(**{f"{entry['field']}_id": merged.pk})
        for number, old_numbers in entry.get("renumbered", {}).items():
            _restore_numbers(model, entry["field"], number, back, old_numbers, merged)
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
