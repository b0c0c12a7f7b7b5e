from accounts import audit_views, views
from accounts.routing import PASSWORD_ONLY, PUBLIC, SIGNED_IN, roles, route

app_name = "accounts"

urlpatterns = [
    route("", views.home, name="home", access=SIGNED_IN),
    route("sign-in/", views.sign_in, name="login", access=PUBLIC),
    route("sign-out/", views.sign_out, name="logout", access=PUBLIC),
    route("sign-in/security-code/", views.second_factor, name="mfa", access=PASSWORD_ONLY),
    route("audit/", audit_views.audit_trail, name="audit", access=roles("dpo")),
]
