"""URLs of the case file. Case pages check the case itself through casework.selectors
(404 not visible, 403 not allowed), so any signed-in user reaches the door: a direct grant or
break-glass access may open a case to someone outside case management."""

from accounts.routing import SIGNED_IN, roles, route
from casework import views, views_contacts, views_person, views_plans

urlpatterns = [
    # Agency representatives see here the cases a supervisor has shared with them (casework.grants).
    route("", views.caseload_list, name="caseload", access=roles("case_manager", "supervisor", "agency_rep")),
    route("<int:pk>/", views.case_overview, name="case", access=SIGNED_IN),
    route("<int:pk>/edit/", views.case_edit, name="case_edit", access=SIGNED_IN),
    route("<int:pk>/risk/", views.case_risk, name="case_risk", access=SIGNED_IN),
    route("<int:pk>/allocate/", views.case_allocate, name="case_allocate", access=SIGNED_IN),
    route("<int:pk>/access-log/", views.case_access_log, name="access_log", access=SIGNED_IN),
    route("<int:pk>/person/", views_person.person, name="person", access=SIGNED_IN),
    route("<int:pk>/person/edit/", views_person.person_edit, name="person_edit", access=SIGNED_IN),
    route("<int:pk>/person/names/add/", views_person.alias_add, name="alias_add", access=SIGNED_IN),
    route(
        "<int:pk>/person/references/add/",
        views_person.identifier_add,
        name="identifier_add",
        access=SIGNED_IN,
    ),
    route("<int:pk>/person/addresses/add/", views_person.address_add, name="address_add", access=SIGNED_IN),
    route(
        "<int:pk>/person/<slug:kind>/<int:item>/remove/",
        views_person.detail_remove,
        name="detail_remove",
        access=SIGNED_IN,
    ),
    route("<int:pk>/assessments/", views_plans.assessments, name="assessments", access=SIGNED_IN),
    route(
        "<int:pk>/assessments/<int:assessment_pk>/",
        views_plans.assessment,
        name="assessment",
        access=SIGNED_IN,
    ),
    route("<int:pk>/plans/", views_plans.plans, name="plans", access=SIGNED_IN),
    route("<int:pk>/plans/goals/add/", views_plans.goal_add, name="goal_add", access=SIGNED_IN),
    route("<int:pk>/plans/goals/<int:item_pk>/", views_plans.goal_edit, name="goal_edit", access=SIGNED_IN),
    route("<int:pk>/plans/actions/add/", views_plans.action_add, name="action_add", access=SIGNED_IN),
    route(
        "<int:pk>/plans/actions/<int:item_pk>/", views_plans.action_edit, name="action_edit", access=SIGNED_IN
    ),
    route("<int:pk>/sessions/", views_contacts.sessions, name="sessions", access=SIGNED_IN),
    route("<int:pk>/sessions/add/", views_contacts.session_add, name="session_add", access=SIGNED_IN),
    route("<int:pk>/notes/", views_contacts.notes, name="notes", access=SIGNED_IN),
    route("<int:pk>/notes/add/", views_contacts.note_add, name="note_add", access=SIGNED_IN),
    route(
        "<int:pk>/notes/<int:note_pk>/delete/",
        views_contacts.note_delete,
        name="note_delete",
        access=SIGNED_IN,
    ),
    route("<int:pk>/chronology/", views_contacts.chronology_view, name="chronology", access=SIGNED_IN),
    route("<int:pk>/closure/", views_contacts.closure, name="closure", access=SIGNED_IN),
    route(
        "<int:pk>/closure/request/", views_contacts.closure_request, name="closure_request", access=SIGNED_IN
    ),
    route("<int:pk>/closure/decide/", views_contacts.closure_decide, name="closure_decide", access=SIGNED_IN),
    route("<int:pk>/closure/reopen/", views_contacts.case_reopen, name="case_reopen", access=SIGNED_IN),
    route("<int:pk>/outcomes/", views_contacts.outcomes_record, name="outcomes", access=SIGNED_IN),
]
