from accounts.routing import SIGNED_IN, roles, route
from casework import views_access_review, views_breakglass, views_grants, views_restriction

urlpatterns = [
    route(
        "break-glass/",
        views_breakglass.break_glass,
        name="break_glass",
        # The view says who may use it and why (casework.breakglass.may_break_glass): 403 for others.
        access=SIGNED_IN,
    ),
    # Access review: supervisors; each case is then checked for the GRANT action (404 / 403).
    route(
        "access-review/", views_access_review.access_review, name="access_review", access=roles("supervisor")
    ),
    route(
        "<int:pk>/who-can-reach/",
        views_access_review.case_reach,
        name="case_reach",
        access=roles("supervisor"),
    ),
    route(
        "<int:pk>/who-can-reach/<int:user_pk>/remove/",
        views_access_review.case_reach_remove,
        name="case_reach_remove",
        access=roles("supervisor"),
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
