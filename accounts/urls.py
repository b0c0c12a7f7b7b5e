from accounts import audit_views, views, views_retention, views_sar
from accounts.routing import PASSWORD_ONLY, PUBLIC, SIGNED_IN, roles, route

app_name = "accounts"

RETENTION_DECIDERS = roles("supervisor", "panel_coordinator", "dpo")

urlpatterns = [
    route("", views.home, name="home", access=SIGNED_IN),
    route("sign-in/", views.sign_in, name="login", access=PUBLIC),
    route("sign-out/", views.sign_out, name="logout", access=PUBLIC),
    route("sign-in/security-code/", views.second_factor, name="mfa", access=PASSWORD_ONLY),
    route("audit/", audit_views.audit_trail, name="audit", access=roles("dpo")),
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
    route("subject-access/", views_sar.sar_list, name="sar_list", access=roles("dpo")),
    route("subject-access/new/", views_sar.sar_new, name="sar_new", access=roles("dpo")),
    route("subject-access/<int:pk>/", views_sar.sar_detail, name="sar_detail", access=roles("dpo")),
    route(
        "subject-access/<int:pk>/gather/", views_sar.sar_regather, name="sar_regather", access=roles("dpo")
    ),
    route(
        "subject-access/<int:pk>/export.pdf",
        views_sar.sar_export_pdf,
        name="sar_export_pdf",
        access=roles("dpo"),
    ),
    route(
        "subject-access/<int:pk>/export.json",
        views_sar.sar_export_json,
        name="sar_export_json",
        access=roles("dpo"),
    ),
    route("subject-access/<int:pk>/preview/", views_sar.sar_preview, name="sar_preview", access=roles("dpo")),
    route(
        "subject-access/<int:pk>/items/<int:item_pk>/decide/",
        views_sar.sar_item_decide,
        name="sar_item_decide",
        access=roles("dpo"),
    ),
    route(
        "subject-access/<int:pk>/withhold-remaining/",
        views_sar.sar_withhold_remaining,
        name="sar_withhold_remaining",
        access=roles("dpo"),
    ),
]
