"""privacy's pages, at the paths they had before the app existed: subject access and retention at
the top level, the access reviews under the cases and victims they review."""

from accounts.routing import roles, route
from privacy import views_access_review, views_retention, views_sar

app_name = "privacy"

RETENTION_DECIDERS = roles("supervisor", "panel_coordinator", "dpo")
DPO = roles("dpo")
# Supervisors; each record is then checked again in the view (404 not visible, 403 not allowed).
SUPERVISOR = roles("supervisor")

urlpatterns = [
    route("retention/", views_retention.review_list, name="retention", access=RETENTION_DECIDERS),
    route(
        "retention/<int:pk>/",
        views_retention.review_detail,
        name="retention_review",
        access=RETENTION_DECIDERS,
    ),
    route(
        "retention/<int:pk>/extend/",
        views_retention.review_extend,
        name="retention_extend",
        access=RETENTION_DECIDERS,
    ),
    route(
        "retention/<int:pk>/erase/",
        views_retention.review_erase,
        name="retention_erase",
        access=RETENTION_DECIDERS,
    ),
    route("subject-access/", views_sar.sar_list, name="sar_list", access=DPO),
    route("subject-access/new/", views_sar.sar_new, name="sar_new", access=DPO),
    route("subject-access/<int:pk>/", views_sar.sar_detail, name="sar_detail", access=DPO),
    route("subject-access/<int:pk>/gather/", views_sar.sar_regather, name="sar_regather", access=DPO),
    route("subject-access/<int:pk>/export.pdf", views_sar.sar_export_pdf, name="sar_export_pdf", access=DPO),
    route(
        "subject-access/<int:pk>/export.json", views_sar.sar_export_json, name="sar_export_json", access=DPO
    ),
    route("subject-access/<int:pk>/preview/", views_sar.sar_preview, name="sar_preview", access=DPO),
    route(
        "subject-access/<int:pk>/items/<int:item_pk>/decide/",
        views_sar.sar_item_decide,
        name="sar_item_decide",
        access=DPO,
    ),
    route(
        "subject-access/<int:pk>/withhold-remaining/",
        views_sar.sar_withhold_remaining,
        name="sar_withhold_remaining",
        access=DPO,
    ),
    # Access review of cases: the case is then checked for the GRANT action.
    route(
        "cases/access-review/",
        views_access_review.case_access_review,
        name="case_access_review",
        access=SUPERVISOR,
    ),
    route(
        "cases/<int:pk>/who-can-reach/", views_access_review.case_reach, name="case_reach", access=SUPERVISOR
    ),
    route(
        "cases/<int:pk>/who-can-reach/<int:user_pk>/remove/",
        views_access_review.case_reach_remove,
        name="case_reach_remove",
        access=SUPERVISOR,
    ),
    # Access review of victim records: the IDVA team's supervisor.
    route(
        "victims/access-review/",
        views_access_review.victim_access_review,
        name="victim_access_review",
        access=SUPERVISOR,
    ),
    route(
        "victims/<int:pk>/who-can-reach/",
        views_access_review.victim_reach,
        name="victim_reach",
        access=SUPERVISOR,
    ),
    route(
        "victims/<int:pk>/who-can-reach/<int:user_pk>/remove/",
        views_access_review.victim_reach_remove,
        name="victim_reach_remove",
        access=SUPERVISOR,
    ),
]
