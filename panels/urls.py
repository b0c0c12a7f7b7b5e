"""Panel URLs. Every page needs a panel role; which panel, meeting or item is checked in the view."""

from accounts.models import Role
from accounts.routing import roles, route
from panels import views, views_actions, views_nominations

app_name = "panels"

PANEL_PEOPLE = roles(Role.PANEL_COORDINATOR, Role.PANEL_CHAIR, Role.AGENCY_REP)
PANEL_RUNNERS = roles(Role.PANEL_COORDINATOR, Role.PANEL_CHAIR)

urlpatterns = [
    route("", views.panel_list, name="panel_list", access=PANEL_PEOPLE),
    route("<int:pk>/", views.panel_detail, name="panel_detail", access=PANEL_PEOPLE),
    route("<int:pk>/meetings/new/", views.meeting_create, name="meeting_create", access=PANEL_RUNNERS),
    route("<int:pk>/nominations/", views_nominations.nominations, name="nominations", access=PANEL_RUNNERS),
    route("<int:pk>/nominations/add/", views_nominations.nominate, name="nominate", access=PANEL_RUNNERS),
    route(
        "<int:pk>/nominations/partner/new/",
        views_nominations.partner_nominate,
        name="partner_nominate",
        access=PANEL_PEOPLE,
    ),
    route(
        "partner-nominations/<int:pk>/",
        views_nominations.partner_decide,
        name="partner_decide",
        access=PANEL_RUNNERS,
    ),
    route("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail", access=PANEL_PEOPLE),
    route("meetings/<int:pk>/items/new/", views.item_add, name="item_add", access=PANEL_RUNNERS),
    route("meetings/<int:pk>/publish/", views.meeting_publish, name="meeting_publish", access=PANEL_RUNNERS),
    route(
        "meetings/<int:pk>/attendance/", views.attendance_edit, name="attendance_edit", access=PANEL_RUNNERS
    ),
    route("meetings/<int:pk>/observers/new/", views.observer_add, name="observer_add", access=PANEL_RUNNERS),
    route("meetings/<int:pk>/approve/", views.meeting_approve, name="meeting_approve", access=PANEL_RUNNERS),
    route(
        "meetings/<int:pk>/packs/", views_actions.packs_request, name="packs_request", access=PANEL_RUNNERS
    ),
    route("items/<int:pk>/", views.item_detail, name="item_detail", access=PANEL_PEOPLE),
    route("items/<int:pk>/edit/", views.item_edit, name="item_edit", access=PANEL_RUNNERS),
    route("items/<int:pk>/research/", views.research_edit, name="research_edit", access=PANEL_PEOPLE),
    route("items/<int:pk>/minutes/", views.minutes_edit, name="minutes_edit", access=PANEL_RUNNERS),
    route("items/<int:pk>/actions/new/", views.action_add, name="action_add", access=PANEL_RUNNERS),
    route("actions/", views_actions.action_tracker, name="action_tracker", access=PANEL_PEOPLE),
    route("actions/<int:pk>/", views_actions.action_update, name="action_update", access=PANEL_PEOPLE),
    route("packs/<int:pk>/", views_actions.pack_download, name="pack_download", access=PANEL_PEOPLE),
]
