"""URLs of orders, custody, incidents and RFG. Case pages check the case itself (404 not
visible, 403 not allowed), so any signed-in user reaches the door, as in urls_casefile."""

from accounts.routing import SIGNED_IN, roles, route
from casework import views_legal as views
from casework import views_legal_import

urlpatterns = [
    route("<int:pk>/orders/", views.orders, name="orders", access=SIGNED_IN),
    route("<int:pk>/orders/add/", views.order_add, name="order_add", access=SIGNED_IN),
    route("<int:pk>/orders/<int:order_pk>/", views.order_detail, name="order_detail", access=SIGNED_IN),
    route("<int:pk>/orders/<int:order_pk>/edit/", views.order_edit, name="order_edit", access=SIGNED_IN),
    route(
        "<int:pk>/orders/<int:order_pk>/breaches/add/", views.breach_add, name="breach_add", access=SIGNED_IN
    ),
    route("<int:pk>/custody/", views.custody, name="custody", access=SIGNED_IN),
    route("<int:pk>/custody/add/", views.custody_add, name="custody_add", access=SIGNED_IN),
    route(
        "<int:pk>/custody/<int:custody_pk>/edit/", views.custody_edit, name="custody_edit", access=SIGNED_IN
    ),
    route(
        "<int:pk>/custody/<int:custody_pk>/events/add/",
        views.custody_event_add,
        name="custody_event_add",
        access=SIGNED_IN,
    ),
    route("<int:pk>/incidents/", views.incidents, name="incidents", access=SIGNED_IN),
    route("<int:pk>/incidents/add/", views.incident_add, name="incident_add", access=SIGNED_IN),
    route(
        "<int:pk>/incidents/<int:incident_pk>/edit/",
        views.incident_edit,
        name="incident_edit",
        access=SIGNED_IN,
    ),
    route(
        "<int:pk>/incidents/<int:incident_pk>/remove/",
        views.incident_remove,
        name="incident_remove",
        access=SIGNED_IN,
    ),
    route("<int:pk>/rfg/", views.rfg, name="rfg", access=SIGNED_IN),
    route("<int:pk>/rfg/recalculate/", views.rfg_refresh, name="rfg_refresh", access=SIGNED_IN),
    route(
        "incidents/import/",
        views_legal_import.incident_import,
        name="incident_import",
        access=roles("case_manager", "supervisor"),
    ),
]
