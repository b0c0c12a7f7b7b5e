from accounts.routing import SIGNED_IN, roles, route
from victims import views, views_case, views_pick_up

app_name = "victims"

IDVA_TEAM = roles("idva", "supervisor")
# Case-side pages: the case's own access function decides (404 / 403) inside the view.
CASE_SIDE = SIGNED_IN

urlpatterns = [
    route("", views.victim_list, name="list", access=IDVA_TEAM),
    route("new/", views.victim_new, name="new", access=roles("idva", "supervisor")),
    route("to-pick-up/", views.pick_up_queue, name="pick_up_queue", access=IDVA_TEAM),
    route("to-pick-up/<int:pk>/", views.pick_up, name="pick_up", access=IDVA_TEAM),
    route("to-pick-up/named/<int:pk>/", views_pick_up.named_victim, name="named_victim", access=IDVA_TEAM),
    route(
        "to-pick-up/named/<int:pk>/new-record/",
        views_pick_up.named_victim_create,
        name="named_victim_create",
        access=IDVA_TEAM,
    ),
    route(
        "to-pick-up/named/<int:pk>/existing-record/",
        views_pick_up.named_victim_link,
        name="named_victim_link",
        access=IDVA_TEAM,
    ),
    route(
        "to-pick-up/named/<int:pk>/not-offered/",
        views_pick_up.named_victim_not_offered,
        name="named_victim_not_offered",
        access=IDVA_TEAM,
    ),
    route("<int:pk>/", views.victim_detail, name="detail", access=IDVA_TEAM),
    route("<int:pk>/edit/", views.victim_edit, name="edit", access=IDVA_TEAM),
    route("<int:pk>/allocate/", views.victim_allocate, name="allocate", access=roles("supervisor")),
    route("<int:pk>/links/new/", views.link_new, name="link_new", access=IDVA_TEAM),
    route("<int:pk>/links/<int:link_pk>/end/", views.link_end, name="link_end", access=IDVA_TEAM),
    route("<int:pk>/contact/", views.contact_tab, name="contact", access=IDVA_TEAM),
    route("<int:pk>/contact/addresses/new/", views.address_new, name="address_new", access=IDVA_TEAM),
    route("<int:pk>/contact/phones-and-email/new/", views.contact_new, name="contact_new", access=IDVA_TEAM),
    route("<int:pk>/contact/safe-contact/", views.safe_contact_edit, name="safe_contact", access=IDVA_TEAM),
    route("<int:pk>/safety/", views.safety_tab, name="safety", access=IDVA_TEAM),
    route("<int:pk>/safety/plan/", views.safety_plan_edit, name="safety_plan", access=IDVA_TEAM),
    route("<int:pk>/safety/notes/new/", views.safety_note_new, name="safety_note_new", access=IDVA_TEAM),
    route("<int:pk>/dash/", views.dash_tab, name="dash", access=IDVA_TEAM),
    route("<int:pk>/dash/new/", views.dash_new, name="dash_new", access=IDVA_TEAM),
    route("<int:pk>/dash/<int:dash_pk>/", views.dash_detail, name="dash_detail", access=IDVA_TEAM),
    route("<int:pk>/sharing/", views.sharing_tab, name="sharing", access=IDVA_TEAM),
    route("<int:pk>/sharing/consent/new/", views.consent_new, name="consent_new", access=IDVA_TEAM),
    route("<int:pk>/sharing/notes/new/", views.shared_note_new, name="shared_note_new", access=IDVA_TEAM),
    route("<int:pk>/children/", views.children_tab, name="children", access=IDVA_TEAM),
    route("<int:pk>/children/new/", views.child_new, name="child_new", access=IDVA_TEAM),
    route(
        "<int:pk>/children/<int:child_pk>/encompass/new/",
        views.encompass_new,
        name="encompass_new",
        access=IDVA_TEAM,
    ),
    route("<int:pk>/outcomes/", views.outcomes_tab, name="outcomes", access=IDVA_TEAM),
    route("<int:pk>/outcomes/<str:stage>/", views.outcome_edit, name="outcome_edit", access=IDVA_TEAM),
    route("<int:pk>/access-log/", views.access_log, name="access_log", access=roles("supervisor", "dpo")),
    route("cases/<int:case_pk>/", views_case.linked_victims, name="case_linked_victims", access=CASE_SIDE),
    route(
        "cases/<int:case_pk>/new-partner/",
        views_case.new_partner,
        name="new_partner",
        access=roles("case_manager", "supervisor"),
    ),
]
