"""Case tabs for orders, custody and incidents, and the RFG score tab.

Every view fetches the case through `view_case` (404 when not visible, 403 when the action is
not allowed; the read is audited), then the record through that case: a URL naming one case and
another case's record is 404, whatever the user may see elsewhere (selectors_legal). Writes need
EDIT on the case (its case manager, supervisor or a user granted change). Victims appear only
by their safe label.
"""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import audit
from accounts.models import AuditEvent
from casework import services_legal as services
from casework.access import EDIT
from casework.forms_legal import (
    BreachForm,
    CustodyEventForm,
    CustodyForm,
    IncidentForm,
    IncidentRemoveForm,
    OrderForm,
)
from casework.models import Order
from casework.selectors_legal import (
    custody_for_case,
    custody_records_of_case,
    gravity_weights,
    incidents_for_case,
    incidents_of_case,
    order_flags,
    order_for_case,
    orders_for_case,
    rfg_for_case,
)
from casework.views import attempt, case_page, done, view_case


def _one(queryset, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError):
        raise Http404("Not found") from None


def _form_page(
    request, case, tab, form, title, *, cancel_url, button="Save", template="casework/legal/form.html"
):
    return case_page(
        request,
        case,
        tab,
        template,
        {"form": form, "title": title, "cancel_url": cancel_url, "button": button},
    )


# --- Orders ---------------------------------------------------------------------------------


@require_GET
def orders(request, pk):
    case = view_case(request, pk, purpose="orders register")
    today = timezone.localdate()
    rows = list(orders_for_case(case, request.user))
    for order in rows:
        order.flags = order_flags(order, today)
    context = {
        "in_force": [o for o in rows if o.is_in_force(today)],
        "ended": [o for o in rows if not o.is_in_force(today)],
        "today": today,
    }
    return case_page(request, case, "orders", "casework/legal/orders.html", context)


@require_http_methods(["GET", "POST"])
def order_add(request, pk):
    case = view_case(request, pk, purpose="record an order", action=EDIT)
    form = OrderForm(request.POST or None, case=case, user=request.user)
    created = {}

    def save(form):
        created["order"] = services.order_create(actor=request.user, case=case, **form.service_fields())

    if request.method == "POST" and attempt(form, save):
        return done(request, f"{created['order'].get_kind_display()} recorded", "orders", case)
    return _form_page(request, case, "orders", form, "Record an order", cancel_url=_url("orders", case))


@require_GET
def order_detail(request, pk, order_pk):
    case = view_case(request, pk, purpose="order")
    try:
        order = order_for_case(case, order_pk)
    except Order.DoesNotExist:
        raise Http404("Not found") from None
    audit.record(request, AuditEvent.Action.VIEW, order, purpose="order")
    order.flags = order_flags(order, timezone.localdate())
    return case_page(
        request,
        case,
        "orders",
        "casework/legal/order_detail.html",
        {"order": order, "today": timezone.localdate()},
    )


@require_http_methods(["GET", "POST"])
def order_edit(request, pk, order_pk):
    case = view_case(request, pk, purpose="edit an order", action=EDIT)
    order = _one(Order.objects.filter(case=case), order_pk)
    initial = {
        name: getattr(order, name)
        for name in (
            "kind",
            "court_or_issuer",
            "made_on",
            "served_on",
            "expires_on",
            "until_further_order",
            "conditions",
            "conditions_detail",
            "notified_on",
        )
    }
    initial["protected_persons"] = list(order.protected_persons.values_list("pk", flat=True))
    initial["version"] = order.version
    form = OrderForm(request.POST or None, initial=initial, case=case, user=request.user, versioned=True)

    def save(form):
        fields = form.service_fields()
        services.order_update(
            actor=request.user,
            order=order,
            expected_version=form.cleaned_data["version"],
            protected_persons=fields.pop("protected_persons"),
            **fields,
        )

    if request.method == "POST" and attempt(form, save):
        return done_detail(request, "Order updated", "order_detail", case, order)
    return _form_page(
        request, case, "orders", form, "Change the order", cancel_url=_url("order_detail", case, order)
    )


@require_http_methods(["GET", "POST"])
def breach_add(request, pk, order_pk):
    case = view_case(request, pk, purpose="record a breach", action=EDIT)
    order = _one(Order.objects.filter(case=case), order_pk)
    form = BreachForm(request.POST or None)

    def save(form):
        services.order_breach_record(actor=request.user, order=order, **form.cleaned_data)

    if request.method == "POST" and attempt(form, save):
        return done_detail(request, "Breach recorded", "order_detail", case, order)
    return _form_page(
        request,
        case,
        "orders",
        form,
        f"Record a breach of the {order.get_kind_display()}",
        cancel_url=_url("order_detail", case, order),
    )


# --- Custody --------------------------------------------------------------------------------


@require_GET
def custody(request, pk):
    case = view_case(request, pk, purpose="custody")
    records = list(custody_for_case(case, request.user))
    today = timezone.localdate()
    return case_page(
        request, case, "custody", "casework/legal/custody.html", {"records": records, "today": today}
    )


@require_http_methods(["GET", "POST"])
def custody_add(request, pk):
    case = view_case(request, pk, purpose="record custody", action=EDIT)
    form = CustodyForm(request.POST or None)

    def save(form):
        services.custody_record_create(actor=request.user, case=case, **form.service_fields())

    if request.method == "POST" and attempt(form, save):
        return done(request, "Custody recorded", "custody", case)
    return _form_page(
        request, case, "custody", form, "Record a custodial sentence", cancel_url=_url("custody", case)
    )


