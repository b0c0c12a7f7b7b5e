"""Subject access requests: gather what is held about one person, review, export.

- `sar_create(...)` opens a request for a perpetrator or a victim-survivor in the DPO's area
  and gathers every record held about them into `SarItem` rows (`gather`).
- Items about other people are third party and withheld: in a perpetrator's request the linked
  victims' details, addresses, contacts and shared notes, named victims on referrals and what is
  known about a new partner; in a victim's request the perpetrator's details, the children and
  the referral about the perpetrator. A reviewer releases them one by one with a reason
  (`sar_item_release`). Other people's names inside free text are not detected.
- `export_json` / `export_pdf` hold disclosed items only, say how many were withheld, and
  write an EXPORT audit event each time.

The DPO reaches these records through this module only (the ordinary access policy opens no
casework or victim record to a DPO); every request is limited to the DPO's own area.
"""

from __future__ import annotations

import datetime
import decimal
import json
import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone

from accounts import audit
from accounts.models import Area, AuditEvent, Organisation, Role, Team, User
from accounts.models_sar import SarItem, SubjectAccessRequest

SKIPPED_FIELDS = {"id", "deleted_at", "version", "password", "history_id"}
# Foreign keys that name a professional or a place, never another data subject.
NAMED_FK_MODELS = (User, Team, Organisation, Area)
AUDIT_ROWS_LIMIT = 5000


# --- Access ---------------------------------------------------------------------------------------------


def dpo_area_ids(user) -> set[int]:
    return {m.team.area_id for m in user.active_memberships() if m.role == Role.DPO}


def sars_visible_to(user) -> models.QuerySet[SubjectAccessRequest]:
    if user is None or not user.is_authenticated or not user.is_active or not user.has_role(Role.DPO):
        return SubjectAccessRequest.objects.none()
    return SubjectAccessRequest.objects.filter(area_id__in=dpo_area_ids(user))


def get_sar_for_user(user, pk) -> SubjectAccessRequest:
    try:
        return sars_visible_to(user).select_related("area", "requested_by").get(pk=pk)
    except (SubjectAccessRequest.DoesNotExist, ValueError, TypeError):
        raise Http404("Not found") from None


# --- Turning a row into "label → value" ------------------------------------------------------------------


