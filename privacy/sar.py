"""Subject access requests: gather what is held about one person, review, export.

- `sar_create(...)` opens a request for a perpetrator or a victim-survivor in the DPO's area
  and gathers what is held about them into `SarItem` rows, in plain words (`privacy.sar_gather`
  runs every app's collectors from accounts.personal_data; the one rule is enforced in those
  collectors: a perpetrator's request never gathers a victim's restricted data, so no decision
  can release it).
- Items of the kinds the Data Protection Act 2018 exempts start withheld under their named
  exemption; the DPO decides each one, disclose or keep withheld, with a reason
  (`sar_item_decide`), may keep the rest of one exemption withheld at once
  (`sar_withhold_remaining`), and may withhold any other item under a named exemption.
  Other people's names inside free text are not detected: the DPO reads before exporting.
- `privacy.sar_export` writes the response (covering letter, PDF, JSON) once every exempt
  item is decided.

The DPO reaches these records through this module only (the ordinary access policy opens no
casework or victim record to a DPO); every request is limited to the DPO's own area.
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404
from django.utils import timezone

from accounts import audit
from accounts.models import AuditEvent, Role
from casework.models import Case, Perpetrator
from privacy.models import Exemption, SarItem, SubjectAccessRequest
from privacy.sar_gather import gather
from victims.models import Victim

# --- Access ---------------------------------------------------------------------------------------------


def sars_visible_to(user) -> models.QuerySet[SubjectAccessRequest]:
    if user is None or not user.is_authenticated or not user.is_active or not user.has_role(Role.DPO):
        return SubjectAccessRequest.objects.none()
    return SubjectAccessRequest.objects.filter(area_id__in=user.area_ids(Role.DPO))


def get_sar_for_user(user, pk) -> SubjectAccessRequest:
    try:
        return sars_visible_to(user).select_related("area", "requested_by").get(pk=pk)
    except (SubjectAccessRequest.DoesNotExist, ValueError, TypeError):
        raise Http404("Not found") from None


# --- Services --------------------------------------------------------------------------------------------

_REFERENCE = re.compile(r"^\s*(?:(TL|V|P)-?)?0*(\d{1,9})\s*$", re.IGNORECASE)


def find_subject(*, user, subject_type: str, reference: str):
    """The perpetrator or victim a reference names, in the DPO's area; ValidationError otherwise.

    Perpetrators: a case reference (TL-000123) or the person's number. Victims: V-000123 or the
    number. Records outside the DPO's area get the same answer as records that do not exist.
    """
    match = _REFERENCE.match(reference or "")
    not_found = ValidationError({"reference": "No record with that reference in your area"})
    if not match:
        raise ValidationError({"reference": "Enter a reference like TL-000123, V-000123 or a record number"})
    prefix, number = (match.group(1) or "").upper(), int(match.group(2))
    areas = user.area_ids(Role.DPO)
    if subject_type == SubjectAccessRequest.SubjectType.PERPETRATOR:
        if prefix == "V":
            raise ValidationError({"reference": "V- references are victim-survivors' records"})
        if prefix == "TL":
            case = Case.all_objects.filter(pk=number, perpetrator__area_id__in=areas).select_related(
                "perpetrator"
            )
            subject = case.first().perpetrator if case.exists() else None
        else:
            subject = Perpetrator.all_objects.filter(pk=number, area_id__in=areas).first()
    elif subject_type == SubjectAccessRequest.SubjectType.VICTIM:
        if prefix == "TL":
            raise ValidationError({"reference": "TL- references are perpetrators' cases"})
        subject = Victim.all_objects.filter(pk=number, area_id__in=areas).first()
    else:
        raise ValidationError({"subject_type": "Choose whose data is requested"})
    if subject is None:
        raise not_found
    return subject


def _reference_for(subject) -> str:
    return subject.reference if isinstance(subject, Victim) else f"P-{subject.pk:06d}"


def subject_of(sar: SubjectAccessRequest):
    """The perpetrator or victim-survivor the request is about (soft-deleted records too)."""
    model = Perpetrator if sar.subject_type == SubjectAccessRequest.SubjectType.PERPETRATOR else Victim
    return model.all_objects.get(pk=sar.subject_id)


@transaction.atomic
def sar_create(
    *,
    actor,
    subject_type: str,
    reference: str,
    received_on: datetime.date | None = None,
    notes: str = "",
    request=None,
) -> SubjectAccessRequest:
    """Open a request for the subject the reference names and gather what is held about them."""
    if not actor.has_role(Role.DPO):
        raise PermissionDenied("Only a data protection officer can open a subject access request.")
    subject = find_subject(user=actor, subject_type=subject_type, reference=reference)
    received_on = received_on or timezone.localdate()
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": "The date received must be today or in the past"})
    sar = SubjectAccessRequest.objects.create(
        subject_type=subject_type,
        subject_id=subject.pk,
        subject_reference=_reference_for(subject),
        area_id=subject.area_id,
        received_on=received_on,
        notes=(notes or "").strip()[:5000],
        requested_by=actor,
    )
    audit.record(request, AuditEvent.Action.CREATE, sar, user=actor, purpose="subject access request opened")
    sar_gather(sar=sar, actor=actor, request=request)
    return sar


@transaction.atomic
def sar_gather(*, sar: SubjectAccessRequest, actor, request=None) -> SubjectAccessRequest:
    """(Re)gather the items. Earlier decisions are kept for items gathered again: a decision to
    withhold always, a decision to disclose only while the item reads exactly as it did."""
    subject = subject_of(sar)
    items = gather(sar.subject_type, subject)
    decided = {(i.source_type, i.source_id): i for i in sar.items.exclude(decision="")}
    sar.items.all().delete()
    for item in items:
        item.sar = sar
        earlier = decided.get((item.source_type, item.source_id))
        if earlier is None:
            continue
        if earlier.decision == SarItem.Decision.WITHHOLD or earlier.data == item.data:
            item.decision = earlier.decision
            item.exemption = earlier.exemption or item.exemption
            item.decision_reason = earlier.decision_reason
            item.decided_by_id = earlier.decided_by_id
            item.decided_at = earlier.decided_at
    SarItem.objects.bulk_create(items)
    sar.gathered_at = timezone.now()
    sar.save(update_fields=["gathered_at"])
    audit.record(
        request,
        AuditEvent.Action.VIEW,
        subject,
        user=actor,
        purpose=f"gathered for subject access request {sar.reference}",
    )
    return sar


def _item_for_review(item: SarItem, actor) -> SarItem:
    item = SarItem.objects.select_for_update().get(pk=item.pk)
    if not sars_visible_to(actor).filter(pk=item.sar_id).exists():
        raise PermissionDenied("You cannot review this request.")
    return item


def _reason(reason: str | None) -> str:
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter the reason for your decision"})
    return reason[:2000]


@transaction.atomic
def sar_item_decide(
    *, item: SarItem, actor, decision: str, reason: str, exemption: str = "", request=None
) -> SarItem:
    """Disclose an item, or keep it withheld under a named exemption, with the reviewer's reason.

    Any item may be withheld (the DPO may find another person's name in the subject's own
    notes); the exemption defaults to the one the item was gathered under. Disclosing is a
    decision only for an item that is withheld: the subject's own plain details already are.
    """
    if decision not in SarItem.Decision.values:
        raise ValidationError({"decision": "Choose whether to disclose this item or keep it withheld"})
    if exemption and exemption not in Exemption.values:
        raise ValidationError({"exemption": "Choose an exemption from the list"})
    reason = _reason(reason)
    item = _item_for_review(item, actor)
    if decision == SarItem.Decision.DISCLOSE:
        if item.disclosed:
            raise ValidationError("This item is already in the response.")
        exemption = item.exemption
    else:
        exemption = exemption or item.exemption
        if not exemption:
            raise ValidationError({"exemption": "Choose the exemption that allows this item to be withheld"})
    SarItem.objects.filter(pk=item.pk).update(
        decision=decision,
        exemption=exemption,
        decision_reason=reason,
        decided_by=actor,
        decided_at=timezone.now(),
    )
    item.refresh_from_db()
    audit.record(
        request,
        AuditEvent.Action.UPDATE,
        item.sar,
        user=actor,
        purpose=f"subject access item {item.pk}: {item.get_decision_display().lower()} "
        f"({item.get_exemption_display().lower()})",
    )
    return item


@transaction.atomic
def sar_withhold_remaining(
    *, sar: SubjectAccessRequest, actor, exemption: str, reason: str, request=None
) -> int:
    """Keep every undecided item under one exemption withheld, each with the same recorded reason.

    Only withholding can be done in bulk: disclosing is decided item by item.
    """
    if exemption not in Exemption.values:
        raise ValidationError({"exemption": "Choose an exemption from the list"})
    reason = _reason(reason)
    if not sars_visible_to(actor).filter(pk=sar.pk).exists():
        raise PermissionDenied("You cannot review this request.")
    count = sar.items.filter(exemption=exemption, decision="").update(
        decision=SarItem.Decision.WITHHOLD,
        decision_reason=reason,
        decided_by=actor,
        decided_at=timezone.now(),
    )
    if not count:
        raise ValidationError({"exemption": "No items under that exemption are waiting for a decision"})
    audit.record(
        request,
        AuditEvent.Action.UPDATE,
        sar,
        user=actor,
        purpose=f"{count} subject access items kept withheld ({Exemption(exemption).label.lower()})",
    )
    return count


def data_pairs(data) -> list[tuple[str, object]]:
    """An item's data as (label, value) in reading order (stored as pairs; older items as a dict)."""
    if isinstance(data, dict):
        return list(data.items())
    return [(pair[0], pair[1]) for pair in data or [] if isinstance(pair, list | tuple) and len(pair) == 2]


def is_table(value) -> bool:
    return isinstance(value, dict) and "columns" in value and "rows" in value


def display_rows(data) -> list[dict]:
    """An item's data as rows for pages and the PDF: {label, text, lines, table}.

    `table` is a list of entries (the access log): {"columns": [...], "rows": [[...], ...]}.
    """
    rows = []
    for label, value in data_pairs(data):
        row = {"label": label, "text": "", "lines": [], "table": None}
        if is_table(value):
            row["table"] = {"head": value["columns"], "rows": value["rows"]}
        elif isinstance(value, list):
            row["lines"] = [str(v) for v in value]
        else:
            row["text"] = "" if value is None else str(value)
        rows.append(row)
    return rows
