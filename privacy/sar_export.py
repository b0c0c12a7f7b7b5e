"""Subject access: the response the person receives, as a letter to a member of the public.

One context (`response`) feeds the HTML preview, the PDF and the JSON: a covering letter (what
they asked for and when, what is enclosed, how many items were withheld under which exemption in
plain words, and their right to complain to the ICO), then their records under plain headings.
Only disclosed items are in it; withheld items are counted by exemption, never described, and a
section made only of withheld items does not appear (its heading alone could say too much, e.g.
that a new partner was recorded).

The PDF and the JSON are written only once every exempt item has a decision (`ensure_decided`);
each export writes an EXPORT audit event. The JSON is machine-readable but carries the same words
as the letter: no internal ids, model names or raw timestamps.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts import audit
from accounts.models import AuditEvent
from accounts.plain_words import written_date
from casework.models import Perpetrator
from panels.packs import PACK_BASE_URL, static_only_fetcher
from privacy.models import EXEMPTION_LAW, EXEMPTION_PLAIN, Exemption, SubjectAccessRequest
from privacy.sar import data_pairs, display_rows, is_table
from victims.models import Victim

ICO = {
    "web": "ico.org.uk/make-a-complaint",
    "phone": "0303 123 1113",
    "post": "Information Commissioner's Office, Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF",
}


def marking() -> str:
    return settings.TIDELINE_PROTECTIVE_MARKING


def subject_name(sar: SubjectAccessRequest) -> str:
    model = Perpetrator if sar.subject_type == SubjectAccessRequest.SubjectType.PERPETRATOR else Victim
    subject = model.all_objects.filter(pk=sar.subject_id).only("first_name", "last_name").first()
    return subject.full_name if subject is not None else ""


def awaiting_decision(sar: SubjectAccessRequest) -> int:
    return sar.items.exclude(exemption="").filter(decision="").count()


def ensure_decided(sar: SubjectAccessRequest) -> None:
    waiting = awaiting_decision(sar)
    if waiting:
        raise ValidationError(
            f"Decide every withheld item before sending the response: {waiting} "
            f"item{'s' if waiting != 1 else ''} still need{'s' if waiting == 1 else ''} a decision."
        )


def _sender(actor) -> str:
    membership = actor.primary_membership if actor is not None else None
    return membership.team.organisation.name if membership else "Tideline"


def response(sar: SubjectAccessRequest, *, actor) -> dict:
    """Everything the letter, the records and the JSON show, from one reading of the items."""
    sections: dict[str, dict] = {}
    withheld: dict[str, int] = {}
    for item in sar.items.all():
        if item.disclosed:
            item.rows = display_rows(item.data)
            sections.setdefault(item.section, {"title": item.section, "items": []})["items"].append(item)
        else:
            withheld[item.exemption] = withheld.get(item.exemption, 0) + 1
    exemptions = [
        {
            "label": Exemption(code).label,
            "law": EXEMPTION_LAW[code],
            "plain": EXEMPTION_PLAIN[code],
            "count": withheld[code],
        }
        for code in Exemption.values
        if withheld.get(code)
    ]
    return {
        "sar": sar,
        "name": subject_name(sar),
        "received": written_date(sar.received_on),
        "today": written_date(timezone.localdate()),
        "sender": _sender(actor),
        "signer": actor.full_name if actor is not None else "",
        "sections": list(sections.values()),
        "withheld": exemptions,
        "withheld_total": sum(withheld.values()),
        "ico": ICO,
        "marking": marking(),
    }


def _export_done(sar: SubjectAccessRequest, actor, request, kind: str) -> None:
    SubjectAccessRequest.objects.filter(pk=sar.pk).update(
        status=SubjectAccessRequest.Status.EXPORTED, last_exported_at=timezone.now()
    )
    audit.record(
        request, AuditEvent.Action.EXPORT, sar, user=actor, purpose=f"subject access request export ({kind})"
    )


def _details(data) -> dict:
    """Label → value, tables as lists of objects: machine-readable, in the letter's words."""
    details = {}
    for label, value in data_pairs(data):
        if is_table(value):
            value = [dict(zip(value["columns"], row, strict=False)) for row in value["rows"]]
        details[label] = value
    return details


@transaction.atomic
def export_json(*, sar: SubjectAccessRequest, actor, request=None) -> bytes:
    ensure_decided(sar)
    context = response(sar, actor=actor)
    document = {
        "our_reference": sar.reference,
        "name": context["name"],
        "request_received": context["received"],
        "response_date": context["today"],
        "from": context["sender"],
        "protective_marking": context["marking"],
        "withheld": [
            {
                "exemption": w["label"],
                "law": f"Data Protection Act 2018, {w['law']}",
                "what_it_covers": w["plain"],
                "items": w["count"],
            }
            for w in context["withheld"]
        ],
        "sections": [
            {
                "heading": section["title"],
                "items": [{"title": item.title, "details": _details(item.data)} for item in section["items"]],
            }
            for section in context["sections"]
        ],
        "complaints": {
            "information_commissioner": context["ico"],
        },
    }
    _export_done(sar, actor, request, "json")
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


@transaction.atomic
def export_pdf(*, sar: SubjectAccessRequest, actor, request=None) -> tuple[bytes, int]:
    """(PDF bytes, page count). Block layout; the static-only URL fetcher from panels.packs."""
    from weasyprint import HTML

    ensure_decided(sar)
    html = render_to_string("privacy/sar/export_pdf.html", response(sar, actor=actor))
    document = HTML(string=html, base_url=PACK_BASE_URL, url_fetcher=static_only_fetcher()).render()
    pdf = document.write_pdf()
    _export_done(sar, actor, request, "pdf")
    return pdf, len(document.pages)