def _value(obj, f) -> object:
    if f.is_relation:
        if not issubclass(f.related_model, NAMED_FK_MODELS):
            return None
        related = getattr(obj, f.name)
        return str(related) if related is not None else ""
    value = getattr(obj, f.attname)
    if f.choices and value not in (None, ""):
        return str(getattr(obj, f"get_{f.name}_display")())
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time, decimal.Decimal)):
        return value.isoformat() if not isinstance(value, decimal.Decimal) else str(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def row(obj: models.Model, *, skip: tuple[str, ...] = ()) -> dict:
    """The concrete fields of `obj` as {label: value}; foreign keys to other people are left out."""
    data = {}
    for f in obj._meta.concrete_fields:
        if f.name in SKIPPED_FIELDS or f.name in skip:
            continue
        value = _value(obj, f)
        if value is None and f.is_relation:
            continue
        data[str(f.verbose_name).capitalize()] = "" if value is None else value
    if getattr(obj, "deleted_at", None):
        data["Deleted on"] = obj.deleted_at.isoformat()
    return data


@dataclass
class Gathered:
    items: list[SarItem] = field(default_factory=list)

    def add(self, section: str, title: str, obj: models.Model | None, data: dict, *, third_party: str = ""):
        self.items.append(
            SarItem(
                order=len(self.items),
                section=section,
                title=title[:200],
                source_type=obj._meta.label_lower if obj is not None else "",
                source_id=str(obj.pk) if obj is not None else "",
                data=data,
                third_party=bool(third_party),
                third_party_reason=third_party[:200],
            )
        )

    def rows(self, section: str, title: str, objects, *, skip=(), third_party: str = ""):
        for obj in objects:
            self.add(section, f"{title} {obj.pk}", obj, row(obj, skip=skip), third_party=third_party)


def _audit_item(g: Gathered, object_type: str, ids: list) -> None:
    events = AuditEvent.objects.filter(object_type=object_type, object_id__in=[str(i) for i in ids]).order_by(
        "occurred_at", "id"
    )[:AUDIT_ROWS_LIMIT]
    entries = [
        {
            "When": e.occurred_at.isoformat(),
            "Who": e.user_email,
            "Organisation": e.organisation,
            "Action": e.get_action_display(),
            "Record": f"{e.object_type} {e.object_id}",
            "Purpose": e.purpose,
        }
        for e in events
    ]
    if entries:
        g.add("Who accessed the record", f"Access log: {object_type}", None, {"Events": entries})


# --- Gathering -------------------------------------------------------------------------------------------


def _all(model):
    return model._base_manager


def gather_perpetrator(perpetrator) -> Gathered:
    from casework import models as cw
    from panels import models as pm
    from referrals.models import Referral, ReferralVictim, ReferralVictimDetails
    from victims import models as vm

    g = Gathered()
    pid = perpetrator.pk
    g.add("Personal details", "Personal details", perpetrator, row(perpetrator))
    g.rows("Personal details", "Other name", _all(cw.PerpetratorAlias).filter(perpetrator_id=pid))
    g.rows("Personal details", "Identifier", _all(cw.PerpetratorIdentifier).filter(perpetrator_id=pid))
    g.rows("Personal details", "Address", _all(cw.PerpetratorAddress).filter(perpetrator_id=pid))

    cases = list(
        _all(cw.Case).filter(perpetrator_id=pid).select_related("team", "case_manager", "supervisor")
    )
    case_ids = [c.pk for c in cases]
    for case in cases:
        section = f"Case {case.reference}"
        g.add(section, f"Case {case.reference}", case, row(case))
        for model, title in (
            (cw.CaseSession, "Session"),
            (cw.CaseNote, "Case note"),
            (cw.SupportGoal, "Support goal"),
            (cw.DisruptionAction, "Disruption action"),
            (cw.Assessment, "Assessment"),
            (cw.CaseClosure, "Closure"),
            (cw.RiskLevelChange, "Risk level change"),
            (cw.OutcomeMeasure, "Outcome measure"),
            (cw.RfgScore, "RFG score"),
            (cw.Order, "Order"),
            (cw.CustodyRecord, "Custody record"),
            (cw.Incident, "Incident"),
        ):
            g.rows(section, title, _all(model).filter(case_id=case.pk))
        g.rows(section, "Order breach", _all(cw.OrderBreach).filter(order__case_id=case.pk))
        g.rows(section, "Custody event", _all(cw.CustodyEvent).filter(custody__case_id=case.pk))
        g.rows(section, "Risk flag", cw.RiskFlag.objects.filter(case_id=case.pk, victim__isnull=True))
        g.rows(
            section,
            "New partner notice",
            vm.NewPartnerNotice.objects.filter(case_id=case.pk),
            third_party="About a new partner of the subject",
        )
    g.rows("Incidents", "Incident", _all(cw.Incident).filter(perpetrator_id=pid, case__isnull=True))

    referrals = list(
        _all(Referral).filter(models.Q(perpetrator_id=pid) | models.Q(case_id__in=case_ids)).distinct()
    )
    for referral in referrals:
        g.add("Referrals", f"Referral {referral.pk}", referral, row(referral))
        for named in _all(ReferralVictim).filter(referral_id=referral.pk):
            g.add(
                "Referrals",
                f"Victim named on referral {referral.pk}",
                named,
                row(named, skip=("picked_up_victim_id",)),
                third_party="About a victim-survivor named on the referral",
            )
            details = ReferralVictimDetails.objects.filter(referral_victim_id=named.pk).first()
            if details is not None:
                g.add(
                    "Referrals",
                    f"Victim's contact details on referral {referral.pk}",
                    details,
                    row(details),
                    third_party="A victim-survivor's address and contact details",
                )

    for link in _all(vm.VictimLink).filter(perpetrator_id=pid).select_related("victim"):
        section = f"Linked person: {link.safe_label}"
        g.add(section, link.safe_label, link, row(link))
        victim = link.victim
        g.add(
            section,
            f"{link.safe_label}: their details",
            victim,
            row(victim),
            third_party="A victim-survivor's own record",
        )
        g.rows(
            section,
            "Their address",
            _all(vm.VictimAddress).filter(victim_id=victim.pk),
            third_party="A victim-survivor's address",
        )
        g.rows(
            section,
            "Their contact detail",
            _all(vm.VictimContact).filter(victim_id=victim.pk),
            third_party="A victim-survivor's contact details",
        )
        g.rows(
            section,
            "Note shared by their IDVA",
            vm.SharedNote.objects.filter(link_id=link.pk),
            third_party="Written by a victim-survivor's IDVA about them",
        )

    items = _all(pm.AgendaItem).filter(case_id__in=case_ids).select_related("meeting__panel")
    for item in items:
        section = f"Panel: {item.meeting.panel.name}"
        g.add(section, f"Agenda item {item.pk}", item, row(item))
        g.rows(section, "Agency research", _all(pm.Research).filter(agenda_item_id=item.pk))
        g.rows(section, "Panel action", _all(pm.Action).filter(agenda_item_id=item.pk))
    g.rows("Panels", "MARAC referral naming the subject", _all(pm.MaracReferral).filter(perpetrator_id=pid))

    _audit_item(g, "casework.perpetrator", [pid])
    _audit_item(g, "casework.case", case_ids)
    return g


def gather_victim(victim) -> Gathered:
    from casework import models as cw
    from panels import models as pm
    from referrals.models import ReferralVictim, ReferralVictimDetails
    from victims import models as vm

    g = Gathered()
    vid = victim.pk
    g.add("Personal details", "Personal details", victim, row(victim))
    g.rows("Personal details", "Address", _all(vm.VictimAddress).filter(victim_id=vid))
    g.rows("Personal details", "Contact detail", _all(vm.VictimContact).filter(victim_id=vid))
    g.rows("Safety", "Safe contact", _all(vm.VictimSafeContact).filter(victim_id=vid))
    g.rows("Safety", "Safety plan", _all(vm.SafetyPlan).filter(victim_id=vid))
    g.rows("Safety", "Safety note", _all(vm.SafetyNote).filter(victim_id=vid))
    g.rows("Support", "DASH risk checklist", vm.DashAssessment.objects.filter(victim_id=vid))
    g.rows("Support", "Consent decision", vm.ConsentDecision.objects.filter(victim_id=vid))
    g.rows("Support", "Outcome", vm.VictimOutcome.objects.filter(victim_id=vid))
    g.rows(
        "Support",
        "Note shared with the perpetrator's case manager",
        vm.SharedNote.objects.filter(victim_id=vid),
    )
    for child in _all(vm.Child).filter(victim_id=vid):
        g.add(
            "Children", f"Child {child.pk}", child, row(child), third_party="About a child (their own data)"
        )
        g.rows(
            "Children",
            "Operation Encompass notice",
            vm.EncompassNotification.objects.filter(child_id=child.pk),
            third_party="About a child (their own data)",
        )
    for link in _all(vm.VictimLink).filter(victim_id=vid).select_related("perpetrator"):
        section = f"Person who caused harm ({link.get_relationship_display().lower()})"
        g.add(section, "Relationship", link, row(link, skip=("label_number",)))
        g.add(
            section,
            "Their details",
            link.perpetrator,
            row(link.perpetrator),
            third_party="The perpetrator's own record",
        )
    for named in _all(ReferralVictim).filter(picked_up_victim_id=vid):
        g.add(
            "Referrals",
            f"Named on referral {named.referral_id}",
            named,
            row(named, skip=("picked_up_victim_id",)),
        )
        details = ReferralVictimDetails.objects.filter(referral_victim_id=named.pk).first()
        if details is not None:
            g.add("Referrals", f"Details given on referral {named.referral_id}", details, row(details))
    for item in _all(pm.AgendaItem).filter(victim_id=vid).select_related("meeting__panel"):
        section = f"Panel: {item.meeting.panel.name}"
        g.add(section, f"Agenda item {item.pk}", item, row(item))
        g.rows(section, "Agency research", _all(pm.Research).filter(agenda_item_id=item.pk))
        g.rows(section, "Panel action", _all(pm.Action).filter(agenda_item_id=item.pk))
    g.rows("Panels", "MARAC referral", _all(pm.MaracReferral).filter(victim_id=vid))
    g.rows("Risk flags", "Risk flag", cw.RiskFlag.objects.filter(victim_id=vid))
    _audit_item(g, "victims.victim", [vid])
    return g


# --- Services --------------------------------------------------------------------------------------------

_REFERENCE = re.compile(r"^\s*(?:(TL|V|P)-?)?0*(\d{1,9})\s*$", re.IGNORECASE)


def find_subject(*, user, subject_type: str, reference: str):
    """The perpetrator or victim a reference names, in the DPO's area; ValidationError otherwise.

    Perpetrators: a case reference (TL-000123) or the person's number. Victims: V-000123 or the
    number. Records outside the DPO's area get the same answer as records that do not exist.
    """
    from casework.models import Case, Perpetrator
    from victims.models import Victim

    match = _REFERENCE.match(reference or "")
    not_found = ValidationError({"reference": "No record with that reference in your area"})
    if not match:
        raise ValidationError({"reference": "Enter a reference like TL-000123, V-000123 or a record number"})
    prefix, number = (match.group(1) or "").upper(), int(match.group(2))
    areas = dpo_area_ids(user)
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
    from victims.models import Victim

    return subject.reference if isinstance(subject, Victim) else f"P-{subject.pk:06d}"


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
    """(Re)gather the items; earlier releases are kept for items that are gathered again."""
    from casework.models import Perpetrator
    from victims.models import Victim

    if sar.subject_type == SubjectAccessRequest.SubjectType.PERPETRATOR:
        subject = Perpetrator.all_objects.get(pk=sar.subject_id)
        gathered = gather_perpetrator(subject)
    else:
        subject = Victim.all_objects.get(pk=sar.subject_id)
        gathered = gather_victim(subject)
    released = {
        (i.source_type, i.source_id, i.title): i
        for i in sar.items.filter(released=True).only(
            "source_type", "source_id", "title", "release_reason", "released_by", "released_at"
        )
    }
    sar.items.all().delete()
    for item in gathered.items:
        item.sar = sar
        earlier = released.get((item.source_type, item.source_id, item.title))
        if earlier is not None and item.third_party:
            item.released = True
            item.release_reason = earlier.release_reason
            item.released_by_id = earlier.released_by_id
            item.released_at = earlier.released_at
    SarItem.objects.bulk_create(gathered.items)
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


@transaction.atomic
def sar_item_release(*, item: SarItem, actor, reason: str, request=None) -> SarItem:
    """Release one withheld third-party item into the export, with the reviewer's reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why this third-party information can be released"})
    item = SarItem.objects.select_for_update().get(pk=item.pk)
    if not sars_visible_to(actor).filter(pk=item.sar_id).exists():
        raise PermissionDenied("You cannot review this request.")
    if not item.third_party:
        raise ValidationError("This item is the subject's own data: it is always included.")
    if item.released:
        raise ValidationError("This item has already been released.")
    item.released = True
    item.release_reason = reason[:2000]
    item.released_by = actor
    item.released_at = timezone.now()
    item.save()
    audit.record(
        request,
        AuditEvent.Action.UPDATE,
        item.sar,
        user=actor,
        purpose=f"third-party item {item.pk} released for the export",
    )
    return item


@transaction.atomic
def sar_item_withhold(*, item: SarItem, actor, request=None) -> SarItem:
    """Undo a release before export."""
    item = SarItem.objects.select_for_update().get(pk=item.pk)
    if not sars_visible_to(actor).filter(pk=item.sar_id).exists():
        raise PermissionDenied("You cannot review this request.")
    if not item.released:
        raise ValidationError("This item is not released.")
    SarItem.objects.filter(pk=item.pk).update(
        released=False, release_reason="", released_by=None, released_at=None
    )
    audit.record(
        request,
        AuditEvent.Action.UPDATE,
        item.sar,
        user=actor,
        purpose=f"third-party item {item.pk} withheld again",
    )
    item.refresh_from_db()
    return item


def display_rows(data: dict) -> list[dict]:
    """An item's data as rows for pages and the PDF: {label, text, lines} (lines for lists)."""
    rows = []
    for label, value in (data or {}).items():
        if isinstance(value, list):
            lines = [
                " · ".join(str(v) for v in entry.values() if v not in ("", None))
                if isinstance(entry, dict)
                else str(entry)
                for entry in value
            ]
            rows.append({"label": label, "text": "", "lines": lines})
        else:
            text = (
                "" if value is None else ("Yes" if value is True else "No" if value is False else str(value))
            )
            rows.append({"label": label, "text": text, "lines": []})
    return rows


# --- Export ----------------------------------------------------------------------------------------------


def export_sections(sar: SubjectAccessRequest) -> list[dict]:
    """Disclosed items grouped by section, in order, with the number withheld in each section."""
    sections: dict[str, dict] = {}
    for item in sar.items.all():
        section = sections.setdefault(item.section, {"title": item.section, "items": [], "withheld": 0})
        if item.disclosed:
            item.rows = display_rows(item.data)
            section["items"].append(item)
        else:
            section["withheld"] += 1
    return list(sections.values())


def _export_done(sar: SubjectAccessRequest, actor, request, kind: str) -> None:
    now = timezone.now()
    SubjectAccessRequest.objects.filter(pk=sar.pk).update(
        status=SubjectAccessRequest.Status.EXPORTED, last_exported_at=now
    )
    audit.record(
        request, AuditEvent.Action.EXPORT, sar, user=actor, purpose=f"subject access request export ({kind})"
    )


@transaction.atomic
def export_json(*, sar: SubjectAccessRequest, actor, request=None) -> bytes:
    sections = export_sections(sar)
    document = {
        "request": sar.reference,
        "subject": sar.subject_reference,
        "subject_type": sar.subject_type,
        "received_on": sar.received_on.isoformat(),
        "generated_at": timezone.now().isoformat(),
        "protective_marking": _marking(),
        "sections": [
            {
                "title": s["title"],
                "withheld_items": s["withheld"],
                "items": [
                    {
                        "title": i.title,
                        "record": f"{i.source_type} {i.source_id}".strip(),
                        "third_party_released": i.third_party,
                        "data": i.data,
                    }
                    for i in s["items"]
                ],
            }
            for s in sections
        ],
    }
    _export_done(sar, actor, request, "json")
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def _marking() -> str:
    from django.conf import settings

    return getattr(settings, "TIDELINE_PROTECTIVE_MARKING", "OFFICIAL-SENSITIVE")


@transaction.atomic
def export_pdf(*, sar: SubjectAccessRequest, actor, request=None) -> tuple[bytes, int]:
    """(PDF bytes, page count). Block layout; the static-only URL fetcher from panels.packs."""
    from weasyprint import HTML

    from panels.packs import PACK_BASE_URL, static_only_fetcher

    html = render_to_string(
        "accounts/sar/export_pdf.html",
        {
            "sar": sar,
            "sections": export_sections(sar),
            "marking": _marking(),
            "generated_at": timezone.now(),
            "recipient": f"the data subject ({sar.subject_reference})",
        },
    )
    document = HTML(string=html, base_url=PACK_BASE_URL, url_fetcher=static_only_fetcher()).render()
    pdf = document.write_pdf()
    _export_done(sar, actor, request, "pdf")
    return pdf, len(document.pages)
