from accounts.routing import roles, route
from casework import views_breakglass

urlpatterns = [
    route(
        "break-glass/",
        views_breakglass.break_glass,
        name="break_glass",
        access=roles("case_manager", "supervisor", "idva", "agency_rep", "panel_coordinator", "panel_chair"),
    ),
]
