"""Registers the legal tabs (Orders, Custody, Incidents, RFG) and their chronology sources.

Imported from CaseworkConfig.ready(). Chronology sources show only what the case's tabs show
(selectors_legal): the person's records on cases the user may open, each linking through its own
case, and victims by safe label only.
"""

from __future__ import annotations

from django.urls import reverse

from casework import chronology, tabs
from casework.models import CustodyEvent, CustodyRecord, Order, OrderBreach
from casework.selectors_legal import incidents_for_case, person_case_ids

tabs.register(
    tabs.CaseTab("orders", "Orders", "orders", 62),
    tabs.CaseTab("custody", "Custody", "custody", 64),
    tabs.CaseTab("incidents", "Incidents", "incidents", 66),
    tabs.CaseTab("rfg", "RFG score", "rfg", 68),
)


def _order_entries(*, case, user):
    cases = person_case_ids(case, user)
    orders = Order.objects.filter(perpetrator_id=case.perpetrator_id, case_id__in=cases)
    for order in orders:
        url = reverse("casework:order_detail", args=[order.case_id, order.pk])
        name = order.get_kind_display()
        yield chronology.ChronologyEntry(
            order.made_on, "order", "Order", f"{name} made", order.court_or_issuer, url=url
        )
        if order.served_on:
            yield chronology.ChronologyEntry(order.served_on, "order", "Order", f"{name} served", url=url)
        if order.expires_on:
            yield chronology.ChronologyEntry(order.expires_on, "order", "Order", f"{name} expires", url=url)
    breaches = OrderBreach.objects.filter(
        order__perpetrator_id=case.perpetrator_id, order__case_id__in=cases
    ).select_related("order")
    for breach in breaches:
        yield chronology.ChronologyEntry(
            breach.occurred_on,
            "order",
            "Order",
            f"Breach of {breach.order.get_kind_display()}",
            breach.description,
            url=reverse("casework:order_detail", args=[breach.order.case_id, breach.order_id]),
        )


def _custody_entries(*, case, user):
    cases = person_case_ids(case, user)
    events = CustodyEvent.objects.filter(
        custody__perpetrator_id=case.perpetrator_id, custody__case_id__in=cases
    ).select_related("custody")
    for event in events:
        url = reverse("casework:custody", args=[event.custody.case_id])
        yield chronology.ChronologyEntry(
            event.occurred_on, "custody", "Custody", event.get_kind_display(), event.reason, url=url
        )
    for record in CustodyRecord.objects.filter(perpetrator_id=case.perpetrator_id, case_id__in=cases):
        url = reverse("casework:custody", args=[record.case_id])
        detail = " ".join(part for part in (record.sentence_length, record.establishment) if part)
        yield chronology.ChronologyEntry(
            record.sentence_date, "custody", "Custody", "Sentenced", detail, url=url
        )


def _incident_entries(*, case, user):
    url = reverse("casework:incidents", args=[case.pk])
    for incident in incidents_for_case(case, user).prefetch_related(None):  # no victim labels here
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