@require_http_methods(["GET", "POST"])
def custody_edit(request, pk, custody_pk):
    case = view_case(request, pk, purpose="edit custody", action=EDIT)
    record = _one(custody_records_of_case(case), custody_pk)
    form = CustodyForm(request.POST or None, instance=record, versioned=True)

    def save(form):
        services.custody_record_update(
            actor=request.user,
            custody=record,
            expected_version=form.cleaned_data["version"],
            **form.service_fields(),
        )

    if request.method == "POST" and attempt(form, save):
        return done(request, "Custody updated", "custody", case)
    return _form_page(
        request, case, "custody", form, "Change the custody record", cancel_url=_url("custody", case)
    )


@require_http_methods(["GET", "POST"])
def custody_event_add(request, pk, custody_pk):
    case = view_case(request, pk, purpose="record a custody event", action=EDIT)
    record = _one(custody_records_of_case(case), custody_pk)
    form = CustodyEventForm(request.POST or None)

    def save(form):
        services.custody_event_record(actor=request.user, custody=record, **form.cleaned_data)

    if request.method == "POST" and attempt(form, save):
        return done(request, "Custody event recorded", "custody", case)
    return _form_page(
        request,
        case,
        "custody",
        form,
        "Record a release, recall or hearing",
        cancel_url=_url("custody", case),
    )


# --- Incidents ------------------------------------------------------------------------------


@require_GET
def incidents(request, pk):
    case = view_case(request, pk, purpose="incidents")
    weights = gravity_weights()
    rows = [(incident, weights.get(incident.offence)) for incident in incidents_for_case(case, request.user)]
    return case_page(
        request, case, "incidents", "casework/legal/incidents.html", {"rows": rows, "scoring": bool(weights)}
    )


@require_http_methods(["GET", "POST"])
def incident_add(request, pk):
    case = view_case(request, pk, purpose="record an incident", action=EDIT)
    form = IncidentForm(request.POST or None, case=case, user=request.user)

    def save(form):
        services.incident_create(
            actor=request.user, perpetrator=case.perpetrator, case=case, **form.service_fields()
        )

    if request.method == "POST" and attempt(form, save):
        return done(request, "Incident recorded", "incidents", case)
    return _form_page(
        request, case, "incidents", form, "Record an incident", cancel_url=_url("incidents", case)
    )


@require_http_methods(["GET", "POST"])
def incident_edit(request, pk, incident_pk):
    case = view_case(request, pk, purpose="edit an incident", action=EDIT)
    incident = _one(incidents_of_case(case), incident_pk)
    initial = {
        name: getattr(incident, name)
        for name in (
            "occurred_on",
            "occurred_at",
            "incident_type",
            "offence",
            "children_present",
            "children_count",
            "police_reference",
            "summary",
        )
    }
    initial["is_domestic_abuse"] = "yes" if incident.is_domestic_abuse else "no"
    initial["victim_links"] = list(incident.victim_links.values_list("pk", flat=True))
    initial["version"] = incident.version
    form = IncidentForm(request.POST or None, initial=initial, case=case, user=request.user, versioned=True)

    def save(form):
        fields = form.service_fields()
        services.incident_update(
            actor=request.user,
            incident=incident,
            expected_version=form.cleaned_data["version"],
            victim_links=fields.pop("victim_links"),
            **fields,
        )

    if request.method == "POST" and attempt(form, save):
        return done(request, "Incident updated", "incidents", case)
    return _form_page(
        request, case, "incidents", form, "Change the incident", cancel_url=_url("incidents", case)
    )


@require_http_methods(["GET", "POST"])
def incident_remove(request, pk, incident_pk):
    case = view_case(request, pk, purpose="remove an incident", action=EDIT)
    incident = _one(incidents_of_case(case), incident_pk)
    form = IncidentRemoveForm(request.POST or None)

    def save(form):
        services.incident_delete(actor=request.user, incident=incident, reason=form.cleaned_data["reason"])

    if request.method == "POST" and attempt(form, save):
        return done(request, "Incident removed", "incidents", case)
    return _form_page(
        request,
        case,
        "incidents",
        form,
        f"Remove the incident of {incident.occurred_on:%-d %B %Y}",
        cancel_url=_url("incidents", case),
        button="Remove incident",
        template="casework/legal/form_warning.html",
    )


# --- RFG ------------------------------------------------------------------------------------


@require_GET
def rfg(request, pk):
    case = view_case(request, pk, purpose="RFG score")
    scores = rfg_for_case(case)
    kept = [("Entry", scores.entry), ("Current", scores.current), ("Exit", scores.exit)]
    latest = scores.exit or scores.current
    change = None
    if scores.entry and latest:
        change = (latest.score - scores.entry.score).normalize()
        change = f"{'+' if change > 0 else ''}{change:f}"
    return case_page(
        request, case, "rfg", "casework/legal/rfg.html", {"rfg": scores, "kept": kept, "change": change}
    )


@require_POST
def rfg_refresh(request, pk):
    case = view_case(request, pk, purpose="recalculate RFG score", action=EDIT)
    services.rfg_refresh_case(case=case, actor=request.user)
    return done(request, "RFG score recalculated", "rfg", case)


# --- Helpers --------------------------------------------------------------------------------


def _url(name: str, case, obj=None) -> str:
    from django.urls import reverse

    return reverse(f"casework:{name}", args=[case.pk] if obj is None else [case.pk, obj.pk])


def done_detail(request, message: str, url_name: str, case, obj):
    from django.contrib import messages
    from django.http import HttpResponseRedirect

    messages.success(request, message)
    return HttpResponseRedirect(_url(url_name, case, obj))
