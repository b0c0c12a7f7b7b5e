"""Registers the legal tabs (Orders, Custody, Incidents, RFG) and their chronology sources.

Imported from CaseworkConfig.ready(). Chronology sources show only what the case page shows:
the caller has already been allowed to see the case, and victims appear by safe label only.
"""

from __future__ import annotations

from django.urls import reverse

from casework import chronology, tabs
from casework.models import CustodyEvent, CustodyRecord, Incident, Order, OrderBreach

tabs.register(
    tabs.CaseTab("orders", "Orders", "orders", 62),
    tabs.CaseTab("custody", "Custody", "custody", 64),
    tabs.CaseTab("incidents", "Incidents", "incidents", 66),
    tabs.CaseTab("rfg", "RFG score", "rfg", 68),
)


def _order_entries(*, case, user):
    orders = Order.objects.filter(perpetrator_id=case.perpetrator_id)
    for order in orders:
        url = reverse("casework:order_detail", args=[case.pk, order.pk])
        name = order.get_kind_display()
        yield chronology.ChronologyEntry(
            order.made_on, "order", "Order", f"{name} made", order.court_or_issuer, url=url
        )
        if order.served_on:
            yield chronology.ChronologyEntry(order.served_on, "order", "Order", f"{name} served", url=url)
        if order.expires_on:
            yield chronology.ChronologyEntry(order.expires_on, "order", "Order", f"{name} expires", url=url)
    breaches = OrderBreach.objects.filter(order__perpetrator_id=case.perpetrator_id).select_related("order")
    for breach in breaches:
        yield chronology.ChronologyEntry(
            breach.occurred_on,
            "order",
            "Order",
            f"Breach of {breach.order.get_kind_display()}",
            breach.description,
            url=reverse("casework:order_detail", args=[case.pk, breach.order_id]),
        )


def _custody_entries(*, case, user):
    url = reverse("casework:custody", args=[case.pk])
    events = CustodyEvent.objects.filter(custody__perpetrator_id=case.perpetrator_id)
    for event in events:
        yield chronology.ChronologyEntry(
            event.occurred_on, "custody", "Custody", event.get_kind_display(), event.reason, url=url
        )
    for record in CustodyRecord.objects.filter(perpetrator_id=case.perpetrator_id):
        detail = " ".join(part for part in (record.sentence_length, record.establishment) if part)
        yield chronology.ChronologyEntry(
            record.sentence_date, "custody", "Custody", "Sentenced", detail, url=url
        )


def _incident_entries(*, case, user):
    url = reverse("casework:incidents", args=[case.pk])
    for incident in Incident.objects.filter(perpetrator_id=case.perpetrator_id):
        flag = "domestic abuse" if incident.is_domestic_abuse else "not domestic abuse"
        yield chronology.ChronologyEntry(
            incident.occurred_on,
            "incident",
            "Incident",
            f"{incident.get_offence_display()} ({flag})",
            incident.police_reference and f"Police reference {incident.police_reference}",
            url=url,
        )


chronology.register("order", "Orders", _order_entries)
chronology.register("custody", "Custody", _custody_entries)
chronology.register("incident", "Incidents", _incident_entries)
