from accounts.routing import SIGNED_IN, roles, route
from casework import views_breakglass, views_grants, views_restriction

urlpatterns = [
    route(
        "break-glass/",
        views_breakglass.break_glass,
        name="break_glass",
        # The view says who may use it and why (casework.breakglass.may_break_glass): 403 for others.
        access=SIGNED_IN,
    ),
    route(
        "<int:pk>/who-can-reach/give/", views_grants.case_grant, name="case_grant", access=roles("supervisor")
    ),
    # Restricting a case to the people named on it: the view then checks ALLOCATE on the case.
    route(
        "<int:pk>/restriction/",
        views_restriction.case_restriction,
        name="case_restriction",
        access=roles("supervisor"),
    ),
]
