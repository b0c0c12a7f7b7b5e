from accounts.routing import roles, route
from referrals import views

app_name = "referrals"

# Who may record a referral; object-level checks (whose referral, which team) are in the views.
REFERRERS = roles("case_manager", "supervisor", "panel_coordinator", "agency_rep")
TEAM = roles("case_manager", "supervisor")

urlpatterns = [
    route("", views.queue, name="queue", access=REFERRERS),
    route("mine/", views.mine, name="mine", access=REFERRERS),
    route("new/", views.create, name="create", access=REFERRERS),
    route("mix/", views.mix, name="mix", access=TEAM),
    route("people/merge/", views.merge, name="merge", access=roles("supervisor")),
    route("people/merges/<int:pk>/undo/", views.merge_undo, name="merge_undo", access=roles("supervisor")),
    route("<int:pk>/", views.detail, name="detail", access=REFERRERS),
    route("<int:pk>/edit/", views.edit, name="edit", access=REFERRERS),
    route("<int:pk>/first-contact/", views.first_contact, name="first_contact", access=TEAM),
    route("<int:pk>/person/", views.match, name="match", access=TEAM),
    route("<int:pk>/screening/", views.screen, name="screen", access=TEAM),
    route("<int:pk>/allocate/", views.allocate, name="allocate", access=roles("supervisor")),
]
